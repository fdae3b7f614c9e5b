// The production transport (Poco): keep-alive sessions pooled per host, timeouts, TLS
// verification with the system CA store, gzip accepted, response size capped.
#pragma once

#include <memory>

#include "core/http.h"

namespace sluice {

struct TransportOptions {
  size_t maxResponseBytes = 16 * 1024 * 1024;
  bool verifyTls = true;  // turning it off is an explicit, logged per-connection setting
  // Idle keep-alive connections kept per host. Connections are made only as calls need them,
  // so this caps what a burst leaves behind: at least as many as the worker pool may call one
  // host with at once (settings.max_workers, up to 256), or a busy pool would close and
  // reopen a connection (a TLS handshake) for most calls.
  int maxIdlePerHost = 256;
};

// Poco-based transport: keep-alive sessions pooled per host, timeouts, TLS verification with
// the system CA store, gzip accepted, response size capped.
std::unique_ptr<HttpTransport> makePocoTransport(const TransportOptions& options = {});

}  // namespace sluice
