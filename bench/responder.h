// The minimal responder: a keep-alive HTTP/1.1 server on 127.0.0.1 that answers every request
// with one fixed JSON body (an empty Stripe-style list for GET, a created contact for POST), on
// one epoll thread. With newPerList(n), a GET answers the newest 10 customers of its `email`
// filter, n of them new since that filter's last request (a poll that finds n new items). It does
// next to nothing per request, so a benchmark against it measures sluice, not the server (the fakes
// do real work per request and were the ceiling before).
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <vector>

namespace sluice::bench {

class Responder {
 public:
  Responder();
  ~Responder();
  int port() const { return port_; }
  // Serves until stop() (from another thread) or a fatal socket error.
  void serve();
  void stop() { stopping_ = true; }
  void newPerList(int n) { newPerList_ = n; }
  long requests() const { return requests_.load(); }

 private:
  struct Conn;
  void accept();
  // Reads what the socket has; answers each complete request; false = close it.
  bool readable(Conn& conn);
  std::string listAnswerFor(const std::string& head);

  int listenFd_ = -1;
  int epollFd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<long> requests_{0};
  std::atomic<int> newPerList_{0};
  std::map<std::string, std::vector<long>> createdByFilter_;  // serve()'s thread only
};

}  // namespace sluice::bench
