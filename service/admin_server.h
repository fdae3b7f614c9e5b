// The admin endpoint of `sluice run` (settings.admin, 127.0.0.1:9464 unless set; "off" = none):
//   GET /metrics  the current runner's metrics, Prometheus text format 0.0.4
//   GET /healthz  200 while the process runs
//   GET /readyz   200 once the runner's first scheduling pass ran and the state store
//                 answers; 503 before, and between runners while a SIGHUP reload swaps them
//   anything else: the attached pages (the web console, console/), else 404
// It outlives the runners: `sluice run` attaches each new runner (and its pages) and detaches
// them before they go away (detach waits for a request in progress).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "core/http.h"
#include "http/http_server.h"

namespace sluice {

class Runner;

struct AdminResponse {
  int status = 200;
  std::string contentType = "text/plain; charset=utf-8";
  std::string body;
};

// Pages served next to /metrics (the console). Called on the server's threads, one request
// at a time per thread; request.url is absolute (http://HOST/path?query, HOST from the Host
// header), remote is the peer's address. The answer's headers are sent as they are.
class AdminPages {
 public:
  virtual ~AdminPages() = default;
  virtual HttpResponse serve(const HttpRequest& request, const std::string& remote) = 0;
};

class AdminServer {
 public:
  // Largest request body read (the console's forms are a few hundred bytes).
  static constexpr size_t kMaxBodyBytes = 64 * 1024;

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
  // The pages; nullptr detaches (waits for a page in progress).
  void attachPages(AdminPages* pages);

  // One request to /metrics, /healthz or /readyz, as the HTTP server calls it (safe from
  // several threads).
  AdminResponse handle(const std::string& method, const std::string& path);
  // Any other path: the attached pages' answer, 404 without them.
  HttpResponse servePage(const HttpRequest& request, const std::string& remote);

 private:
  std::mutex mutex_;  // guards runner_ and is held while it is read
  Runner* runner_ = nullptr;
  std::mutex pagesMutex_;  // guards pages_ and is held while a page is made
  AdminPages* pages_ = nullptr;
  HttpServer http_;  // last: stopped before the members its requests read
};

}  // namespace sluice
