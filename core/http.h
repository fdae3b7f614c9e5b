// Sends one HTTP request and returns the response. Called by connectors for every poll page
// and action call; implementations keep connections alive between calls. Tests use a fake
// transport or the in-process fake servers, never the network.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace sluice {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: scheme://host[:port]/path?query
  HttpHeaders headers;
  std::string body;
  int timeoutMs = 30000;  // connect and read, each

  // Case-insensitive header lookup; "" when absent.
  std::string header(const std::string& name) const;
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;

  // Case-insensitive header lookup; "" when absent.
  std::string header(const std::string& name) const;
};

// A request that got no usable response: connect/read timeout, refused or dropped
// connection, TLS failure, body over the size cap. `retryable` says whether trying again
// later can help (a TLS verification failure cannot).
class TransportError : public Error {
 public:
  TransportError(const std::string& what, bool retryable) : Error(what), retryable_(retryable) {}
  bool retryable() const { return retryable_; }

 private:
  bool retryable_;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Thread-safe. Throws TransportError when there is no complete response.
  virtual HttpResponse send(const HttpRequest& request) = 0;
};

}  // namespace sluice
