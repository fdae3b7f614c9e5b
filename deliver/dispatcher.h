// Delivers outbox items: for one item of one flow, evaluates the filter, then runs the steps
// that have not run yet, each with its `if:`, its rendered `with:` mapping and an idempotency
// key derived from flow, item and step. A step's result is recorded before the next step
// runs, so a crash repeats at most the one step in flight, with the same key.
// Retryable failures back off exponentially with jitter (honouring Retry-After within the
// ceiling); fatal ones, and the last attempt, go to the dead letters.
#pragma once

#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "config/config.h"
#include "http/client_registry.h"
#include "state/state_store.h"

namespace sluice {

struct DeliveryReport {
  enum Kind { Done, Filtered, Retrying, Dead } kind = Done;
  int stepsRun = 0;
  std::string error;
  int64_t nextAttemptMs = 0;
};

// How long an interrupted call (sent, no answer) is given to land before a lookup looks for what
// it made: twice the connection's timeout, at least 5 s.
int64_t settleMs(const Connection& connection);
// When a started step's call was sent (0 when the mark predates keeping the time).
int64_t sentAtMs(const StepResult& started);

// A lookup's `match`: a record's field (nullptr when missing) against the rendered value. Equal
// text, a missing field and null reading as ""; or two ISO 8601 date-times with zones that name
// the same instant (an API may answer 10:00-05:00 as 15:00:00.000Z).
bool lookupFieldMatches(const JsonValue* field, const std::string& expected);
// A found record placed at a lookup's `result` pointer ("" = the record itself), as JSON.
std::string lookupResult(const JsonValue& record, const std::string& pointer);

class Dispatcher {
 public:
  Dispatcher(const Config& config, const Catalog& catalog, ClientRegistry& clients,
             StateStore& state, const Clock& clock);

  // Runs what is left of one delivery and records the outcome in the state store.
  DeliveryReport deliver(const Delivery& delivery);
  // The wait before attempt number `attempts` (1-based), jittered, at least retryAfterMs.
  int64_t backoffMs(int attempts, int64_t retryAfterMs);

 private:
  // The result of an operation's lookup: the matching record's JSON, or none.
  struct Lookup {
    Outcome outcome = Outcome::Ok;
    std::optional<std::string> record;
    std::string error;
  };
  Lookup lookup(const Operation& op, ApiClient& client, const JsonValue& inputs);

  const Config& config_;
  const Catalog& catalog_;
  ClientRegistry& clients_;
  StateStore& state_;
  const Clock& clock_;
  std::mutex rngMutex_;
  std::mt19937_64 rng_;
};

}  // namespace sluice
