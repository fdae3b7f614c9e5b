#include "deliver/dispatcher.h"

#include <algorithm>

#include "core/iso_time.h"
#include "core/keys.h"
#include "core/logger.h"

namespace sluice {

Dispatcher::Dispatcher(const Config& config, const Catalog& catalog, ClientRegistry& clients,
                       StateStore& state, const Clock& clock)
    : config_(config),
      catalog_(catalog),
      clients_(clients),
      state_(state),
      clock_(clock),
      rng_(std::random_device{}()) {}

int64_t Dispatcher::backoffMs(int attempts, int64_t retryAfterMs) {
  const int64_t ceiling = config_.settings.maxRetryDelayMs;
  const int64_t base = std::min<int64_t>(ceiling, 1000LL << std::min(attempts - 1, 20));
  double factor;
  {
    std::lock_guard<std::mutex> lock(rngMutex_);
    factor = std::uniform_real_distribution<double>(0.5, 1.0)(rng_);  // "equal jitter"
  }
  const int64_t jittered = static_cast<int64_t>(base * factor);
  return std::min(ceiling, std::max(jittered, retryAfterMs));
}

int64_t settleMs(const Connection& connection) {
  return std::max<int64_t>(2LL * connection.timeoutMs, 5000);
}

int64_t sentAtMs(const StepResult& started) {
  try {
    return std::stoll(started.resultJson);
  } catch (const std::exception&) {
    return 0;  // marked before the time was kept: long enough ago
  }
}

bool lookupFieldMatches(const JsonValue* field, const std::string& expected) {
  const std::string actual = field ? jsonText(*field) : "";
  if (actual == expected) return true;
  const auto a = parseIsoInstantMs(actual);
  const auto b = a ? parseIsoInstantMs(expected) : std::nullopt;
  return a && b && *a == *b;
}

std::string lookupResult(const JsonValue& record, const std::string& pointer) {
  if (pointer.empty()) return toJson(record);
  JsonDoc answer;
  rapidjson::Pointer(pointer.c_str())
      .Set(answer, JsonValue(record, answer.GetAllocator()), answer.GetAllocator());
  return toJson(answer);
}

Dispatcher::Lookup Dispatcher::lookup(const Operation& op, ApiClient& client,
                                      const JsonValue& inputs) {
  Lookup out;
  const LookupSpec& spec = *op.lookup;
  const Operation* lookupOp = catalog_.find(op.app + "." + spec.op);
  JsonDoc scratch;
  auto& alloc = scratch.GetAllocator();
  JsonValue conn = connectionJson(client.connection(), alloc);
  MapScope scope;
  scope.set("connection", &conn);
  scope.set("inputs", &inputs);
  std::vector<std::string> expected;
  for (const auto& m : spec.match) expected.push_back(m.second.renderText(scope));
  JsonValue with =
      spec.with.isNull() ? JsonValue(rapidjson::kObjectType) : spec.with.render(scope, alloc);
  // One request: the first page, as a poll of the lookup operation would ask for it.
  const Pagination& pag = lookupOp->paginate;
  PageParams first;
  first.inBody = pag.inBody;
  if (pag.style != PaginationStyle::None && !pag.limitParam.empty() && pag.limit > 0)
    first.values.emplace_back(pag.limitParam, JsonValue(static_cast<int64_t>(pag.limit)));
  if (pag.style == PaginationStyle::Page)
    first.values.emplace_back(pag.pageParam, JsonValue(static_cast<int64_t>(pag.start)));
  if (pag.style == PaginationStyle::Offset)
    first.values.emplace_back(pag.offsetParam, JsonValue(static_cast<int64_t>(0)));
  const ApiResult r = client.call(*lookupOp, with, &first);
  out.outcome = r.outcome;
  out.error = r.error;
  if (r.outcome != Outcome::Ok || !r.json) return out;
  const JsonValue* records = jsonAt(*r.json, spec.records);
  if (!records || !(records->IsArray() || records->IsObject() || records->IsNull())) {
    out.outcome = Outcome::Retry;
    out.error = ResponseError(lookupOp->fullId(), spec.records.empty() ? "(body)" : spec.records,
                              records ? "expected the records (an array or one object)"
                                      : "missing (expected the records)")
                    .what();
    return out;
  }
  // The found record goes where the action's own answer holds it ({"note": {...}} for
  // /note), so later steps read it by the same paths whether the call answered or the lookup
  // found it.
  auto result = [&](const JsonValue& record) { return lookupResult(record, spec.result); };
  auto matches = [&](const JsonValue& record) {
    if (!record.IsObject()) return false;
    for (size_t i = 0; i < spec.match.size(); ++i)
      if (!lookupFieldMatches(jsonAt(record, spec.match[i].first), expected[i])) return false;
    return true;
  };
  // null: nothing found (GHL's duplicate search answers {"contact": null}); one object: a
  // list of one.
  if (records->IsObject()) {
    if (matches(*records)) out.record = result(*records);
    return out;
  }
  // A missing field matches an empty value, so when every value to match is empty (the flow
  // left those inputs out) any record of a list would do: the lookup cannot tell which one
  // the call made, and a wrong "found" would skip the action. A human decides instead.
  const bool nothingToMatch =
      std::all_of(expected.begin(), expected.end(), [](const auto& e) { return e.empty(); });
  if (records->IsArray() && nothingToMatch && !records->Empty()) {
    out.outcome = Outcome::Fatal;
    out.error = lookupOp->fullId() + ": nothing to match on (every match value is empty)";
    return out;
  }
  if (records->IsArray())
    for (const auto& record : records->GetArray())
      if (matches(record)) {
        out.record = result(record);
        return out;
      }
  return out;
}

DeliveryReport Dispatcher::deliver(const Delivery& delivery) {
  DeliveryReport report;
  const FlowConfig* flow = config_.flow(delivery.flow);
  auto dead = [&](const std::string& error) {
    report.kind = DeliveryReport::Dead;
    report.error = Logger::instance().mask(error);
    state_.markDead(delivery.id, delivery.attempts + 1, report.error);
    logError("delivery.dead", kv("flow", delivery.flow) + " " + kv("item", delivery.itemKey) + " " +
                                  kv("error", report.error));
    return report;
  };
  if (!flow) return dead("flow '" + delivery.flow + "' is not in the config any more");
  if (!flow->enabled) return report;  // left pending until the flow is enabled again

  JsonDoc item;
  if (auto err = parseJson(delivery.itemJson, item))
    return dead("stored item is not JSON: " + *err);

  // Template roots: trigger, steps (by index and name), flow, and per step its connection.
  JsonDoc scratch;
  auto& alloc = scratch.GetAllocator();
  JsonValue steps(rapidjson::kObjectType);
  JsonValue flowInfo(rapidjson::kObjectType);
  flowInfo.AddMember("name", jsonString(flow->name, alloc), alloc);
  flowInfo.AddMember("item_key", jsonString(delivery.itemKey, alloc), alloc);
  // now: the time of this attempt, for "{{now.iso}}" or "{{now.unix | date('%Y-%m-%d')}}".
  JsonValue now(rapidjson::kObjectType);
  const int64_t nowMs = clock_.nowMs();
  now.AddMember("ms", JsonValue(static_cast<int64_t>(nowMs)), alloc);
  now.AddMember("unix", JsonValue(static_cast<int64_t>(nowMs / 1000)), alloc);
  now.AddMember("iso", jsonString(formatIsoSeconds(nowMs), alloc), alloc);
  MapScope scope;
  scope.set("trigger", &item);
  scope.set("flow", &flowInfo);
  scope.set("now", &now);

  if (!flow->filter.empty() && !flow->filter.evaluate(scope)) {
    state_.markDone(delivery.id);
    report.kind = DeliveryReport::Filtered;
    logInfo("delivery.filtered", kv("flow", flow->name) + " " + kv("item", delivery.itemKey));
    return report;
  }

  std::map<int, StepResult> done;
  for (const auto& r : state_.stepResults(delivery.id)) done[r.step] = r;
  std::vector<std::unique_ptr<JsonDoc>> results;  // keeps step results alive for the scope
  auto remember = [&](int index, const std::string& resultJson) {
    auto doc = std::make_unique<JsonDoc>();
    if (parseJson(resultJson, *doc)) doc->SetNull();
    const std::string idx = std::to_string(index);
    steps.AddMember(jsonString(idx, alloc), JsonValue(*doc, alloc), alloc);
    const std::string& name = flow->steps[index].name;
    if (!name.empty()) steps.AddMember(jsonString(name, alloc), JsonValue(*doc, alloc), alloc);
    results.push_back(std::move(doc));
  };
  for (size_t i = 0; i < flow->steps.size(); ++i) {
    scope.set("steps", &steps);
    const StepConfig& step = flow->steps[i];
    const int index = static_cast<int>(i);
    auto it = done.find(index);
    if (it != done.end() && !it->second.started) {
      remember(index, it->second.resultJson);
      continue;
    }
    // A step marked as sent without a result: the process stopped while its call was out.
    const bool interrupted = it != done.end() && it->second.started;
    ApiClient& client = clients_.get(step.connection);
    JsonValue conn = connectionJson(client.connection(), alloc);
    scope.set("connection", &conn);
    if (!step.when.empty() && !step.when.evaluate(scope)) {
      state_.recordStep(delivery.id, index, "null");
      remember(index, "null");
      logInfo("step.skipped", kv("flow", flow->name) + " " + kv("step", index) + " " +
                                  kv("item", delivery.itemKey) + " " +
                                  kv("if", step.when.source()));
      continue;
    }
    const Operation* op = catalog_.find(step.op);
    JsonValue inputs;
    try {
      inputs =
          step.with.isNull() ? JsonValue(rapidjson::kObjectType) : step.with.render(scope, alloc);
    } catch (const TemplateError& e) {
      return dead("step " + std::to_string(index) + " (" + step.op + "): " + e.what());
    }
    const std::string key = idempotencyKey(flow->name, delivery.itemKey, index);
    // Safe to send again: the API dedupes by our key (Stripe), or the call is idempotent.
    const App* app = catalog_.app(op->app);
    const bool safeToRepeat = op->idempotent || (app && !app->idempotencyHeader.empty());
    const std::string fields = kv("flow", flow->name) + " " + kv("step", index) + " " +
                               kv("op", step.op) + " " + kv("item", delivery.itemKey);
    if (interrupted && !safeToRepeat) {
      if (!op->lookup)
        return dead("step " + std::to_string(index) + " (" + step.op +
                    "): the call was interrupted and may have taken effect; " + op->app +
                    " cannot dedupe it, so it is not sent again. Check, then `sluice dlq replay " +
                    std::to_string(delivery.id) + "` to send it");
      // A call that got no answer may still be carried out after sluice gave up on it (a slow
      // server, or this process killed with the request on the wire). Looking before it has
      // had time to land could find nothing and send it a second time.
      const int64_t settleAt = sentAtMs(it->second) + settleMs(client.connection());
      if (clock_.nowMs() < settleAt) {
        report.kind = DeliveryReport::Retrying;
        report.error = "step " + std::to_string(index) + " (" + step.op +
                       "): waiting for an interrupted call to land before looking for it";
        report.nextAttemptMs = settleAt;
        state_.scheduleRetry(delivery.id, delivery.attempts, settleAt, report.error);
        logInfo("step.settling", fields + " " + kv("in_ms", settleAt - clock_.nowMs()));
        return report;
      }
      const Lookup found = lookup(*op, client, inputs);
      if (found.outcome == Outcome::Ok && found.record) {
        state_.recordStep(delivery.id, index, *found.record);
        remember(index, *found.record);
        logInfo("step.recovered", fields + " reason=\"found by lookup after an interruption\"");
        continue;
      }
      if (found.outcome != Outcome::Ok) {
        const int attempts = delivery.attempts + 1;
        if (found.outcome == Outcome::Fatal || attempts >= config_.settings.maxAttempts)
          return dead("step " + std::to_string(index) +
                      ": lookup after an interruption failed: " + found.error);
        report.kind = DeliveryReport::Retrying;
        report.error = Logger::instance().mask(found.error);
        report.nextAttemptMs = clock_.nowMs() + backoffMs(attempts, -1);
        state_.scheduleRetry(delivery.id, attempts, report.nextAttemptMs, report.error);
        return report;
      }
      // Not found: the interrupted call did not take effect; send it.
    }
    if (!safeToRepeat) state_.markStepStarted(delivery.id, index, clock_.nowMs());
    const int64_t started = clock_.nowMs();
    ApiResult result = client.call(*op, inputs, nullptr, key);
    const std::string timed = fields + " " + kv("ms", clock_.nowMs() - started);
    if (result.outcome == Outcome::Ok) {
      state_.recordStep(delivery.id, index, result.json ? toJson(*result.json) : "null");
      remember(index, result.json ? toJson(*result.json) : "null");
      ++report.stepsRun;
      logInfo("step.ok", timed + " " + kv("status", result.status));
      continue;
    }
    // An answer from the server means the call did not take effect; no answer leaves the mark,
    // so the next attempt looks before it sends again.
    if (!safeToRepeat && result.status != 0) state_.clearStepStarted(delivery.id, index);
    const int attempts = delivery.attempts + 1;
    if (result.outcome == Outcome::Fatal || attempts >= config_.settings.maxAttempts)
      return dead("step " + std::to_string(index) + ": " + result.error +
                  (result.outcome == Outcome::Retry
                       ? " (gave up after " + std::to_string(attempts) + " attempts)"
                       : ""));
    report.kind = DeliveryReport::Retrying;
    report.error = Logger::instance().mask(result.error);
    report.nextAttemptMs = clock_.nowMs() + backoffMs(attempts, result.retryAfterMs);
    state_.scheduleRetry(delivery.id, attempts, report.nextAttemptMs, report.error);
    logWarn("step.retry", timed + " " + kv("attempt", attempts) + " " +
                              kv("in_ms", report.nextAttemptMs - clock_.nowMs()) + " " +
                              kv("error", report.error));
    return report;
  }
  state_.markDone(delivery.id);
  logInfo("delivery.done", kv("flow", flow->name) + " " + kv("item", delivery.itemKey) + " " +
                               kv("steps", report.stepsRun));
  return report;
}

}  // namespace sluice
