#include "service/admin_server.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include "core/error.h"
#include "core/logger.h"
#include "service/runner.h"

namespace sluice {

namespace {

bool isBuiltIn(const std::string& path) {
  return path == "/metrics" || path == "/healthz" || path == "/readyz";
}

// The request as the pages see it; nullopt when its body is over the cap.
std::optional<HttpRequest> pageRequest(Poco::Net::HTTPServerRequest& request) {
  HttpRequest out;
  out.method = request.getMethod();
  out.url = "http://" + request.getHost() + request.getURI();
  for (const auto& [name, value] : request) out.headers.emplace_back(name, value);
  std::istream& in = request.stream();
  // A body a little over the cap is read and dropped, so the client gets its 413 instead of a
  // connection reset while it is still sending; a much larger one is not read at all.
  constexpr std::streamsize kDrainBytes = 1 << 20;
  if (request.hasContentLength() &&
      request.getContentLength64() > static_cast<int64_t>(AdminServer::kMaxBodyBytes)) {
    if (request.getContentLength64() <=
        static_cast<int64_t>(AdminServer::kMaxBodyBytes) + kDrainBytes)
      in.ignore(kDrainBytes + static_cast<std::streamsize>(AdminServer::kMaxBodyBytes));
    return std::nullopt;
  }
  char buffer[4096];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    out.body.append(buffer, static_cast<size_t>(in.gcount()));
    if (out.body.size() > AdminServer::kMaxBodyBytes) {
      in.ignore(kDrainBytes);
      return std::nullopt;
    }
  }
  return out;
}

HttpResponse servePageRequest(AdminServer& server, Poco::Net::HTTPServerRequest& request,
                              Poco::Net::HTTPServerResponse& response) {
  const auto page = pageRequest(request);
  if (page) return server.servePage(*page, request.clientAddress().host().toString());
  response.setKeepAlive(false);  // the rest of the body is not read
  return {413, {{"Content-Type", "text/plain; charset=utf-8"}}, "request body too large\n"};
}

// One request: the built-in endpoints or the pages, or 500 when it failed.
void serveAdmin(AdminServer& server, Poco::Net::HTTPServerRequest& request,
                Poco::Net::HTTPServerResponse& response) {
  HttpResponse out;
  try {
    const std::string path = Poco::URI(request.getURI()).getPath();
    if (isBuiltIn(path)) {
      const AdminResponse r = server.handle(request.getMethod(), path);
      out = {r.status, {{"Content-Type", r.contentType}}, r.body};
    } else {
      out = servePageRequest(server, request, response);
    }
  } catch (const std::exception& e) {
    out = {500, {{"Content-Type", "text/plain; charset=utf-8"}}, "internal error\n"};
    logError("admin.error", kv("error", e.what()));
  }
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
  for (const auto& [name, value] : out.headers) response.set(name, value);
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
                              " paths=/metrics,/healthz,/readyz,/ (console)");
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

void AdminServer::attachPages(AdminPages* pages) {
  std::lock_guard<std::mutex> lock(pagesMutex_);
  pages_ = pages;
}

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

HttpResponse AdminServer::servePage(const HttpRequest& request, const std::string& remote) {
  std::lock_guard<std::mutex> lock(pagesMutex_);
  if (pages_) return pages_->serve(request, remote);
  return {404,
          {{"Content-Type", "text/plain; charset=utf-8"}},
          "not found: /metrics, /healthz, /readyz\n"};
}

}  // namespace sluice
