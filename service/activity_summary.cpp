#include "service/activity_summary.h"

#include "core/logger.h"

namespace sluice {

void ActivitySummary::pollFinished(bool ok, int64_t newItems) {
  ++polls_;
  if (!ok) {
    ++failed_;
    return;
  }
  if (newItems > 0) ++found_;
  itemsNew_ += newItems;
}

void ActivitySummary::delivered(const std::string& outcome) {
  ++deliveries_;
  if (outcome == "done") ++done_;
  if (outcome == "filtered") ++filtered_;
  if (outcome == "retry") ++retry_;
  if (outcome == "dead") ++dead_;
}

std::optional<std::string> ActivitySummary::lineIfDue(int64_t nowMs,
                                                      std::optional<int64_t> pending) {
  if (!due(nowMs)) return std::nullopt;
  const long long periodS = (nowMs - periodStartMs_) / 1000;
  periodStartMs_ = nowMs;
  // exchange(0): a count that lands between two reads goes into the next line, never lost.
  auto take = [](std::atomic<int64_t>& n) { return static_cast<long long>(n.exchange(0)); };
  std::string line = kv("period_s", periodS) + " " + kv("polls", take(polls_)) + " " +
                     kv("polls_found", take(found_)) + " " + kv("polls_failed", take(failed_)) +
                     " " + kv("polls_late", take(late_)) + " " + kv("items_new", take(itemsNew_)) +
                     " " + kv("deliveries", take(deliveries_)) + " " + kv("done", take(done_)) +
                     " " + kv("filtered", take(filtered_)) + " " + kv("retry", take(retry_)) + " " +
                     kv("dead", take(dead_));
  if (pending) line += " " + kv("pending", static_cast<long long>(*pending));
  return line;
}

}  // namespace sluice
