// The minimal responder: a keep-alive HTTP/1.1 server on 127.0.0.1 that answers every request
// with one fixed JSON body (an empty Stripe-style list for GET, a created contact for POST), on
// one epoll thread. With newPerList(n), a GET answers the newest 10 customers of its `email`
// filter, n of them new since that filter's last request (a poll that finds n new items). With
// answerAfterMs(ms), every answer leaves ms after its request arrived, as a real API's would
// (the thread goes on serving others meanwhile). It does next to nothing per request, so a
// benchmark against it measures sluice, not the server (the fakes do real work per request and
// were the ceiling before).
#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
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
  void answerAfterMs(int ms) { answerAfterMs_ = ms; }
  long requests() const { return requests_.load(); }

 private:
  struct Conn;
  void accept();
  // Reads what the socket has; answers each complete request; false = close it.
  bool readable(Conn& conn);
  std::string listAnswerFor(const std::string& head);
  // Sends the answer now, or queues it until its time when answers are delayed.
  void answer(const Conn& conn, const std::string& text);
  // Sends the queued answers whose time has come; the ms until the next one (or fallback).
  int sendDue(const std::map<int, std::unique_ptr<Conn>>& conns, int fallback);

  // An answer held back by answerAfterMs, for the connection it was asked on.
  struct Delayed {
    std::chrono::steady_clock::time_point due;
    int fd;
    unsigned long conn;
    std::string text;
  };

  int listenFd_ = -1;
  int epollFd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<long> requests_{0};
  std::atomic<int> newPerList_{0};
  std::atomic<int> answerAfterMs_{0};
  unsigned long nextConnId_ = 0;  // serve()'s thread only, like the two below
  std::deque<Delayed> delayed_;   // due in order: the delay is the same for all
  std::map<std::string, std::vector<long>> createdByFilter_;  // serve()'s thread only
};

}  // namespace sluice::bench
