// The admin endpoint of `sluice run` (settings.admin, 127.0.0.1:9464 unless set; "off" = none):
//   GET /metrics  the current runner's metrics, Prometheus text format 0.0.4
//   GET /healthz  200 while the process runs
//   GET /readyz   200 once the runner's first scheduling pass ran and the state store
//                 answers; 503 before, and between runners while a SIGHUP reload swaps them
// It outlives the runners: `sluice run` attaches each new runner and detaches it before the
// runner goes away (detach waits for a scrape in progress).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "http/http_server.h"

namespace sluice {

class Runner;

struct AdminResponse {
  int status = 200;
  std::string contentType = "text/plain; charset=utf-8";
  std::string body;
};

class AdminServer {
 public:
  AdminServer();
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Listens on "HOST:PORT" (port 0 picks a free one). Throws Error when it cannot bind.
  void start(const std::string& address);
  void stop();  // idempotent; requests in progress finish
  uint16_t port() const { return http_.port(); }

  // The runner /metrics and /readyz read; nullptr detaches (waits for a scrape in progress).
  void attach(Runner* runner);

  // One request, as the HTTP server calls it (safe from several threads).
  AdminResponse handle(const std::string& method, const std::string& path);

 private:
  std::mutex mutex_;  // guards runner_ and is held while it is read
  Runner* runner_ = nullptr;
  HttpServer http_;  // last: stopped before the members its requests read
};

}  // namespace sluice
