// Time, injectable: schedules, backoff and token expiry are tested without sleeping.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace sluice {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch. Called by the scheduler, dispatcher and connectors.
  virtual int64_t nowMs() const = 0;
};

class SystemClock : public Clock {
 public:
  int64_t nowMs() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

// A clock tests move by hand.
class ManualClock : public Clock {
 public:
  explicit ManualClock(int64_t startMs = 1'700'000'000'000) : now_(startMs) {}
  int64_t nowMs() const override { return now_.load(); }
  void advance(int64_t ms) { now_ += ms; }
  void set(int64_t ms) { now_ = ms; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace sluice
