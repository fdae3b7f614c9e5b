// Trigger state: each trigger's cursor and seen ids, and the one-transaction poll commit that
// advances the cursor together with the new items it found (so a crash neither loses nor doubles
// an item).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "state/history_store.h"

namespace sluice {

// What is kept for one trigger (operation + connection + normalized inputs).
struct TriggerState {
  std::string key;
  std::string op;          // full op id, for listings
  std::string connection;  // connection name
  std::string cursorJson;  // the deduper's cursor, opaque to the store; "" = never polled
  int64_t nextDueMs = 0;   // 0 = due now
  int64_t lastPollMs = 0;
  int64_t watermarkMovedMs = 0;  // last time the cursor changed
  int consecutiveErrors = 0;
  std::string lastError;
  std::string polledBy;  // the lease owner of the last successful poll ("" = none recorded)
};

// A trigger's schedule alone: what a runner needs of every stored trigger when it is built.
struct TriggerSchedule {
  std::string key;
  int64_t nextDueMs = 0;
  int64_t lastPollMs = 0;
  int64_t watermarkMovedMs = 0;
  int consecutiveErrors = 0;
};

// How stale a seen entry's time may grow while its item is still read. A forget horizon
// (PollCommit::forgetSeenBeforeMs) must lie further back than this plus the time a sweep spread
// over several polls takes, or an item still listed, read on an earlier page of the sweep,
// could be forgotten and found again as new (tests/poll/seen_retention_test.cpp).
inline constexpr int64_t kSeenRefreshMs = 24LL * 3600 * 1000;

// One item key the deduper has seen, with its version ("" for detect: new).
struct SeenEntry {
  std::string itemKey;
  std::string version;
};

// One delivery waiting in the outbox: one item for one flow.
struct OutboxItem {
  std::string flow;
  std::string itemKey;   // id (+ version for updated/changed triggers); unique per flow
  std::string itemJson;  // the record as the trigger got it
  // The record the item is a change of (its id): deliveries of one record of one flow run in
  // order, one at a time. "" = the item key.
  std::string recordKey;
};

// Everything one successful poll changes, committed atomically.
struct PollCommit {
  std::string triggerKey;
  std::string op;
  std::string connection;
  std::string cursorJson;    // the advanced cursor
  bool cursorMoved = false;  // the cursor changed or items were found: updates watermarkMovedMs
  // Ids/versions to remember. An entry already there with the same version keeps its time
  // unless that is older than kSeenRefreshMs: a list read whole at every poll writes only
  // what changed, not every row it read.
  std::vector<SeenEntry> seen;
  int64_t forgetSeenBeforeMs = 0;  // prune seen entries older than this (0 = keep)
  std::vector<OutboxItem> items;   // deliveries to enqueue (duplicates by (flow, itemKey) ignored)
  PollRecord history;
  int64_t nextDueMs = 0;
  // The runner's owner id when it polled under a lease (claimTriggers): the commit is refused
  // with LeaseLostError when another owner holds the trigger's lease by now. "" = no check.
  std::string leaseOwner;
  // An item that came by webhook, not by a poll: seen ids, items and history are added, but
  // the trigger's cursor, schedule and error count stay as they are (a poll may be running).
  bool fromWebhook = false;
};

// commitPoll found the trigger's lease held by another process (this one stalled past its
// lease): nothing was written; the other owner's poll counts.
class LeaseLostError : public StateError {
 public:
  using StateError::StateError;
};

// What the poller reads and commits, one trigger at a time.
class TriggerStore {
 public:
  virtual ~TriggerStore() = default;

  // The trigger's state, or nullopt when it was never polled.
  virtual std::optional<TriggerState> loadTrigger(const std::string& key) = 0;
  // Versions recorded for the given item keys (missing keys are absent from the map).
  virtual std::map<std::string, std::string> seenVersions(
      const std::string& key, const std::vector<std::string>& itemKeys) = 0;
  // Cursor, seen ids, outbox rows, history and next due time in one transaction.
  virtual void commitPoll(const PollCommit& commit) = 0;
  // A failed poll: history, error count and next due time; the cursor stays where it was.
  // With leaseOwner set, nothing is recorded when another owner holds the lease by now.
  virtual void recordPollFailure(const std::string& key, const std::string& op,
                                 const std::string& connection, const PollRecord& history,
                                 int64_t nextDueMs, const std::string& leaseOwner = "") = 0;
  virtual std::vector<TriggerState> triggers() = 0;
  // Every stored trigger's schedule, without its cursor (a runner's build at 100,000 triggers
  // would read and hold all the cursors for nothing).
  virtual std::vector<TriggerSchedule> triggerSchedules() = 0;
  // Forgets a trigger's cursor and seen ids (`sluice cursor reset`): the next poll seeds again.
  virtual bool resetTrigger(const std::string& key) = 0;
};

}  // namespace sluice
