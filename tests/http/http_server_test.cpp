// http/http_server.cpp: one handler serves every request on a free port; a port in use is an
// error naming the server; stop() is idempotent and a stopped server can start again.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <sstream>

#include "core/error.h"
#include "http/http_server.h"

namespace sluice {
namespace http_server_test {

using ::testing::HasSubstr;

std::string get(uint16_t port, const std::string& path, int& status) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  status = response.getStatus();
  std::stringstream body;
  body << in.rdbuf();
  return body.str();
}

TEST(HttpServer, ServesEveryRequestWithItsHandler) {
  std::atomic<int> served{0};
  HttpServer server("echo", {2, 8}, [&served](auto& request, auto& response) {
    ++served;
    const std::string body = "you asked for " + request.getURI();
    response.setStatus(Poco::Net::HTTPResponse::HTTP_ACCEPTED);
    response.sendBuffer(body.data(), body.size());
  });
  EXPECT_FALSE(server.running());
  server.start("127.0.0.1:0");
  ASSERT_TRUE(server.running());
  ASSERT_NE(server.port(), 0);
  int status = 0;
  EXPECT_EQ(get(server.port(), "/a?b=1", status), "you asked for /a?b=1");
  EXPECT_EQ(status, 202);
  get(server.port(), "/again", status);
  EXPECT_EQ(served.load(), 2);
  server.stop();
  EXPECT_FALSE(server.running());
  server.stop();                // idempotent
  server.start("127.0.0.1:0");  // and it starts again
  EXPECT_EQ(get(server.port(), "/third", status), "you asked for /third");
}

TEST(HttpServer, APortInUseIsAnErrorNamingTheServer) {
  HttpServer first("admin", {}, [](auto&, auto& response) { response.send(); });
  first.start("127.0.0.1:0");
  HttpServer second("webhooks", {}, [](auto&, auto& response) { response.send(); });
  try {
    second.start("127.0.0.1:" + std::to_string(first.port()));
    FAIL() << "two servers on one port";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("webhooks: cannot listen on 127.0.0.1:"));
  }
  EXPECT_FALSE(second.running());
}

}  // namespace http_server_test
}  // namespace sluice
