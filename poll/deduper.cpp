#include "poll/deduper.h"

#include <algorithm>
#include <set>

#include "poll/trigger_cursor.h"

namespace sluice {

std::vector<const Record*> freshRecords(const Operation& op, const std::vector<Record>& records,
                                        const std::map<std::string, std::string>& seen,
                                        const JsonValue* watermark, bool ordered, int& duplicates) {
  std::vector<const Record*> fresh;
  std::set<std::string> inThisPoll;
  for (const auto& r : records) {
    if (!inThisPoll.insert(r.id + "@" + r.version).second) {
      ++duplicates;  // a record repeated across pages of one sweep
      continue;
    }
    const auto it = seen.find(r.id);
    const bool isNew =
        it == seen.end() || (op.detect != DetectMode::New && it->second != r.version);
    // Below the watermark and never seen: older than what a past sweep already passed.
    const bool belowWatermark = ordered && watermark && r.order &&
                                compareOrder(*r.order, *watermark) < 0 && it == seen.end();
    if (!isNew || belowWatermark) {
      ++duplicates;
      continue;
    }
    fresh.push_back(&r);
  }
  // Deliver oldest first: a newest-first list is reversed.
  if (ordered) std::reverse(fresh.begin(), fresh.end());
  return fresh;
}

std::vector<OutboxItem> fanOut(const Operation& op, const std::vector<const Record*>& fresh,
                               const std::vector<Subscriber>& subscribers, bool firstPoll,
                               bool ordered) {
  std::vector<OutboxItem> items;
  for (const auto& sub : subscribers) {
    // First poll: remember what exists and fire nothing, unless the flow asks for a backfill
    // of the newest N (the last N of an oldest-first list; the first N of an unordered one).
    size_t from = 0, to = fresh.size();
    if (firstPoll) {
      const size_t n = std::min(fresh.size(), static_cast<size_t>(std::max(0, sub.backfill)));
      if (ordered)
        from = fresh.size() - n;
      else
        to = n;
    }
    for (size_t i = from; i < to; ++i) {
      const Record& r = *fresh[i];
      items.push_back(
          {sub.flow, op.detect == DetectMode::New ? r.id : r.id + "@" + r.version, r.json, r.id});
    }
  }
  return items;
}

}  // namespace sluice
