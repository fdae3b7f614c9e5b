// Delivers outbox items: for one item of one flow, evaluates the filter, then runs the steps
// that have not run yet, each with its `if:`, its rendered `with:` mapping and an idempotency
// key derived from flow, item and step. A step's result is recorded before the next step's
// call goes out (in the same write as that step's started mark, when it has one), so a crash
// repeats at most the one step in flight, with the same key; an interrupted step that is not
// safe to repeat is looked up first (deliver/interrupted_call.h).
// Failures follow one retry policy (deliver/retry_policy.h); fatal ones, and the last
// attempt, go to the dead letters.
#pragma once

#include <optional>
#include <string>

#include "config/config.h"
#include "deliver/delivery_scope.h"
#include "deliver/interrupted_call.h"
#include "deliver/lookup.h"
#include "deliver/retry_policy.h"
#include "http/client_registry.h"
#include "state/outbox_store.h"

namespace sluice {

struct DeliveryReport {
  enum Kind { Done, Filtered, Retrying, Dead } kind = Done;
  int stepsRun = 0;
  std::string error;
  int64_t nextAttemptMs = 0;
};

class Dispatcher {
 public:
  Dispatcher(const Config& config, const Catalog& catalog, ClientRegistry& clients,
             OutboxStore& state, const Clock& clock);

  // Runs what is left of one delivery and records the outcome in the state store.
  DeliveryReport deliver(const Delivery& delivery);

 private:
  // A step's result not written yet: it is written with the next step's started mark (one
  // write instead of two), or alone before anything else is written or sent.
  struct HeldResult {
    int step;
    std::string json;
  };
  // One step of a delivery in progress; none = go on with the next step.
  struct StepRun {
    const Delivery& delivery;
    const FlowConfig& flow;
    int index;
    DeliveryScope& scope;
    DeliveryReport& report;
    std::optional<HeldResult>& held;
    // Set for the last step: its result waits here to be recorded with the done mark.
    std::optional<std::string>* lastResult = nullptr;
  };
  // Records a step's result: held for the next step's mark, or (the last step's) for the done
  // mark.
  void record(StepRun& run, const std::string& resultJson);
  // Writes the held result, if any, on its own.
  void writeHeld(const Delivery& delivery, std::optional<HeldResult>& held);
  std::optional<DeliveryReport> runStep(StepRun& run, const StepResult* prior);
  std::optional<DeliveryReport> send(StepRun& run, const Operation& op, ApiClient& client,
                                     const JsonValue& inputs, bool markStart);
  // An interrupted call that is marked (interruptionRule): wait, recover by lookup, or fail;
  // none with recovered=false = send it again.
  std::optional<DeliveryReport> recover(StepRun& run, const Operation& op, ApiClient& client,
                                        const JsonValue& inputs, const StepResult& started,
                                        bool& recovered);
  DeliveryReport dead(const Delivery& delivery, DeliveryReport report, const std::string& error);
  DeliveryReport retryLater(const Delivery& delivery, DeliveryReport report,
                            const RetryDecision& decision, const std::string& error);
  std::string stepFields(const StepRun& run) const;

  const Config& config_;
  const Catalog& catalog_;
  ClientRegistry& clients_;
  OutboxStore& state_;
  const Clock& clock_;
  RetryPolicy retry_;
};

}  // namespace sluice
