#include "console/console_actions.h"

#include "console/html.h"
#include "core/logger.h"
#include "poll/trigger_spec.h"

namespace sluice::console {

namespace {

void logAction(const std::string& action, const std::string& subject, const std::string& remote,
               bool changed) {
  logInfo("console.action", kv("action", action) + " " + subject + " " + kv("remote", remote) +
                                " " + kv("changed", changed ? "true" : "false"));
}

// Every dead letter of one flow queued again (`sluice dlq replay --flow`).
ActionOutcome replayFlowAction(const FlowConfig& f, StateStore& state, int64_t nowMs,
                               const std::string& remote) {
  const int n = state.replayFlowDead(f.name, nowMs);
  logAction("replay", kv("flow", f.name) + " " + kv("deliveries", n), remote, n > 0);
  return {true, true, "/dead-letters?flow=" + urlPart(f.name), "replayed-flow"};
}

ActionOutcome flowAction(const FlowConfig& f, const std::string& verb, const Config& config,
                         const Catalog& catalog, StateStore& state, int64_t nowMs,
                         const std::string& remote) {
  if (verb == "replay-dead") return replayFlowAction(f, state, nowMs, remote);
  bool changed = false;
  if (verb == "pause") {
    changed = state.pauseFlow(f.name, nowMs);
  } else if (verb == "resume") {
    changed = state.resumeFlow(f.name);
  } else if (verb == "cursor-reset") {
    changed = state.resetTrigger(makeTriggerSpec(f, config, catalog).key);
  } else {
    return {};
  }
  logAction(verb, kv("flow", f.name), remote, changed);
  return {true, true, "/flows/" + urlPart(f.name),
          verb == "cursor-reset" ? "cursor-reset" : verb + "d"};
}

ActionOutcome replayAction(const std::string& which, StateStore& state, int64_t nowMs,
                           const std::string& remote) {
  if (which == "replay-all") {
    const int n = state.replayAllDead(nowMs);
    logAction("replay", kv("deliveries", n), remote, n > 0);
    return {true, true, "/dead-letters", "replayed-all"};
  }
  int64_t id = 0;
  try {
    size_t used = 0;
    id = std::stoll(which, &used);
    if (used != which.size()) return {true, false, "", ""};
  } catch (const std::exception&) {
    return {true, false, "", ""};
  }
  const int n = state.replayDead({id}, nowMs);
  logAction("replay", kv("delivery", static_cast<long long>(id)), remote, n > 0);
  return {true, n > 0, "/dead-letters", "replayed"};
}

}  // namespace

ActionOutcome runAction(const std::vector<std::string>& segments, const Config& config,
                        const Catalog& catalog, StateStore& state, int64_t nowMs,
                        const std::string& remote) {
  if (segments.size() == 3 && segments[0] == "flows") {
    const FlowConfig* f = config.flow(segments[1]);
    if (!f) return {true, false, "", ""};
    return flowAction(*f, segments[2], config, catalog, state, nowMs, remote);
  }
  if (segments.size() == 3 && segments[0] == "dead-letters" && segments[2] == "replay")
    return replayAction(segments[1], state, nowMs, remote);
  if (segments.size() == 2 && segments[0] == "dead-letters" && segments[1] == "replay-all")
    return replayAction("replay-all", state, nowMs, remote);
  return {};
}

}  // namespace sluice::console
