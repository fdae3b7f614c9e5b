#include "runtime/trigger_spec.h"

#include "runtime/request_builder.h"

namespace sluice {

TriggerSpec makeTriggerSpec(const FlowConfig& flow, const Config& config, const Catalog& catalog) {
  TriggerSpec spec;
  spec.op = catalog.find(flow.trigger.op);
  if (!spec.op) throw Error("flow " + flow.name + ": unknown operation " + flow.trigger.op);
  const Connection& connection = config.connections.at(flow.trigger.connection);
  spec.connection = connection.name;
  spec.inputs = std::make_shared<JsonDoc>();
  auto& alloc = spec.inputs->GetAllocator();
  JsonValue conn = connectionJson(connection, alloc);
  MapScope scope;
  scope.set("connection", &conn);
  JsonValue rendered = flow.trigger.with.isNull() ? JsonValue(rapidjson::kObjectType)
                                                  : flow.trigger.with.render(scope, alloc);
  spec.inputs->CopyFrom(rendered, alloc);
  spec.key = triggerKey(spec.op->fullId(), connection.name, *spec.inputs);
  spec.subscribers.push_back({flow.name, flow.trigger.backfill});
  return spec;
}

}  // namespace sluice
