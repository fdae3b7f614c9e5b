#include "http/http_server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/ThreadPool.h>

#include <utility>

#include "core/error.h"

namespace sluice {

namespace {

// Poco asks a factory for a handler object per request; both are thin shells around Handler.
class FunctionHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit FunctionHandler(const HttpServer::Handler& handler) : handler_(handler) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    handler_(request, response);
  }

 private:
  const HttpServer::Handler& handler_;
};

class FunctionHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit FunctionHandlerFactory(const HttpServer::Handler& handler) : handler_(handler) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new FunctionHandler(handler_);
  }

 private:
  const HttpServer::Handler& handler_;
};

}  // namespace

HttpServer::HttpServer(std::string name, HttpServerLimits limits, Handler handler)
    : name_(std::move(name)), limits_(limits), handler_(std::move(handler)) {}

HttpServer::~HttpServer() {
  stop();
}

void HttpServer::start(const std::string& address) {
  if (server_) return;
  try {
    Poco::Net::ServerSocket socket;
    // SO_REUSEADDR only: with SO_REUSEPORT a second process could bind the same port and
    // take half of the requests.
    socket.bind(Poco::Net::SocketAddress(address), true, false);
    socket.listen(limits_.maxQueued);
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(limits_.maxThreads);
    params->setMaxQueued(limits_.maxQueued);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(10, 0));
    pool_ = std::make_unique<Poco::ThreadPool>(1, limits_.maxThreads);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new FunctionHandlerFactory(handler_), *pool_,
                                                      socket, params);
    server_->start();
  } catch (const Poco::Exception& e) {
    server_.reset();
    pool_.reset();
    throw Error(name_ + ": cannot listen on " + address + ": " + e.displayText());
  }
}

void HttpServer::stop() {
  if (!server_) return;
  server_->stopAll(false);
  if (pool_) pool_->joinAll();
  server_.reset();
  pool_.reset();
}

}  // namespace sluice
