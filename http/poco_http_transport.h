// The production transport (Poco): keep-alive sessions pooled per host, timeouts, TLS
// verification with the system CA store, gzip accepted, response size capped.
#pragma once

#include <memory>

#include "core/http.h"

namespace sluice {

struct TransportOptions {
  size_t maxResponseBytes = 16 * 1024 * 1024;
  bool verifyTls = true;  // turning it off is an explicit, logged per-connection setting
  int maxIdlePerHost = 8;
};

// Poco-based transport: keep-alive sessions pooled per host, timeouts, TLS verification with
// the system CA store, gzip accepted, response size capped.
std::unique_ptr<HttpTransport> makePocoTransport(const TransportOptions& options = {});

}  // namespace sluice
