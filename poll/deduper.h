// What of a sweep's records is new: not repeated within the sweep, not seen before by this
// trigger (or seen with another version, for updated/changed triggers), and for newest-first
// triggers not below the watermark of an earlier sweep. Then the fan-out to the trigger's
// flows: the first poll fires nothing (it seeds), unless a flow asks for a backfill of the
// newest N.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "poll/record_reader.h"
#include "state/trigger_store.h"

namespace sluice {

struct Subscriber {
  std::string flow;
  int backfill = 0;  // first poll fires the newest N instead of seeding silently
};

// seen: id -> version of what the trigger saw before. ordered: a newest-first list; the result
// is oldest first either way. duplicates counts what was dropped.
std::vector<const Record*> freshRecords(const Operation& op, const std::vector<Record>& records,
                                        const std::map<std::string, std::string>& seen,
                                        const JsonValue* watermark, bool ordered, int& duplicates);

// The outbox items of the fresh records (oldest first) for every subscriber.
std::vector<OutboxItem> fanOut(const Operation& op, const std::vector<const Record*>& fresh,
                               const std::vector<Subscriber>& subscribers, bool firstPoll,
                               bool ordered);

}  // namespace sluice
