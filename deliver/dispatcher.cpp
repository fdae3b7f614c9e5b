#include "deliver/dispatcher.h"

#include <map>

#include "core/keys.h"
#include "core/logger.h"

namespace sluice {

Dispatcher::Dispatcher(const Config& config, const Catalog& catalog, ClientRegistry& clients,
                       OutboxStore& state, const Clock& clock)
    : config_(config),
      catalog_(catalog),
      clients_(clients),
      state_(state),
      clock_(clock),
      retry_(config.settings.maxAttempts, config.settings.maxRetryDelayMs) {
  flowsByName_.reserve(config.flows.size());
  for (const FlowConfig& f : config.flows) flowsByName_.emplace(f.name, &f);
}

DeliveryReport Dispatcher::deliver(const Delivery& delivery) {
  std::optional<HeldWrite> held;
  const DeliveryReport report = deliver(delivery, held);
  writeHeld(held);
  return report;
}

DeliveryReport Dispatcher::deliver(const Delivery& delivery, std::optional<HeldWrite>& held) {
  // Only a finished delivery's last write goes with another delivery's mark; a step's result
  // left by a delivery that stopped on an error is written now.
  if (held && !held->finishes) writeHeld(held);
  DeliveryReport report;
  const auto found = flowsByName_.find(delivery.flow);
  if (found == flowsByName_.end()) {
    if (config_.parkedFlows.count(delivery.flow)) return park(delivery, held, report);
    return dead(delivery, held, report,
                "flow '" + delivery.flow + "' is not in the config any more");
  }
  const FlowConfig* flow = found->second;
  if (!flow->enabled) return report;  // left pending until the flow is enabled again
  JsonDoc item;
  if (auto err = parseJson(delivery.itemJson, item))
    return dead(delivery, held, report, "stored item is not JSON: " + *err);

  DeliveryScope scope(*flow, delivery, item, clock_.nowMs());
  if (!flow->filter.empty() && !flow->filter.evaluate(scope.scope())) {
    writeHeld(held);
    state_.markDone(delivery.id);
    report.kind = DeliveryReport::Filtered;
    logInfo("delivery.filtered", kv("flow", flow->name) + " " + kv("item", delivery.itemKey));
    return report;
  }
  std::map<int, StepResult> done;
  if (delivery.hasStepResults)  // most deliveries are on their first attempt, with none
    for (const auto& r : state_.stepResults(delivery.id)) done[r.step] = r;
  scope.beginSteps();
  std::optional<std::string> lastResult;
  for (size_t i = 0; i < flow->steps.size(); ++i) {
    const bool last = i + 1 == flow->steps.size();
    std::optional<std::string>* resultSlot = last ? &lastResult : nullptr;
    StepRun run{delivery, *flow, static_cast<int>(i), scope, report, held, resultSlot};
    const auto prior = done.find(run.index);
    if (auto stop = runStep(run, prior == done.end() ? nullptr : &prior->second)) return *stop;
  }
  writeHeld(held);  // the last step made no call to write it with
  const std::string fields = kv("flow", flow->name) + " " + kv("item", delivery.itemKey) + " " +
                             kv("steps", report.stepsRun);
  if (lastResult) {  // its last write waits for the next mark (deliver's caller writes it)
    const int lastStep = static_cast<int>(flow->steps.size()) - 1;
    held = HeldWrite{delivery.id, lastStep, std::move(*lastResult), true, fields, nullptr};
    return report;
  }
  state_.markDone(delivery.id);
  logInfo("delivery.done", fields);
  return report;
}

std::optional<DeliveryReport> Dispatcher::runStep(StepRun& run, const StepResult* prior) {
  const StepConfig& step = run.flow.steps[run.index];
  if (prior && !prior->started) {  // ran in an earlier attempt
    run.scope.remember(run.index, prior->resultJson);
    return std::nullopt;
  }
  ApiClient& client = clients_.get(step.connection);
  run.scope.useConnection(client.connection());
  if (!step.when.empty() && !step.when.evaluate(run.scope.scope())) {
    record(run, "null");
    run.scope.remember(run.index, "null");
    logDebug("step.skipped", kv("flow", run.flow.name) + " " + kv("step", run.index) + " " +
                                 kv("item", run.delivery.itemKey) + " " +
                                 kv("if", step.when.source()));
    return std::nullopt;
  }
  const Operation* op = catalog_.find(step.op);
  JsonValue inputs;
  try {
    inputs = step.with.isNull() ? JsonValue(rapidjson::kObjectType)
                                : step.with.render(run.scope.scope(), run.scope.alloc());
  } catch (const TemplateError& e) {
    return dead(run.delivery, run.held, run.report,
                "step " + std::to_string(run.index) + " (" + step.op + "): " + e.what());
  }
  const Interruption rule = interruptionRule(*op, *catalog_.app(op->app));
  // A step marked as sent without a result: the process stopped while its call was out.
  if (prior && prior->started && marksStart(rule)) {
    writeHeld(run.held);
    bool recovered = false;
    if (auto stop = recover(run, *op, client, inputs, *prior, recovered)) return stop;
    if (recovered) return std::nullopt;
  }
  return send(run, *op, client, inputs, marksStart(rule));
}

std::optional<DeliveryReport> Dispatcher::recover(StepRun& run, const Operation& op,
                                                  ApiClient& client, const JsonValue& inputs,
                                                  const StepResult& started, bool& recovered) {
  const Delivery& d = run.delivery;
  const std::string step = "step " + std::to_string(run.index);
  const std::string& opId = run.flow.steps[run.index].op;
  if (!op.lookup)
    return dead(d, run.held, run.report,
                step + " (" + opId + "): the call was interrupted and may have taken effect; " +
                    op.app + " cannot dedupe it, so it is not sent again. Check, then `sluice " +
                    "dlq replay " + std::to_string(d.id) + "` to send it");
  // A call that got no answer may still be carried out after sluice gave up on it (a slow
  // server, or this process killed with the request on the wire). Looking before it has had
  // time to land could find nothing and send it a second time.
  const int64_t settleAt = sentAtMs(started) + settleMs(client.connection());
  if (clock_.nowMs() < settleAt) {
    DeliveryReport& report = run.report;
    report.kind = DeliveryReport::Retrying;
    report.error =
        step + " (" + opId + "): waiting for an interrupted call to land before looking for it";
    report.nextAttemptMs = settleAt;
    state_.scheduleRetry(d.id, d.attempts, settleAt, report.error);
    logInfo("step.settling", stepFields(run) + " " + kv("in_ms", settleAt - clock_.nowMs()));
    return report;
  }
  const LookupResult found = lookupRecord(catalog_, op, client, inputs);
  if (found.outcome == Outcome::Ok && found.record) {
    record(run, *found.record);
    run.scope.remember(run.index, *found.record);
    logInfo("step.recovered",
            stepFields(run) + " reason=\"found by lookup after an interruption\"");
    recovered = true;
    return std::nullopt;
  }
  if (found.outcome == Outcome::Ok) {  // not there: it did not take effect
    logInfo("step.resending", stepFields(run) + " reason=\"" +
                                  (op.idempotent ? "the record does not hold what was sent"
                                                 : "nothing found by lookup") +
                                  " after an interruption\"");
    return std::nullopt;
  }
  // An idempotent call whose lookup cannot look (nothing to match, a 4xx) is still safe to send.
  if (found.outcome == Outcome::Fatal && op.idempotent) return std::nullopt;
  const RetryDecision decision = retry_.afterFailure(found.outcome, d.attempts, -1, clock_.nowMs());
  if (decision.giveUp)
    return dead(d, run.held, run.report,
                step + ": lookup after an interruption failed: " + found.error);
  return retryLater(d, run.held, run.report, decision, found.error);
}

std::optional<DeliveryReport> Dispatcher::send(StepRun& run, const Operation& op, ApiClient& client,
                                               const JsonValue& inputs, bool markStart) {
  const Delivery& d = run.delivery;
  if (markStart && run.held)
    writeHeldWithMark(run.held, d, run.index);
  else if (markStart)
    state_.markStepStarted(d.id, run.index, clock_.nowMs());
  else
    writeHeld(run.held);  // recorded before this call goes out
  const int64_t started = clock_.nowMs();
  const std::string key = idempotencyKey(run.flow.name, d.itemKey, run.index);
  const ApiResult result = client.call(op, inputs, nullptr, key);
  const std::string timed = stepFields(run) + " " + kv("ms", clock_.nowMs() - started);
  if (result.outcome == Outcome::Ok) {
    const std::string json = result.json ? toJson(*result.json) : "null";
    record(run, json);
    run.scope.remember(run.index, json);
    ++run.report.stepsRun;
    logDebug("step.ok", timed + " " + kv("status", result.status));
    return std::nullopt;
  }
  // An error status means the call did not take effect. No answer (killed, timed out, dropped,
  // cut) or a 2xx whose body could not be read (it did) leaves the mark, so the next attempt
  // looks before it sends again.
  if (markStart && result.status >= 300) state_.clearStepStarted(d.id, run.index);
  const RetryDecision decision =
      retry_.afterFailure(result.outcome, d.attempts, result.retryAfterMs, clock_.nowMs());
  if (decision.giveUp)
    return dead(d, run.held, run.report,
                "step " + std::to_string(run.index) + ": " + result.error +
                    (result.outcome == Outcome::Retry
                         ? " (gave up after " + std::to_string(decision.attempts) + " attempts)"
                         : ""));
  const DeliveryReport report = retryLater(d, run.held, run.report, decision, result.error);
  logWarn("step.retry", timed + " " + kv("attempt", decision.attempts) + " " +
                            kv("in_ms", report.nextAttemptMs - clock_.nowMs()) + " " +
                            kv("error", report.error));
  return report;
}

void Dispatcher::record(StepRun& run, const std::string& resultJson) {
  if (run.lastResult) {
    *run.lastResult = resultJson;
    return;
  }
  writeHeld(run.held);
  run.held = HeldWrite{run.delivery.id, run.index, resultJson, false, "", nullptr};
}

template <typename Write>
void Dispatcher::land(std::optional<HeldWrite>& held, Write write) {
  HeldWrite w = std::move(*held);
  held.reset();
  try {
    write(w);
  } catch (...) {
    if (w.landed) w.landed(false);
    throw;
  }
  if (w.finishes) logInfo("delivery.done", w.doneFields);
  if (w.landed) w.landed(true);
}

void Dispatcher::writeHeld(std::optional<HeldWrite>& held) {
  if (!held) return;
  land(held, [&](const HeldWrite& w) {
    if (w.finishes)
      state_.finishDelivery(w.deliveryId, w.step, w.json);
    else
      state_.recordStep(w.deliveryId, w.step, w.json);
  });
}

void Dispatcher::writeHeldWithMark(std::optional<HeldWrite>& held, const Delivery& delivery,
                                   int step) {
  const int64_t now = clock_.nowMs();
  land(held, [&](const HeldWrite& w) {
    if (w.finishes)
      state_.finishThenStart(w.deliveryId, w.step, w.json, delivery.id, step, now);
    else
      state_.recordStepThenStart(w.deliveryId, w.step, w.json, step, now);
  });
}

DeliveryReport Dispatcher::dead(const Delivery& delivery, std::optional<HeldWrite>& held,
                                DeliveryReport report, const std::string& error) {
  writeHeld(held);
  report.kind = DeliveryReport::Dead;
  report.error = Logger::instance().mask(error);
  state_.markDead(delivery.id, delivery.attempts + 1, report.error);
  logError("delivery.dead", kv("flow", delivery.flow) + " " + kv("item", delivery.itemKey) + " " +
                                kv("error", report.error));
  return report;
}

// A stopped tenant's delivery waits in the outbox, looked at again every kParkMs, until its
// tenant runs again (the runner is rebuilt with its flow instance) or is forgotten after
// keep_uninstalled (its flow is then not in the config: dead-lettered, `dlq replay` sends it).
DeliveryReport Dispatcher::park(const Delivery& delivery, std::optional<HeldWrite>& held,
                                DeliveryReport report) {
  constexpr int64_t kParkMs = 5 * 60 * 1000;
  writeHeld(held);
  report.kind = DeliveryReport::Parked;
  report.error = "its tenant is not running (uninstalled or revoked): waits until it runs again";
  report.nextAttemptMs = clock_.nowMs() + kParkMs;
  state_.scheduleRetry(delivery.id, delivery.attempts, report.nextAttemptMs, report.error);
  logDebug("delivery.parked", kv("flow", delivery.flow) + " " + kv("item", delivery.itemKey));
  return report;
}

DeliveryReport Dispatcher::retryLater(const Delivery& delivery, std::optional<HeldWrite>& held,
                                      DeliveryReport report, const RetryDecision& decision,
                                      const std::string& error) {
  writeHeld(held);
  report.kind = DeliveryReport::Retrying;
  report.error = Logger::instance().mask(error);
  report.nextAttemptMs = decision.nextAttemptMs;
  state_.scheduleRetry(delivery.id, decision.attempts, decision.nextAttemptMs, report.error);
  return report;
}

std::string Dispatcher::stepFields(const StepRun& run) const {
  return kv("flow", run.flow.name) + " " + kv("step", run.index) + " " +
         kv("op", run.flow.steps[run.index].op) + " " + kv("item", run.delivery.itemKey);
}

}  // namespace sluice
