// The outbox: deliveries waiting for their flow's steps, each step's recorded result, retries
// and dead letters.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sluice {

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
  // The record the item is a change of: a delivery waits while an earlier one of the same
  // record and flow is pending (retrying included), so a repeat never overwrites a newer change.
  std::string recordKey;
  // Whether a step of it has a result or a "started" mark in the store, as read with the row;
  // true unless read (the dispatcher then reads the step results to find out).
  bool hasStepResults = true;
};

struct StepResult {
  int step = 0;
  std::string resultJson;  // the action's response body (JSON) or "null"
  // Only marked as sent: the call's outcome is unknown (a crash, a timeout); resultJson then
  // holds the time it was sent, in ms (a JSON number).
  bool started = false;
};

// One flow's waiting deliveries, for back-pressure and `sluice status`: how many are pending
// (retrying included), and since when the oldest of those due at nowMs has been due: how long
// a delivery waits for a worker (a retry's wait for its next attempt is not a lag).
struct FlowBacklog {
  std::string flow;
  int64_t pending = 0;
  int64_t oldestDueMs = 0;  // 0: none is due
};

// One flow's outbox at a glance (`sluice status`, the console).
struct FlowCounts {
  int64_t pending = 0;  // the backlog, retrying included
  int64_t dead = 0;
  int64_t queuedSince = 0;  // rows queued at or after the time asked for (any status)
};

// What the dispatcher reads and records, one delivery at a time.
class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // Pending deliveries due at nowMs, oldest first, at most limit.
  virtual std::vector<Delivery> dueDeliveries(int64_t nowMs, int limit) = 0;
  virtual std::vector<StepResult> stepResults(int64_t deliveryId) = 0;
  // Records a finished step before the next one runs.
  virtual void recordStep(int64_t deliveryId, int step, const std::string& resultJson) = 0;
  // Marks a step whose call is about to be sent at sentMs (for calls that are not safe to
  // repeat; a new send moves the time), and clears the mark when the call is known not to have
  // taken effect.
  virtual void markStepStarted(int64_t deliveryId, int step, int64_t sentMs) = 0;
  // recordStep of step, then markStepStarted of nextStep, in one commit: in a flow of several
  // steps, one write transaction per step instead of two.
  virtual void recordStepThenStart(int64_t deliveryId, int step, const std::string& resultJson,
                                   int nextStep, int64_t sentMs) = 0;
  virtual void clearStepStarted(int64_t deliveryId, int step) = 0;
  virtual void markDone(int64_t deliveryId) = 0;
  // The last step's result and the done mark in one commit: a delivery's last write, one
  // transaction instead of two (a crash before it leaves the step as unrecorded as before).
  virtual void finishDelivery(int64_t deliveryId, int step, const std::string& resultJson) = 0;
  // finishDelivery of one delivery, then markStepStarted of another's step, in one commit: a
  // worker that goes on from one delivery to the next makes one write between their calls,
  // not two. Throws StateError, writing neither, when the finished delivery is not there.
  virtual void finishThenStart(int64_t finishedId, int step, const std::string& resultJson,
                               int64_t nextId, int nextStep, int64_t sentMs) = 0;
  virtual void scheduleRetry(int64_t deliveryId, int attempts, int64_t nextAttemptMs,
                             const std::string& error) = 0;
  virtual void markDead(int64_t deliveryId, int attempts, const std::string& error) = 0;
  virtual std::vector<Delivery> deliveries(std::optional<DeliveryStatus> status, int limit) = 0;
  // Puts those of ids that are dead back in the queue (none when ids is empty); how many.
  virtual int replayDead(const std::vector<int64_t>& ids, int64_t nowMs) = 0;
  // Puts every dead delivery back in the queue; how many.
  virtual int replayAllDead(int64_t nowMs) = 0;
  // Puts one flow's dead deliveries back in the queue; how many.
  virtual int replayFlowDead(const std::string& flow, int64_t nowMs) = 0;
  // Deletes up to `limit` finished deliveries (done) queued before beforeMs, with their step
  // results; the number deleted. Dead letters stay until a human replays them. Safe for the
  // doubles guard as long as beforeMs is older than the seen-id retention: an item still
  // listed by its API keeps its seen entry, so it is never queued again.
  virtual int pruneDone(int64_t beforeMs, int limit) = 0;
  virtual int64_t pendingCount() = 0;
  // Every flow with pending deliveries, by flow name (one grouped query).
  virtual std::vector<FlowBacklog> backlogByFlow(int64_t nowMs) = 0;
  // Per flow that has rows: pending, dead, and queued since sinceMs (through indexes: the
  // finished rows of the other days are not read).
  virtual std::map<std::string, FlowCounts> flowCounts(int64_t sinceMs) = 0;
  // One flow's deliveries, newest first, at most limit.
  virtual std::vector<Delivery> flowDeliveries(const std::string& flow, int limit) = 0;
  // One flow's dead letters, newest first, at most limit (the console's list of a flow: its
  // dead letters may be older than the newest of every flow's).
  virtual std::vector<Delivery> flowDeadLetters(const std::string& flow, int limit) = 0;
};

}  // namespace sluice
