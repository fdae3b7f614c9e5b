// What `sluice run` did in the last minute, as one info line: at info level the log has a line
// per poll that found something and per delivery, so a quiet minute would otherwise say
// nothing, and a busy one is summed up here without a line per step.
//   summary period_s=60 polls=1200 polls_found=14 polls_failed=0 polls_late=0 items_new=31
//           deliveries=31 done=30 filtered=1 retry=0 dead=0 pending=2
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>

namespace sluice {

class ActivitySummary {
 public:
  static constexpr int64_t kPeriodMs = 60000;

  explicit ActivitySummary(int64_t startMs) : periodStartMs_(startMs) {}

  void pollFinished(bool ok, int64_t newItems);
  void pollLate() { ++late_; }
  // outcome: done, filtered, retry, dead or error (as sluice_deliveries_total counts them).
  void delivered(const std::string& outcome);

  // The line's fields once a period has passed since the last line (the counts start again),
  // else nothing. pending is the outbox depth when the store answered. Called by one thread.
  std::optional<std::string> lineIfDue(int64_t nowMs, std::optional<int64_t> pending);
  // Whether lineIfDue would give a line now (so the caller asks the store only then).
  bool due(int64_t nowMs) const { return nowMs - periodStartMs_ >= kPeriodMs; }

 private:
  int64_t periodStartMs_;
  std::atomic<int64_t> polls_{0}, found_{0}, failed_{0}, late_{0}, itemsNew_{0};
  std::atomic<int64_t> deliveries_{0}, done_{0}, filtered_{0}, retry_{0}, dead_{0};
};

}  // namespace sluice
