// A small HTTP server for sluice's own endpoints (admin, webhooks): Poco's HTTPServer on a
// bounded thread pool, one handler function for every request. The admin endpoint and the
// webhook intake differ only in that function and their limits.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Net
}  // namespace Poco

namespace sluice {

struct HttpServerLimits {
  int maxThreads = 2;  // requests served at once
  int maxQueued = 16;  // connections waiting beyond those
};

class HttpServer {
 public:
  // Called on a pool thread for each request; an exception it lets through is Poco's to log,
  // so handlers answer every failure themselves.
  using Handler =
      std::function<void(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&)>;

  // name prefixes the error when it cannot listen ("admin", "webhooks").
  HttpServer(std::string name, HttpServerLimits limits, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Listens on "HOST:PORT" (port 0 picks a free one). Throws Error "<name>: cannot listen on
  // ADDRESS: why". Does nothing when already listening.
  void start(const std::string& address);
  // Idle connections close; requests in progress finish. Idempotent.
  void stop();
  bool running() const { return server_ != nullptr; }
  uint16_t port() const { return port_; }

 private:
  std::string name_;
  HttpServerLimits limits_;
  Handler handler_;
  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  uint16_t port_ = 0;
};

}  // namespace sluice
