#include "service/admin_server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include "core/error.h"
#include "core/logger.h"
#include "service/runner.h"

namespace sluice {

namespace {

class AdminHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit AdminHandler(AdminServer& server) : server_(server) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    AdminResponse out;
    try {
      out = server_.handle(request.getMethod(), Poco::URI(request.getURI()).getPath());
    } catch (const std::exception& e) {
      out = {500, "text/plain; charset=utf-8", "internal error\n"};
      logError("admin.error", kv("error", e.what()));
    }
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
    response.setContentType(out.contentType);
    response.sendBuffer(out.body.data(), out.body.size());
  }

 private:
  AdminServer& server_;
};

class AdminHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit AdminHandlerFactory(AdminServer& server) : server_(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new AdminHandler(server_);
  }

 private:
  AdminServer& server_;
};

}  // namespace

AdminServer::AdminServer() = default;

AdminServer::~AdminServer() {
  stop();
}

void AdminServer::start(const std::string& address) {
  if (server_) return;
  try {
    Poco::Net::ServerSocket socket;
    // SO_REUSEADDR only: with SO_REUSEPORT a second process could bind the same port and
    // take half of the scrapes.
    socket.bind(Poco::Net::SocketAddress(address), true, false);
    socket.listen(16);
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(2);
    params->setMaxQueued(16);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(10, 0));
    pool_ = std::make_unique<Poco::ThreadPool>(1, 2);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new AdminHandlerFactory(*this), *pool_,
                                                      socket, params);
    server_->start();
  } catch (const Poco::Exception& e) {
    server_.reset();
    pool_.reset();
    throw Error("admin: cannot listen on " + address + ": " + e.displayText());
  }
  logInfo("admin.listen",
          kv("address", address) + " " + kv("port", port_) + " paths=/metrics,/healthz,/readyz");
}

void AdminServer::stop() {
  if (!server_) return;
  server_->stopAll(false);
  if (pool_) pool_->joinAll();
  server_.reset();
  pool_.reset();
}

void AdminServer::attach(Runner* runner) {
  std::lock_guard<std::mutex> lock(mutex_);
  runner_ = runner;
}

AdminResponse AdminServer::handle(const std::string& method, const std::string& path) {
  if (method != "GET") return {405, "text/plain; charset=utf-8", "GET only\n"};
  if (path == "/healthz") return {200, "text/plain; charset=utf-8", "ok\n"};
  if (path == "/readyz") {
    std::lock_guard<std::mutex> lock(mutex_);
    if (runner_ && runner_->ready()) return {200, "text/plain; charset=utf-8", "ready\n"};
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
