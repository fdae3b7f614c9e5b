// Delivers outbox items: for one item of one flow, evaluates the filter, then runs the steps
// that have not run yet, each with its `if:`, its rendered `with:` mapping and an idempotency
// key derived from flow, item and step. A step's result is recorded before the next step's
// call goes out (in the same write as that step's started mark, when it has one), so a crash
// repeats at most the one step in flight, with the same key; an interrupted step that is not
// safe to repeat is looked up first (deliver/interrupted_call.h). The same holds across the
// deliveries one worker runs in a row: a delivery's last write may wait for the next one's
// first mark, never for a call.
// Failures follow one retry policy (deliver/retry_policy.h); fatal ones, and the last
// attempt, go to the dead letters.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "config/config.h"
#include "deliver/delivery_scope.h"
#include "deliver/interrupted_call.h"
#include "deliver/lookup.h"
#include "deliver/retry_policy.h"
#include "http/client_registry.h"
#include "state/outbox_store.h"

namespace sluice {

struct DeliveryReport {
  // Parked: its flow is a stopped tenant's instance (config.parkedFlows); it waits, and no
  // attempt is counted.
  enum Kind { Done, Filtered, Retrying, Dead, Parked } kind = Done;
  int stepsRun = 0;
  std::string error;
  int64_t nextAttemptMs = 0;
};

class Dispatcher {
 public:
  Dispatcher(const Config& config, const Catalog& catalog, ClientRegistry& clients,
             OutboxStore& state, const Clock& clock);

  // A write held back to go out with the next started mark, one write instead of two: a
  // step's result (the next step's mark), or a finished delivery's last step and done mark
  // (the mark of the next delivery run by the same worker). Written alone before anything
  // else is written or sent.
  struct HeldWrite {
    int64_t deliveryId = 0;
    int step = 0;
    std::string json;
    bool finishes = false;   // the delivery's last write: its last step's result and done mark
    std::string doneFields;  // finishes: what `delivery.done` logs once it is written
    // finishes: called once, when the write has landed (true) or failed (false).
    std::function<void(bool written)> landed;
  };

  // Runs what is left of one delivery and records the outcome in the state store.
  DeliveryReport deliver(const Delivery& delivery);
  // The same for a worker that runs deliveries in a row: `held` may come in with the last
  // write of the delivery before (written with this one's first write, or alone), and goes
  // out with this one's when it finished with a step's result. The caller writes it with
  // writeHeld unless another delivery follows at once.
  DeliveryReport deliver(const Delivery& delivery, std::optional<HeldWrite>& held);
  // Writes the held write, if any, on its own (StateError after `landed(false)` if it fails).
  void writeHeld(std::optional<HeldWrite>& held);

 private:
  // One step of a delivery in progress; none = go on with the next step.
  struct StepRun {
    const Delivery& delivery;
    const FlowConfig& flow;
    int index;
    DeliveryScope& scope;
    DeliveryReport& report;
    std::optional<HeldWrite>& held;
    // Set for the last step: its result waits here to be recorded with the done mark.
    std::optional<std::string>* lastResult = nullptr;
  };
  // Records a step's result: held for the next step's mark, or (the last step's) for the done
  // mark.
  void record(StepRun& run, const std::string& resultJson);
  // Writes the held write through `write` (alone, or with a mark), then reports it landed.
  template <typename Write>
  void land(std::optional<HeldWrite>& held, Write write);
  // Writes the held write with the started mark of `delivery`'s step, in one commit.
  void writeHeldWithMark(std::optional<HeldWrite>& held, const Delivery& delivery, int step);
  std::optional<DeliveryReport> runStep(StepRun& run, const StepResult* prior);
  std::optional<DeliveryReport> send(StepRun& run, const Operation& op, ApiClient& client,
                                     const JsonValue& inputs, bool markStart);
  // An interrupted call that is marked (interruptionRule): wait, recover by lookup, or fail;
  // none with recovered=false = send it again.
  std::optional<DeliveryReport> recover(StepRun& run, const Operation& op, ApiClient& client,
                                        const JsonValue& inputs, const StepResult& started,
                                        bool& recovered);
  // Both write what is held first.
  DeliveryReport dead(const Delivery& delivery, std::optional<HeldWrite>& held,
                      DeliveryReport report, const std::string& error);
  DeliveryReport retryLater(const Delivery& delivery, std::optional<HeldWrite>& held,
                            DeliveryReport report, const RetryDecision& decision,
                            const std::string& error);
  DeliveryReport park(const Delivery& delivery, std::optional<HeldWrite>& held,
                      DeliveryReport report);
  std::string stepFields(const StepRun& run) const;

  const Config& config_;
  // config_.flows by name: a delivery finds its flow without a scan (100,000 flows).
  std::unordered_map<std::string_view, const FlowConfig*> flowsByName_;
  const Catalog& catalog_;
  ClientRegistry& clients_;
  OutboxStore& state_;
  const Clock& clock_;
  RetryPolicy retry_;
};

}  // namespace sluice
