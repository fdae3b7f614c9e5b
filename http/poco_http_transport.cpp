// Poco-based HttpTransport: keep-alive sessions pooled per scheme+host+port, per-request
// timeouts, strict TLS by default, gzip, a response size cap, and exact body framing
// (http/body_framing.h).
#include <poll.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <future>
#include <initializer_list>
#include <istream>
#include <limits>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "Poco/Exception.h"
#include "Poco/Net/Context.h"
#include "Poco/Net/HTTPClientSession.h"
#include "Poco/Net/HTTPRequest.h"
#include "Poco/Net/HTTPResponse.h"
#include "Poco/Net/HTTPSClientSession.h"
#include "Poco/Net/NetException.h"
#include "Poco/Net/RejectCertificateHandler.h"
#include "Poco/Net/SSLException.h"
#include "Poco/Net/SSLManager.h"
#include "Poco/Timespan.h"
#include "Poco/URI.h"
#include "core/http.h"
#include "core/text.h"
#include "http/body_framing.h"
#include "http/poco_http_transport.h"

namespace sluice {

namespace {

using Poco::Net::HTTPClientSession;

constexpr int kDefaultTimeoutMs = 30000;

// One pooled connection. Poco keeps raw reads from the connection's buffer protected, so a
// small template subclass exposes them for the body framing below.
class HttpConnection : public ByteSource {
 public:
  virtual HTTPClientSession& http() = 0;
  // Waits for the first byte without consuming it; EOF when the peer closed.
  virtual int peekByte() = 0;
  // The send and receive timeout last set on the connected socket (0: none yet). Setting it
  // costs two system calls, so a pooled connection is only told when a request's differs.
  int socketTimeoutMs = 0;
};

template <class Session>
class HttpConnectionImpl final : public Session, public HttpConnection {
 public:
  template <class... Args>
  explicit HttpConnectionImpl(Args&&... args) : Session(std::forward<Args>(args)...) {}
  HTTPClientSession& http() override { return *this; }
  int readSome(char* buffer, std::streamsize length) override { return this->read(buffer, length); }
  int nextByte() override { return this->get(); }
  int peekByte() override { return this->peek(); }
};

// Where a request goes, and how to name it in messages without its query string.
struct Target {
  bool https = false;
  std::string host;
  std::uint16_t port = 0;
  std::string requestTarget;  // path?query sent on the request line
  std::string describe;       // "GET https://host/path": never the query, never headers
  std::string poolKey;        // scheme://host:port
};

// Thrown when a reused keep-alive connection failed before any response byte arrived: the
// server most likely closed it while it sat idle, so an idempotent request gets one fresh attempt.
struct StaleConnection {};

bool isTokenChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

Target parseTarget(const HttpRequest& request) {
  const std::string& method = request.method;
  if (method.empty() || !std::all_of(method.begin(), method.end(), isTokenChar)) {
    throw TransportError("invalid HTTP method", false);
  }
  // Messages about a bad URL never quote it: its query may carry a token.
  Poco::URI uri;
  try {
    uri = Poco::URI(request.url);
  } catch (const Poco::Exception&) {
    throw TransportError(method + ": request URL is not a valid absolute URL", false);
  }
  Target t;
  const std::string scheme = lowerAscii(uri.getScheme());
  if (scheme != "http" && scheme != "https") {
    throw TransportError(method + ": request URL scheme must be http or https", false);
  }
  t.https = scheme == "https";
  t.host = lowerAscii(uri.getHost());
  if (t.host.empty()) throw TransportError(method + ": request URL has no host", false);
  t.port = uri.getPort();

  // The request target is cut from the URL as given: Poco::URI decodes the path, and
  // re-encoding it would turn an encoded "%2F" inside an id into a real "/".
  const auto authority = request.url.find("://");
  const auto start = request.url.find_first_of("/?#", authority + 3);
  std::string target = start == std::string::npos ? "/" : request.url.substr(start);
  const auto hash = target.find('#');
  if (hash != std::string::npos) target.resize(hash);
  if (target.empty() || target[0] != '/') target.insert(0, "/");
  for (char c : target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      throw TransportError(method + ": request URL contains spaces or control characters", false);
    }
  }
  t.requestTarget = target;

  const std::string hostForUrl =
      t.host.find(':') != std::string::npos ? "[" + t.host + "]" : t.host;
  const bool defaultPort = (t.https && t.port == 443) || (!t.https && t.port == 80);
  const std::string authorityText =
      hostForUrl + (defaultPort ? std::string() : ":" + std::to_string(t.port));
  t.describe = method + " " + scheme + "://" + authorityText + target.substr(0, target.find('?'));
  t.poolKey = scheme + "://" + hostForUrl + ":" + std::to_string(t.port);
  return t;
}

void checkHeaders(const HttpRequest& request, const Target& t) {
  for (const auto& [name, value] : request.headers) {
    bool nameOk = !name.empty() && std::all_of(name.begin(), name.end(), isTokenChar);
    // A line break in a value would let it inject headers; the value itself is not quoted.
    if (!nameOk || value.find_first_of("\r\n") != std::string::npos) {
      throw TransportError(
          t.describe + ": request header '" + (nameOk ? name : "?") + "' is invalid", false);
    }
  }
}

bool isIdempotentMethod(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE" ||
         method == "PUT" || method == "DELETE";
}

bool hasErrno(const Poco::Exception& e, std::initializer_list<int> codes) {
  for (int code : codes) {
    if (e.code() == code) return true;
  }
  return false;
}

// Symptoms of a keep-alive connection the server had already closed.
bool looksStale(const Poco::Exception& e) {
  return dynamic_cast<const Poco::Net::NoMessageException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Net::ConnectionResetException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Net::ConnectionAbortedException*>(&e) != nullptr ||
         dynamic_cast<const Poco::Net::SSLConnectionUnexpectedlyClosedException*>(&e) != nullptr ||
         (dynamic_cast<const Poco::IOException*>(&e) != nullptr &&
          hasErrno(e, {EPIPE, ECONNRESET, ENOTCONN}));
}

bool mentionsCertificate(const std::string& text) {
  return lowerAscii(text).find("certificate") != std::string::npos;
}

// Poco's exception texts name addresses and OpenSSL reasons, never the request line or its
// headers, so they are safe to include.
TransportError describeFailure(const Poco::Exception& e, const Target& t, int timeoutMs) {
  const std::string& d = t.describe;
  using namespace Poco::Net;
  if (dynamic_cast<const Poco::TimeoutException*>(&e)) {
    return TransportError(d + ": timed out after " + std::to_string(timeoutMs) + " ms", true);
  }
  if (dynamic_cast<const CertificateValidationException*>(&e) ||
      dynamic_cast<const InvalidCertificateException*>(&e)) {
    return TransportError(d + ": TLS certificate verification failed: " + e.displayText(), false);
  }
  if (dynamic_cast<const SSLConnectionUnexpectedlyClosedException*>(&e)) {
    return TransportError(d + ": connection closed during TLS exchange", true);
  }
  if (dynamic_cast<const SSLException*>(&e)) {
    if (mentionsCertificate(e.displayText())) {
      return TransportError(d + ": TLS certificate verification failed: " + e.displayText(), false);
    }
    // OpenSSL 3 reports a peer that vanished mid-handshake as an "unexpected eof".
    if (lowerAscii(e.displayText()).find("unexpected eof") != std::string::npos) {
      return TransportError(d + ": connection closed during TLS handshake", true);
    }
    // Protocol mismatch (e.g. https to a plain-HTTP port): trying again cannot help.
    return TransportError(d + ": TLS handshake failed: " + e.displayText(), false);
  }
  if (dynamic_cast<const ConnectionRefusedException*>(&e)) {
    return TransportError(d + ": connection refused", true);
  }
  if (dynamic_cast<const ConnectionResetException*>(&e) ||
      dynamic_cast<const ConnectionAbortedException*>(&e)) {
    return TransportError(d + ": connection reset by peer", true);
  }
  if (dynamic_cast<const NoMessageException*>(&e)) {
    return TransportError(d + ": connection closed before a response arrived", true);
  }
  if (dynamic_cast<const DNSException*>(&e)) {
    return TransportError(d + ": cannot resolve host: " + e.displayText(), true);
  }
  if (dynamic_cast<const MessageException*>(&e)) {
    return TransportError(d + ": malformed HTTP response: " + e.displayText(), false);
  }
  if (dynamic_cast<const Poco::IOException*>(&e)) {
    return TransportError(d + ": network error: " + e.displayText(), true);
  }
  return TransportError(d + ": request failed: " + e.displayText(), false);
}

void removeHeader(HttpHeaders& headers, const std::string& name) {
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [&](const auto& h) { return equalsIgnoreCase(h.first, name); }),
                headers.end());
}

Poco::Net::Context::Ptr makeContext(bool verify) {
  Poco::Net::Context::Params params;
  // STRICT (not RELAXED) so the hostname is checked for every host, localhost included.
  params.verificationMode =
      verify ? Poco::Net::Context::VERIFY_STRICT : Poco::Net::Context::VERIFY_NONE;
  params.loadDefaultCAs = verify;  // the system store, /etc/ssl/certs on Debian
  Poco::Net::Context::Ptr context =
      new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
  context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  return context;
}

// The verifying context of every transport, and Poco's SSLManager's. Loading the system's CA
// store takes tens of ms (two loads were 60-110 ms of a start-up of 10,000 flows), so it is
// loaded once per process, on a thread of its own that the first transport starts: reading the
// config goes on meanwhile, and the first https connection waits for it. The rejecting
// handler is registered there too, before any connection can need it.
std::shared_future<Poco::Net::Context::Ptr> processTls() {
  static const std::shared_future<Poco::Net::Context::Ptr> tls =
      std::async(std::launch::async, [] {
        // Without an explicit handler Poco's SSLManager would configure itself from a
        // Poco::Util::Application (there is none) or prompt on the console; a rejecting
        // handler makes every verification failure a plain exception.
        Poco::Net::SSLManager::InvalidCertificateHandlerPtr reject(
            new Poco::Net::RejectCertificateHandler(false));
        Poco::Net::Context::Ptr verified = makeContext(true);
        Poco::Net::SSLManager::instance().initializeClient(
            Poco::Net::SSLManager::PrivateKeyPassphraseHandlerPtr(), reject, verified);
        return verified;
      }).share();
  return tls;
}

void initializeProcessOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Linux raises SIGPIPE when writing to a socket the peer closed (Poco does not pass
    // MSG_NOSIGNAL); the write error is already handled, the signal would kill the process.
    // Only the default disposition is replaced: an embedding program's own handler stays.
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      signal(SIGPIPE, SIG_IGN);
    }
    Poco::Net::initializeSSL();
    processTls();  // starts loading the CA store
  });
}

class PocoHttpTransport final : public HttpTransport {
 public:
  explicit PocoHttpTransport(const TransportOptions& options) : options_(options) {
    initializeProcessOnce();
    verified_ = processTls();
    if (!options_.verifyTls) unverified_ = makeContext(false);
  }

  HttpResponse send(const HttpRequest& request) override {
    const Target t = parseTarget(request);
    checkHeaders(request, t);
    // A keep-alive connection the server closed while it sat idle fails the next request
    // before any answer. Sending again on a fresh connection is only done for idempotent
    // methods (RFC 9110 9.2.2): the server may have acted on a POST and closed before
    // answering, and a second POST would create a second record. Those failures go back to the
    // caller, which knows whether the operation is safe to repeat (the dispatcher does).
    const bool mayResend = isIdempotentMethod(request.method);
    std::unique_ptr<HttpConnection> conn = takeIdle(t.poolKey);
    bool retryIfStale = conn != nullptr && mayResend;
    if (!conn) conn = newConnection(t);
    for (;;) {
      try {
        HttpResponse response;
        const bool reusable = exchange(*conn, t, request, retryIfStale, response);
        if (reusable) giveBack(t.poolKey, std::move(conn));
        return response;
      } catch (const StaleConnection&) {
        // Only ever thrown when retryIfStale is set, so this runs at most once per request.
        conn = newConnection(t);
        retryIfStale = false;
      }
    }
  }

 private:
  std::unique_ptr<HttpConnection> newConnection(const Target& t) const {
    std::unique_ptr<HttpConnection> conn;
    if (t.https) {
      conn = std::make_unique<HttpConnectionImpl<Poco::Net::HTTPSClientSession>>(t.host, t.port,
                                                                                 tls());
    } else {
      conn = std::make_unique<HttpConnectionImpl<HTTPClientSession>>(t.host, t.port);
    }
    conn->http().setKeepAlive(true);
    return conn;
  }

  std::unique_ptr<HttpConnection> takeIdle(const std::string& key) {
    for (;;) {
      std::unique_ptr<HttpConnection> conn;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = idle_.find(key);
        if (it == idle_.end() || it->second.empty()) return nullptr;
        conn = std::move(it->second.back());  // most recently used: least likely timed out
        it->second.pop_back();
      }
      if (stillOpen(*conn)) return conn;
    }
  }

  // An idle keep-alive connection has nothing to read. If it is readable, the server closed
  // it (or sent something unsolicited); either way it would fail the next request. One poll(2)
  // of the descriptor: Poco's Socket::poll builds and closes an epoll set for each call.
  static bool stillOpen(HttpConnection& conn) {
    try {
      if (!conn.http().connected()) return false;
      const poco_socket_t fd = conn.http().socket().impl()->sockfd();
      if (fd == POCO_INVALID_SOCKET)
        return !conn.http().socket().poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ);
      pollfd idle{fd, POLLIN, 0};
      return ::poll(&idle, 1, 0) == 0;
    } catch (const Poco::Exception&) {
      return false;
    }
  }

  void giveBack(const std::string& key, std::unique_ptr<HttpConnection> conn) {
    if (options_.maxIdlePerHost <= 0) return;
    std::lock_guard<std::mutex> lock(mutex_);
    auto& idle = idle_[key];
    if (idle.size() < static_cast<std::size_t>(options_.maxIdlePerHost)) {
      idle.push_back(std::move(conn));
    }
    // Otherwise `conn` closes when it goes out of scope (after the lock is released).
  }

  // Sends the request and reads the whole response into `out`. Returns whether the
  // connection can carry another request. Throws TransportError, or StaleConnection when
  // retryIfStale is set and the connection failed like a stale one before any response byte.
  bool exchange(HttpConnection& conn, const Target& t, const HttpRequest& request,
                bool retryIfStale, HttpResponse& out) {
    const int timeoutMs = request.timeoutMs > 0 ? request.timeoutMs : kDefaultTimeoutMs;
    bool responseStarted = false;
    try {
      sendRequest(conn, t, request, timeoutMs);
      // Wait for the first response byte: up to here a failure on a reused connection means
      // the server had closed it, and nothing of this request was answered.
      if (conn.peekByte() == std::char_traits<char>::eof()) {
        throw Poco::Net::NoMessageException();
      }
      responseStarted = true;
      Poco::Net::HTTPResponse res;
      conn.http().receiveResponse(res);
      out.status = static_cast<int>(res.getStatus());
      for (const auto& [name, value] : res) out.headers.emplace_back(name, value);
      const bool untilClose = readBody(conn, t, request, res, out);
      return !untilClose && res.getKeepAlive() && out.status != 101;
    } catch (const Poco::Exception& e) {
      if (retryIfStale && !responseStarted && looksStale(e)) throw StaleConnection{};
      throw describeFailure(e, t, timeoutMs);
    }
  }

  // Sends the request line, headers and body (framed here from request.body).
  void sendRequest(HttpConnection& conn, const Target& t, const HttpRequest& request,
                   int timeoutMs) {
    const Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(timeoutMs) * 1000);
    HTTPClientSession& http = conn.http();
    // Poco applies session timeouts when it connects; a pooled socket gets them directly,
    // since each request may carry a different timeout.
    http.setTimeout(timeout, timeout, timeout);
    if (http.connected() && conn.socketTimeoutMs != timeoutMs) {
      http.socket().setSendTimeout(timeout);
      http.socket().setReceiveTimeout(timeout);
    }
    conn.socketTimeoutMs = timeoutMs;  // a connection made by sendRequest gets the session's
    Poco::Net::HTTPRequest req(request.method, t.requestTarget, Poco::Net::HTTPMessage::HTTP_1_1);
    bool callerAcceptEncoding = false;
    for (const auto& [name, value] : request.headers) {
      // The body is framed here from request.body; a caller's framing header would clash.
      if (equalsIgnoreCase(name, "Content-Length") || equalsIgnoreCase(name, "Transfer-Encoding"))
        continue;
      if (equalsIgnoreCase(name, "Accept-Encoding")) callerAcceptEncoding = true;
      req.add(name, value);
    }
    if (!callerAcceptEncoding) req.set("Accept-Encoding", "gzip");
    const bool bodyMethod =
        request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
    if (!request.body.empty() || bodyMethod) {
      req.setContentLength64(static_cast<Poco::Int64>(request.body.size()));
    }
    std::ostream& body = http.sendRequest(req);
    if (!request.body.empty()) {
      body.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
    }
    body.flush();
    // Poco's streams swallow socket errors into the session; surface them here.
    if (const Poco::Exception* e = http.networkException()) e->rethrow();
  }

  // Reads the body as the response frames it (http/body_framing.h). Returns whether it ran
  // until the server closed the connection (it cannot be reused).
  bool readBody(HttpConnection& conn, const Target& t, const HttpRequest& request,
                const Poco::Net::HTTPResponse& res, HttpResponse& out) {
    BodyFraming framing;
    framing.none =
        request.method == "HEAD" || out.status < 200 || out.status == 204 || out.status == 304;
    if (res.has("Transfer-Encoding")) framing.transferEncoding = res.get("Transfer-Encoding");
    if (res.hasContentLength()) framing.contentLength = res.getContentLength64();
    framing.contentEncoding = lastToken(res.get("Content-Encoding", ""));
    FramedBody body = readFramedBody(conn, framing, options_.maxResponseBytes, t.describe);
    out.body = std::move(body.body);
    if (body.inflated) {
      // The returned body is the inflated one; these described the compressed bytes.
      removeHeader(out.headers, "Content-Encoding");
      removeHeader(out.headers, "Content-Length");
    }
    return body.untilClose;
  }

  const TransportOptions options_;
  // Waits for the process's CA store, also when this transport does not verify: the SSLManager's
  // handler is registered with it.
  Poco::Net::Context::Ptr tls() const {
    const Poco::Net::Context::Ptr& verified = verified_.get();
    return options_.verifyTls ? verified : unverified_;
  }

  std::shared_future<Poco::Net::Context::Ptr> verified_;  // one per process (processTls)
  Poco::Net::Context::Ptr unverified_;                    // verify_tls: false only
  std::mutex mutex_;
  std::unordered_map<std::string, std::vector<std::unique_ptr<HttpConnection>>> idle_;
};

}  // namespace

std::unique_ptr<HttpTransport> makePocoTransport(const TransportOptions& options) {
  return std::make_unique<PocoHttpTransport>(options);
}

}  // namespace sluice
