// Durable state: trigger cursors and seen ids, the outbox of pending deliveries, step results,
// poll history, dead letters, OAuth tokens and schedule. The one rule: new items and the
// advanced cursor are committed in ONE transaction (commitPoll), so a crash at any point
// neither loses an item nor records one twice. SQLite is the embedded implementation (one
// process); PostgreSQL lets several `sluice run` processes share the work through leases.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

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
};

// One poll, as history shows it.
struct PollRecord {
  std::string triggerKey;
  int64_t startedMs = 0;
  int64_t finishedMs = 0;
  int pages = 0;
  int fetched = 0;
  int newItems = 0;
  int duplicates = 0;
  std::string error;  // "" = success
  std::string cursorBefore;
  std::string cursorAfter;
};

// Everything one successful poll changes, committed atomically.
struct PollCommit {
  std::string triggerKey;
  std::string op;
  std::string connection;
  std::string cursorJson;          // the advanced cursor
  bool cursorMoved = false;        // updates watermarkMovedMs
  std::vector<SeenEntry> seen;     // ids/versions to remember (upserted)
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

enum class DeliveryStatus { Pending, Done, Dead };
const char* toString(DeliveryStatus status);
// The inverse of toString, for values read back from a store; StateError on anything else.
DeliveryStatus parseDeliveryStatus(const std::string& text);

struct Delivery {
  int64_t id = 0;
  std::string flow;
  std::string itemKey;
  std::string itemJson;
  DeliveryStatus status = DeliveryStatus::Pending;
  int attempts = 0;
  int64_t createdMs = 0;
  int64_t nextAttemptMs = 0;
  std::string lastError;
};

struct StepResult {
  int step = 0;
  std::string resultJson;  // the action's response body (JSON) or "null"
  // Only marked as sent: the call's outcome is unknown (a crash, a timeout); resultJson then
  // holds the time it was sent, in ms (a JSON number).
  bool started = false;
};

struct OAuthTokens {
  std::string accessToken;
  std::string refreshToken;
  int64_t expiresAtMs = 0;
};

class StateStore {
 public:
  virtual ~StateStore() = default;

  // --- poller (one trigger at a time) ---
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
  // Forgets a trigger's cursor and seen ids (`sluice cursor reset`): the next poll seeds again.
  virtual bool resetTrigger(const std::string& key) = 0;

  // --- dispatcher ---
  // Pending deliveries due at nowMs, oldest first, at most limit.
  virtual std::vector<Delivery> dueDeliveries(int64_t nowMs, int limit) = 0;
  virtual std::vector<StepResult> stepResults(int64_t deliveryId) = 0;
  // Records a finished step before the next one runs.
  virtual void recordStep(int64_t deliveryId, int step, const std::string& resultJson) = 0;
  // Marks a step whose call is about to be sent at sentMs (for calls that are not safe to
  // repeat; a new send moves the time), and clears the mark when the call is known not to have
  // taken effect.
  virtual void markStepStarted(int64_t deliveryId, int step, int64_t sentMs) = 0;
  virtual void clearStepStarted(int64_t deliveryId, int step) = 0;
  virtual void markDone(int64_t deliveryId) = 0;
  virtual void scheduleRetry(int64_t deliveryId, int attempts, int64_t nextAttemptMs,
                             const std::string& error) = 0;
  virtual void markDead(int64_t deliveryId, int attempts, const std::string& error) = 0;
  virtual std::vector<Delivery> deliveries(std::optional<DeliveryStatus> status, int limit) = 0;
  // Puts dead deliveries back in the queue (all when ids is empty); returns how many.
  virtual int replayDead(const std::vector<int64_t>& ids, int64_t nowMs) = 0;
  // Deletes up to `limit` finished deliveries (done) queued before beforeMs, with their step
  // results; the number deleted. Dead letters stay until a human replays them. Safe for the
  // doubles guard as long as beforeMs is older than the seen-id retention: an item still
  // listed by its API keeps its seen entry, so it is never queued again.
  virtual int pruneDone(int64_t beforeMs, int limit) = 0;
  virtual int64_t pendingCount() = 0;

  // --- leases: several processes sharing one store divide the work ---
  // A lease is (owner, until): owner is a process id ("host:pid:random"), until a time in ms.
  // A lease is free when it has no owner or its time has passed. commitPoll and
  // recordPollFailure release the trigger's lease; markDone, scheduleRetry and markDead
  // release the delivery's.
  //
  // Runner::schedulePolls, before polling: of the trigger keys it believes are due, returns
  // those owner now holds until nowMs + leaseMs (creating trigger rows that do not exist). A
  // key is granted when its lease is free or owner's and, unless evenIfNotDue, its stored next
  // due time has come (another process may have polled it meanwhile). `--once` passes
  // evenIfNotDue. Two owners never hold one trigger at once.
  virtual std::vector<std::string> claimTriggers(const std::vector<std::string>& dueKeys,
                                                 const std::string& owner, int64_t nowMs,
                                                 int64_t leaseMs, bool evenIfNotDue = false) = 0;
  // Runner::scheduleDeliveries: pending deliveries due at nowMs whose lease is free or
  // owner's, oldest first, at most limit, now leased to owner until nowMs + leaseMs.
  virtual std::vector<Delivery> claimDeliveries(const std::string& owner, int64_t nowMs, int limit,
                                                int64_t leaseMs) = 0;
  // The runner, every lease/3 while it runs: extends every lease owner holds to untilMs.
  virtual void renewLeases(const std::string& owner, int64_t untilMs) = 0;
  // The runner at a clean stop: frees every lease owner holds.
  virtual void releaseLeases(const std::string& owner) = 0;
  // `sluice status`: trigger key -> owner, for the leases unexpired at nowMs.
  virtual std::vector<std::pair<std::string, std::string>> triggerLeases(int64_t nowMs) = 0;

  // --- history ---
  virtual std::vector<PollRecord> history(const std::string& triggerKey, int limit) = 0;

  // --- connectors ---
  virtual std::optional<OAuthTokens> loadTokens(const std::string& connection) = 0;
  virtual void saveTokens(const std::string& connection, const OAuthTokens& tokens) = 0;
};

// How openStateStore treats the schema.
enum class SchemaPolicy {
  Migrate,        // bring it to this binary's version (SQLite always does)
  RequireLatest,  // PostgreSQL for `sluice run` and friends: refuse an unmigrated or newer one
};

// "sqlite:PATH" (or a bare path): creates the file with mode 0600 and applies migrations.
// "postgresql://user@host:port/db[?password_file=PATH]" (password from SLUICE_PG_PASSWORD or
// PGPASSWORD or the file): with RequireLatest, refuses a schema that is not this binary's
// version ("run `sluice migrate -c FILE` first").
std::unique_ptr<StateStore> openStateStore(const std::string& url,
                                           SchemaPolicy policy = SchemaPolicy::Migrate);

}  // namespace sluice
