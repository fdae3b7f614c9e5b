#include "service/admin_server.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include "core/error.h"
#include "core/logger.h"
#include "service/runner.h"

namespace sluice {

namespace {

// One request: the answer of AdminServer::handle, or 500 when it failed.
void serveAdmin(AdminServer& server, Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) {
  AdminResponse out;
  try {
    out = server.handle(request.getMethod(), Poco::URI(request.getURI()).getPath());
  } catch (const std::exception& e) {
    out = {500, "text/plain; charset=utf-8", "internal error\n"};
    logError("admin.error", kv("error", e.what()));
  }
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
  response.setContentType(out.contentType);
  response.sendBuffer(out.body.data(), out.body.size());
}

}  // namespace

AdminServer::AdminServer()
    : http_("admin", {2, 16},
            [this](auto& request, auto& response) { serveAdmin(*this, request, response); }) {}

AdminServer::~AdminServer() {
  stop();
}

void AdminServer::start(const std::string& address) {
  if (http_.running()) return;
  http_.start(address);
  logInfo("admin.listen", kv("address", address) + " " + kv("port", http_.port()) +
                              " paths=/metrics,/healthz,/readyz");
}

void AdminServer::stop() {
  http_.stop();
}

void AdminServer::attach(Runner* runner) {
  std::lock_guard<std::mutex> lock(mutex_);
  runner_ = runner;
}

namespace {

// Ready, but these flows' polls wait for their deliveries (back-pressure): which and how much.
std::string behindText(const std::vector<BehindFlow>& behind) {
  constexpr size_t kListed = 20;
  std::string text;
  for (size_t i = 0; i < behind.size() && i < kListed; ++i)
    text += "behind " + kv("flow", behind[i].flow) + " " + kv("pending", behind[i].pending) + " " +
            kv("lag_s", behind[i].lagMs / 1000) + "\n";
  if (behind.size() > kListed)
    text += "behind: " + std::to_string(behind.size() - kListed) + " more flows\n";
  return text;
}

}  // namespace

AdminResponse AdminServer::handle(const std::string& method, const std::string& path) {
  if (method != "GET") return {405, "text/plain; charset=utf-8", "GET only\n"};
  if (path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
  if (path == "/readyz") {
    std::lock_guard<std::mutex> lock(mutex_);
    if (runner_ && runner_->ready())
      return {200, "text/plain; charset=utf-8", "ready\n" + behindText(runner_->behindFlows())};
    return {503, "text/plain; charset=utf-8", "not ready\n"};
  }
  if (path == "/metrics") {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!runner_) return {503, "text/plain; charset=utf-8", "no runner (starting or reloading)\n"};
    return {200, "text/plain; version=0.0.4; charset=utf-8", runner_->metrics().render()};
  }
  return {404, "text/plain; charset=utf-8", "not found: /metrics, /healthz, /readyz\n"};
}

}  // namespace sluice
