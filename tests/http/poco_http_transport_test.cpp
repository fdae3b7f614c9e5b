// The Poco transport against an in-process loopback HTTP server: request shape, keep-alive
// reuse, the stale-connection retry, timeouts, gzip, the size cap, truncated bodies, TLS
// failure, and that error messages never carry the query string.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "Poco/DeflatingStream.h"
#include "Poco/Net/Context.h"
#include "Poco/Net/HTTPRequestHandler.h"
#include "Poco/Net/HTTPRequestHandlerFactory.h"
#include "Poco/Net/HTTPServer.h"
#include "Poco/Net/HTTPServerParams.h"
#include "Poco/Net/HTTPServerRequest.h"
#include "Poco/Net/HTTPServerRequestImpl.h"
#include "Poco/Net/HTTPServerResponse.h"
#include "Poco/Net/SecureServerSocket.h"
#include "Poco/Net/ServerSocket.h"
#include "Poco/StreamCopier.h"
#include "Poco/ThreadPool.h"
#include "Poco/URI.h"
#include "core/http.h"
#include "http/poco_http_transport.h"
#include "test_support.h"

namespace sluice {
namespace poco_http_transport_test {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;
using ::testing::HasSubstr;
using ::testing::Not;

const char* kGzipText = "{\"data\":[{\"id\":1,\"name\":\"compressed record\"}]}";

using test::gzip;

// What the server saw; shared with handlers by shared_ptr so a handler still running while
// the fixture tears down never touches freed memory.
struct ServerState {
  std::mutex mu;
  std::condition_variable wake;
  bool stopping = false;
  std::string lastMethod;
  std::string lastUri;
  std::string lastBody;
  std::vector<std::pair<std::string, std::string>> lastHeaders;
  std::set<std::string> clients;  // distinct client address:port = distinct TCP connections
  int drops = 0;
  int gateArrived = 0;  // /gate: requests arrived; each waits for gateSize of them
  int gateSize = 0;

  std::string lastHeader(const std::string& name) {
    std::lock_guard<std::mutex> lock(mu);
    std::string found;
    for (const auto& [k, v] : lastHeaders) {
      if (Poco::icompare(k, name) == 0) found += (found.empty() ? "" : "|") + v;
    }
    return found;
  }
  size_t connections() {
    std::lock_guard<std::mutex> lock(mu);
    return clients.size();
  }
};

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(std::shared_ptr<ServerState> state) : state_(std::move(state)) {}

  void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
    std::string body;
    Poco::StreamCopier::copyToString(request.stream(), body);
    const Poco::URI uri(request.getURI());
    const std::string path = uri.getPath();
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->lastMethod = request.getMethod();
      state_->lastUri = request.getURI();
      state_->lastBody = body;
      state_->lastHeaders.assign(request.begin(), request.end());
      state_->clients.insert(request.clientAddress().toString());
    }

    if (path.rfind("/echo", 0) == 0) {
      response.set("X-Echo-Method", request.getMethod());
      response.setContentType("text/plain");
      response.setContentLength(static_cast<std::streamsize>(body.size()));
      std::ostream& out = response.send();
      if (request.getMethod() != "HEAD") out << body;
    } else if (path == "/head") {
      // Declares a body length a HEAD response never carries.
      response.setContentLength(5);
      response.send();
    } else if (path == "/nocontent") {
      response.setStatus(HTTPResponse::HTTP_NO_CONTENT);
      response.send();
    } else if (path == "/gate") {
      // Held until gateSize requests are in at once (bounded): that many connections open.
      std::unique_lock<std::mutex> lock(state_->mu);
      ++state_->gateArrived;
      state_->wake.notify_all();
      state_->wake.wait_for(lock, std::chrono::seconds(10), [&] {
        return state_->stopping || state_->gateArrived % state_->gateSize == 0;
      });
      lock.unlock();
      response.setContentLength(7);  // framed, so the connection is kept
      response.send() << "through";
    } else if (path == "/slow") {
      std::unique_lock<std::mutex> lock(state_->mu);
      state_->wake.wait_for(lock, std::chrono::milliseconds(500), [&] { return state_->stopping; });
      lock.unlock();
      response.send() << "late";
    } else if (path == "/gzip") {
      const std::string compressed = gzip(kGzipText);
      response.set("Content-Encoding", "gzip");
      response.setContentLength(static_cast<std::streamsize>(compressed.size()));
      response.send() << compressed;
    } else if (path == "/gzip-chunked") {
      response.set("Content-Encoding", "gzip");
      response.setChunkedTransferEncoding(true);
      Poco::DeflatingOutputStream deflater(response.send(), Poco::DeflatingStreamBuf::STREAM_GZIP);
      deflater << kGzipText;
      deflater.close();
    } else if (path == "/zeros-gzip") {
      const std::string compressed = gzip(std::string(1 << 20, '\0'));
      response.set("Content-Encoding", "gzip");
      response.setContentLength(static_cast<std::streamsize>(compressed.size()));
      response.send() << compressed;
    } else if (path == "/chunked") {
      response.setChunkedTransferEncoding(true);
      std::ostream& out = response.send();
      out << "hello ";
      out.flush();
      out << "world";
    } else if (path == "/big") {
      const size_t n = std::stoul(uri.getQueryParameters().at(0).second);
      response.setContentLength(static_cast<std::streamsize>(n));
      response.send() << std::string(n, 'x');
    } else if (path == "/short") {
      // Declares 100 bytes, sends 10, then closes the connection.
      response.setKeepAlive(false);
      response.setContentLength(100);
      std::ostream& out = response.send();
      out << "0123456789";
      out.flush();
    } else if (path == "/short-chunked") {
      // A chunked body cut off before its terminating zero-size chunk. Written to the socket
      // directly: Poco's chunked stream always appends the last chunk when it is destroyed.
      const std::string raw =
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
          "5\r\nhello\r\n";
      auto& impl = static_cast<Poco::Net::HTTPServerRequestImpl&>(request);
      impl.socket().sendBytes(raw.data(), static_cast<int>(raw.size()));
      response.setKeepAlive(false);  // nothing sent through Poco; the connection just closes
    } else if (path == "/drop") {
      // Reads the request and closes the connection without answering.
      {
        std::lock_guard<std::mutex> lock(state_->mu);
        ++state_->drops;
      }
      response.setKeepAlive(false);
    } else {
      response.setStatus(HTTPResponse::HTTP_NOT_FOUND);
      response.send() << "not found";
    }
  }

 private:
  std::shared_ptr<ServerState> state_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(std::shared_ptr<ServerState> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new Handler(state_);
  }

 private:
  std::shared_ptr<ServerState> state_;
};

class PocoHttpTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setKeepAlive(true);
    // Short, so the stale-connection test does not wait long; other tests finish well within.
    params->setKeepAliveTimeout(Poco::Timespan(0, 400 * 1000));
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(state_), pool_, socket, params);
    server_->start();
  }

  void TearDown() override {
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      state_->stopping = true;
    }
    state_->wake.notify_all();
    server_->stopAll(true);
    server_.reset();
    pool_.joinAll();  // no handler outlives the test
  }

  std::string url(const std::string& pathAndQuery) const {
    return "http://127.0.0.1:" + std::to_string(port_) + pathAndQuery;
  }

  HttpRequest get(const std::string& pathAndQuery, int timeoutMs = 1500) const {
    HttpRequest request;
    request.url = url(pathAndQuery);
    request.timeoutMs = timeoutMs;
    return request;
  }

  static TransportError failure(HttpTransport& transport, const HttpRequest& request) {
    try {
      HttpResponse response = transport.send(request);
      ADD_FAILURE() << "expected a TransportError, got status " << response.status;
    } catch (const TransportError& e) {
      return e;
    }
    return TransportError("no error", false);
  }

  Poco::ThreadPool pool_{2, 16};
  std::shared_ptr<ServerState> state_ = std::make_shared<ServerState>();
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
};

TEST(PocoHttpResponseHeader, LookupIsCaseInsensitiveAndEmptyWhenAbsent) {
  HttpResponse response;
  response.headers = {{"Content-Type", "application/json"}, {"x-request-id", "r1"}};
  EXPECT_EQ(response.header("content-type"), "application/json");
  EXPECT_EQ(response.header("X-REQUEST-ID"), "r1");
  EXPECT_EQ(response.header("Retry-After"), "");
}

TEST_F(PocoHttpTransportTest, PostSendsBodyHeadersAndTargetAsGiven) {
  auto transport = makePocoTransport();
  HttpRequest request = get("/echo/a%2Fb?limit=10&token=abc");
  request.method = "POST";
  request.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer t0k"}};
  request.body = "{\"name\":\"x\"}";

  const HttpResponse response = transport->send(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, request.body);
  EXPECT_EQ(response.header("x-echo-method"), "POST");
  EXPECT_EQ(state_->lastMethod, "POST");
  EXPECT_EQ(state_->lastUri, "/echo/a%2Fb?limit=10&token=abc");  // encoded slash kept
  EXPECT_EQ(state_->lastBody, request.body);
  EXPECT_EQ(state_->lastHeader("Content-Length"), std::to_string(request.body.size()));
  EXPECT_EQ(state_->lastHeader("Content-Type"), "application/json");
  EXPECT_EQ(state_->lastHeader("Authorization"), "Bearer t0k");
  EXPECT_EQ(state_->lastHeader("Accept-Encoding"), "gzip");
  EXPECT_EQ(state_->lastHeader("Host"), "127.0.0.1:" + std::to_string(port_));
}

TEST_F(PocoHttpTransportTest, CallerAcceptEncodingIsKept) {
  auto transport = makePocoTransport();
  HttpRequest request = get("/echo");
  request.headers = {{"accept-encoding", "identity"}};
  transport->send(request);
  EXPECT_EQ(state_->lastHeader("Accept-Encoding"), "identity");
}

TEST_F(PocoHttpTransportTest, KeepAliveReusesOneConnection) {
  auto transport = makePocoTransport();
  for (int i = 0; i < 5; ++i) {
    HttpRequest request = get("/echo");
    request.method = "PUT";
    request.body = "n" + std::to_string(i);
    EXPECT_EQ(transport->send(request).body, request.body);
  }
  EXPECT_EQ(state_->connections(), 1u);
}

TEST_F(PocoHttpTransportTest, ChunkedHeadAndNoContentResponsesKeepTheConnection) {
  auto transport = makePocoTransport();
  EXPECT_EQ(transport->send(get("/chunked")).body, "hello world");

  HttpRequest head = get("/head");
  head.method = "HEAD";
  const HttpResponse headResponse = transport->send(head);
  EXPECT_EQ(headResponse.status, 200);
  EXPECT_EQ(headResponse.body, "");
  EXPECT_EQ(headResponse.header("Content-Length"), "5");

  const HttpResponse noContent = transport->send(get("/nocontent"));
  EXPECT_EQ(noContent.status, 204);
  EXPECT_EQ(noContent.body, "");

  EXPECT_EQ(transport->send(get("/echo")).status, 200);
  EXPECT_EQ(state_->connections(), 1u);
}

TEST_F(PocoHttpTransportTest, NotFoundIsAResponseNotAnError) {
  auto transport = makePocoTransport();
  const HttpResponse response = transport->send(get("/missing"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "not found");
}

TEST_F(PocoHttpTransportTest, ConcurrentSendsShareThePool) {
  auto transport = makePocoTransport();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        HttpRequest request = get("/echo");
        request.method = "POST";
        request.body = "thread " + std::to_string(t) + " request " + std::to_string(i);
        try {
          if (transport->send(request).body == request.body) ++ok;
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(ok.load(), 40);
  EXPECT_LE(state_->connections(), 4u);
}

// As many threads as a grown worker pool call one host at once, twice: the second time every
// call finds an idle connection (none is closed on the way back and opened again).
TEST_F(PocoHttpTransportTest, AsManyConnectionsAsCallsAtOnceStayOpenForTheNext) {
  constexpr int kAtOnce = 12;
  state_->gateSize = kAtOnce;
  auto transport = makePocoTransport();
  std::atomic<int> through{0};
  for (int round = 0; round < 2; ++round) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kAtOnce; ++t)
      threads.emplace_back([&] {
        try {
          if (transport->send(get("/gate", 15000)).body == "through") ++through;
        } catch (const std::exception& e) {
          ADD_FAILURE() << e.what();
        }
      });
    for (auto& thread : threads) thread.join();
  }
  EXPECT_EQ(through.load(), 2 * kAtOnce);
  EXPECT_EQ(state_->connections(), static_cast<size_t>(kAtOnce));
}

TEST_F(PocoHttpTransportTest, SlowResponseTimesOutWithoutNamingTheQuery) {
  auto transport = makePocoTransport();
  const auto start = std::chrono::steady_clock::now();
  const TransportError error = failure(*transport, get("/slow?api_key=s3cret", 200));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(error.retryable());
  EXPECT_THAT(error.what(), HasSubstr("timed out after 200 ms"));
  EXPECT_THAT(error.what(), HasSubstr("GET http://127.0.0.1:"));
  EXPECT_THAT(error.what(), HasSubstr("/slow"));
  EXPECT_THAT(error.what(), Not(HasSubstr("s3cret")));
  EXPECT_LT(elapsed, std::chrono::milliseconds(1000));  // loose: the machine may be busy
}

TEST_F(PocoHttpTransportTest, GzipBodyIsInflatedAndContentEncodingDropped) {
  auto transport = makePocoTransport();
  for (const char* path : {"/gzip", "/gzip-chunked"}) {
    const HttpResponse response = transport->send(get(path));
    EXPECT_EQ(response.status, 200) << path;
    EXPECT_EQ(response.body, kGzipText) << path;
    EXPECT_EQ(response.header("Content-Encoding"), "") << path;
    EXPECT_EQ(state_->lastHeader("Accept-Encoding"), "gzip");
  }
}

TEST_F(PocoHttpTransportTest, BodyOverTheCapFailsAndDropsTheConnection) {
  TransportOptions options;
  options.maxResponseBytes = 1000;
  auto transport = makePocoTransport(options);
  EXPECT_EQ(transport->send(get("/big?n=1000")).body.size(), 1000u);  // exactly the cap is fine

  const TransportError error = failure(*transport, get("/big?n=5000"));
  EXPECT_FALSE(error.retryable());
  EXPECT_THAT(error.what(), HasSubstr("response body over 1000 bytes"));

  EXPECT_EQ(transport->send(get("/echo")).status, 200);
  EXPECT_EQ(state_->connections(), 2u);  // the connection of the oversized body was not reused
}

TEST_F(PocoHttpTransportTest, GzipBodyIsCappedAfterInflation) {
  TransportOptions options;
  options.maxResponseBytes = 64 * 1024;
  auto transport = makePocoTransport(options);
  // About 1 KB on the wire, 1 MB inflated.
  const TransportError error = failure(*transport, get("/zeros-gzip"));
  EXPECT_FALSE(error.retryable());
  EXPECT_THAT(error.what(), HasSubstr("response body over 65536 bytes"));
}

TEST_F(PocoHttpTransportTest, ShortContentLengthBodyIsARetryableError) {
  auto transport = makePocoTransport();
  const TransportError error = failure(*transport, get("/short"));
  EXPECT_TRUE(error.retryable());
  EXPECT_THAT(error.what(), HasSubstr("truncated"));
}

TEST_F(PocoHttpTransportTest, ChunkedBodyEndingEarlyIsARetryableError) {
  auto transport = makePocoTransport();
  const TransportError error = failure(*transport, get("/short-chunked"));
  EXPECT_TRUE(error.retryable());
  EXPECT_THAT(error.what(), HasSubstr("truncated"));
}

TEST_F(PocoHttpTransportTest, CloseWithoutResponseOnAFreshConnectionIsNotRetried) {
  auto transport = makePocoTransport();
  const TransportError error = failure(*transport, get("/drop?token=s3cret"));
  EXPECT_TRUE(error.retryable());
  EXPECT_THAT(error.what(), Not(HasSubstr("s3cret")));
  EXPECT_EQ(state_->drops, 1);
}

TEST_F(PocoHttpTransportTest, GetOnAReusedConnectionClosedBeforeRespondingIsRetriedOnce) {
  auto transport = makePocoTransport();
  HttpRequest create = get("/echo");
  create.method = "POST";
  create.body = "x";
  transport->send(create);  // leaves one pooled connection

  // The server takes the GET and closes, like a keep-alive timeout racing the send: one
  // retry on a fresh connection, which fails the same way and is reported.
  const TransportError error = failure(*transport, get("/drop"));
  EXPECT_TRUE(error.retryable());
  EXPECT_THAT(error.what(), HasSubstr("closed before a response"));
  EXPECT_EQ(state_->drops, 2);
  EXPECT_EQ(state_->connections(), 2u);
}

TEST_F(PocoHttpTransportTest, PostOnAReusedConnectionClosedBeforeRespondingIsNotSentAgain) {
  auto transport = makePocoTransport();
  EXPECT_EQ(transport->send(get("/echo")).status, 200);  // leaves one pooled connection

  // The server may have acted on the POST before closing: sending it again could create a
  // second record, so the failure goes back to the caller, which knows whether to repeat.
  HttpRequest create = get("/drop");
  create.method = "POST";
  create.body = "{\"name\":\"x\"}";
  const TransportError error = failure(*transport, create);
  EXPECT_TRUE(error.retryable());
  EXPECT_THAT(error.what(), HasSubstr("closed before a response"));
  EXPECT_EQ(state_->drops, 1);
  EXPECT_EQ(state_->connections(), 1u);
}

TEST_F(PocoHttpTransportTest, IdleConnectionClosedByTheServerIsReplaced) {
  auto transport = makePocoTransport();
  EXPECT_EQ(transport->send(get("/echo")).status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // past the 400 ms keep-alive
  EXPECT_EQ(transport->send(get("/echo")).status, 200);
  EXPECT_EQ(state_->connections(), 2u);
}

TEST_F(PocoHttpTransportTest, RefusedConnectionIsRetryable) {
  std::uint16_t closedPort = 0;
  {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    closedPort = socket.address().port();
  }
  auto transport = makePocoTransport();
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(closedPort) + "/x?token=s3cret";
  request.timeoutMs = 500;
  const TransportError error = failure(*transport, request);
  EXPECT_TRUE(error.retryable());
  EXPECT_THAT(error.what(), HasSubstr("refused"));
  EXPECT_THAT(error.what(), Not(HasSubstr("s3cret")));
}

TEST_F(PocoHttpTransportTest, HttpsToAPlainHttpPortFailsCleanly) {
  for (bool verify : {true, false}) {
    TransportOptions options;
    options.verifyTls = verify;
    auto transport = makePocoTransport(options);
    HttpRequest request;
    request.url = "https://127.0.0.1:" + std::to_string(port_) + "/echo?token=s3cret";
    request.timeoutMs = 1000;
    const TransportError error = failure(*transport, request);
    EXPECT_THAT(error.what(), HasSubstr("GET https://127.0.0.1:"));
    EXPECT_THAT(error.what(), Not(HasSubstr("s3cret")));
  }
}

TEST_F(PocoHttpTransportTest, BadUrlsAndHeadersAreRejectedWithoutQuotingThem) {
  auto transport = makePocoTransport();
  for (const char* bad : {"ftp://127.0.0.1/file?token=s3cret", "not a url?token=s3cret",
                          "http:///path?token=s3cret"}) {
    HttpRequest request;
    request.url = bad;
    const TransportError error = failure(*transport, request);
    EXPECT_FALSE(error.retryable()) << bad;
    EXPECT_THAT(error.what(), Not(HasSubstr("s3cret"))) << bad;
  }

  HttpRequest injected = get("/echo");
  injected.headers = {{"Authorization", "Bearer s3cret\r\nX-Evil: 1"}};
  const TransportError error = failure(*transport, injected);
  EXPECT_FALSE(error.retryable());
  EXPECT_THAT(error.what(), HasSubstr("Authorization"));
  EXPECT_THAT(error.what(), Not(HasSubstr("s3cret")));
}

// Writes a fresh self-signed certificate for CN=127.0.0.1 and its key as PEM files, so the
// TLS test needs no certificate checked into the repository.
void writeSelfSignedCertificate(const std::string& certPath, const std::string& keyPath) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  FILE* certFile = fopen(certPath.c_str(), "w");
  FILE* keyFile = fopen(keyPath.c_str(), "w");
  ASSERT_TRUE(certFile && keyFile);
  PEM_write_X509(certFile, cert);
  PEM_write_PrivateKey(keyFile, key, nullptr, nullptr, 0, nullptr, nullptr);
  fclose(certFile);
  fclose(keyFile);
  X509_free(cert);
  EVP_PKEY_free(key);
}

class SecureHandler : public Poco::Net::HTTPRequestHandler {
 public:
  void handleRequest(HTTPServerRequest&, HTTPServerResponse& response) override {
    response.send() << "secure";
  }
};

class SecureFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  Poco::Net::HTTPRequestHandler* createRequestHandler(const HTTPServerRequest&) override {
    return new SecureHandler;
  }
};

TEST(PocoHttpTls, UntrustedCertificateFailsUnlessVerificationIsOff) {
  auto strict = makePocoTransport();  // also initializes Poco's SSL layer
  TransportOptions laxOptions;
  laxOptions.verifyTls = false;
  auto lax = makePocoTransport(laxOptions);

  test::TempDir dir;
  const std::string certPath = dir.path() + "/cert.pem";
  const std::string keyPath = dir.path() + "/key.pem";
  ASSERT_NO_FATAL_FAILURE(writeSelfSignedCertificate(certPath, keyPath));
  Poco::Net::Context::Ptr context = new Poco::Net::Context(
      Poco::Net::Context::TLS_SERVER_USE, keyPath, certPath, "", Poco::Net::Context::VERIFY_NONE);
  Poco::ThreadPool pool(1, 4);
  Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, context);
  Poco::Net::HTTPServer server(new SecureFactory, pool, socket, new Poco::Net::HTTPServerParams);
  server.start();

  HttpRequest request;
  request.url = "https://127.0.0.1:" + std::to_string(socket.address().port()) + "/p?token=s3cret";
  request.timeoutMs = 1000;
  try {
    strict->send(request);
    ADD_FAILURE() << "a self-signed certificate was accepted";
  } catch (const TransportError& e) {
    EXPECT_FALSE(e.retryable());
    EXPECT_THAT(e.what(), HasSubstr("TLS certificate verification failed"));
    EXPECT_THAT(e.what(), Not(HasSubstr("s3cret")));
  }
  const HttpResponse response = lax->send(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "secure");

  server.stopAll(true);
  pool.joinAll();
}

}  // namespace poco_http_transport_test
}  // namespace sluice
