// The minimal responder: a keep-alive HTTP/1.1 server on 127.0.0.1 that answers every request
// with one fixed JSON body (an empty Stripe-style list for GET, a created contact for POST), on
// one epoll thread. It does next to nothing per request, so a benchmark against it measures
// sluice, not the server (the fakes do real work per request and were the ceiling before).
#pragma once

#include <atomic>
#include <string>

namespace sluice::bench {

class Responder {
 public:
  Responder();
  ~Responder();
  int port() const { return port_; }
  // Serves until stop() (from another thread) or a fatal socket error.
  void serve();
  void stop() { stopping_ = true; }
  long requests() const { return requests_.load(); }

 private:
  struct Conn;
  void accept();
  // Reads what the socket has; answers each complete request; false = close it.
  bool readable(Conn& conn);

  int listenFd_ = -1;
  int epollFd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<long> requests_{0};
};

}  // namespace sluice::bench
