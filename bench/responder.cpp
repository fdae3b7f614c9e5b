#include "bench/responder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <stdexcept>

namespace sluice::bench {

namespace {

std::string response(const std::string& body) {
  return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\nConnection: keep-alive\r\n\r\n" + body;
}

const std::string& listAnswer() {
  static const std::string r =
      response(R"({"object":"list","data":[],"has_more":false,"url":"/v1/customers"})");
  return r;
}

const std::string& createdAnswer() {
  static const std::string r =
      response(R"({"new":true,"contact":{"id":"c_responder","email":"x@bench.test"}})");
  return r;
}

// The Content-Length of a request head, 0 when it has none.
size_t contentLength(const std::string& head) {
  for (const char* name : {"Content-Length:", "content-length:"}) {
    const size_t at = head.find(name);
    if (at != std::string::npos) return std::strtoul(head.c_str() + at + 15, nullptr, 10);
  }
  return 0;
}

void sendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the client went away; its next read closes the connection
    sent += static_cast<size_t>(n);
  }
}

}  // namespace

struct Responder::Conn {
  int fd = -1;
  unsigned long id = 0;  // tells a closed connection's queued answers from its fd's next one
  std::string in;
};

Responder::Responder() {
  listenFd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int one = 1;
  setsockopt(listenFd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listenFd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listenFd_, 512) != 0)
    throw std::runtime_error("responder: cannot listen on 127.0.0.1");
  socklen_t len = sizeof addr;
  getsockname(listenFd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  epollFd_ = epoll_create1(0);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = listenFd_;
  epoll_ctl(epollFd_, EPOLL_CTL_ADD, listenFd_, &ev);
}

Responder::~Responder() {
  if (epollFd_ >= 0) ::close(epollFd_);
  if (listenFd_ >= 0) ::close(listenFd_);
}

void Responder::serve() {
  std::map<int, std::unique_ptr<Conn>> conns;
  epoll_event events[64];
  while (!stopping_) {
    // Wakes to see stop(), and for the next delayed answer.
    const int n = epoll_wait(epollFd_, events, 64, sendDue(conns, 100));
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == listenFd_) {
        while (true) {
          const int c = ::accept4(listenFd_, nullptr, nullptr, SOCK_NONBLOCK);
          if (c < 0) break;
          const int one = 1;
          setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.fd = c;
          epoll_ctl(epollFd_, EPOLL_CTL_ADD, c, &ev);
          conns[c] = std::make_unique<Conn>(Conn{c, ++nextConnId_, {}});
        }
        continue;
      }
      const auto it = conns.find(fd);
      if (it != conns.end() && !readable(*it->second)) {
        epoll_ctl(epollFd_, EPOLL_CTL_DEL, fd, nullptr);
        ::close(fd);
        conns.erase(it);
      }
    }
  }
  for (auto& [fd, conn] : conns) ::close(fd);
}

bool Responder::readable(Conn& conn) {
  char buf[16384];
  while (true) {
    const ssize_t n = ::recv(conn.fd, buf, sizeof buf, 0);
    if (n == 0) return false;
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return false;
    }
    conn.in.append(buf, static_cast<size_t>(n));
  }
  // Answer every complete request in the buffer (pipelined or not).
  while (true) {
    const size_t headEnd = conn.in.find("\r\n\r\n");
    if (headEnd == std::string::npos) return true;
    const size_t total = headEnd + 4 + contentLength(conn.in.substr(0, headEnd));
    if (conn.in.size() < total) return true;
    if (conn.in.compare(0, 4, "POST") == 0)
      answer(conn, createdAnswer());
    else
      answer(conn, newPerList_ > 0 ? listAnswerFor(conn.in.substr(0, headEnd)) : listAnswer());
    ++requests_;
    conn.in.erase(0, total);
  }
}

void Responder::answer(const Conn& conn, const std::string& text) {
  const int delayMs = answerAfterMs_;
  if (delayMs <= 0) return sendAll(conn.fd, text);
  delayed_.push_back({std::chrono::steady_clock::now() + std::chrono::milliseconds(delayMs),
                      conn.fd, conn.id, text});
}

int Responder::sendDue(const std::map<int, std::unique_ptr<Conn>>& conns, int fallback) {
  const auto now = std::chrono::steady_clock::now();
  while (!delayed_.empty() && delayed_.front().due <= now) {
    const Delayed& d = delayed_.front();
    const auto conn = conns.find(d.fd);
    if (conn != conns.end() && conn->second->id == d.conn) sendAll(d.fd, d.text);
    delayed_.pop_front();
  }
  if (delayed_.empty()) return fallback;
  const auto wait = std::chrono::ceil<std::chrono::milliseconds>(delayed_.front().due - now);
  return static_cast<int>(std::min<long>(fallback, wait.count()));
}

std::string Responder::listAnswerFor(const std::string& head) {
  // The filter: the request line's email= value (each benchmark flow has its own).
  const size_t line = head.find('\r');
  const size_t at = head.find("email=");
  std::string filter;
  if (at != std::string::npos && at < line)
    filter = head.substr(at + 6, head.find_first_of("& ", at) - at - 6);
  std::vector<long>& created = createdByFilter_[filter];
  const long now = static_cast<long>(time(nullptr));
  for (int i = 0; i < newPerList_; ++i) created.push_back(now);
  std::string body = R"({"object":"list","data":[)";
  const size_t count = std::min<size_t>(10, created.size());
  for (size_t i = 0; i < count; ++i) {
    const size_t k = created.size() - 1 - i;  // newest first
    body += std::string(i ? "," : "") + R"({"id":"cus_R)" + std::to_string(k) +
            R"(","object":"customer","email":"r@bench.test","created":)" +
            std::to_string(created[k]) + "}";
  }
  return response(body + R"(],"has_more":false,"url":"/v1/customers"})");
}

}  // namespace sluice::bench
