#include "poll/trigger_spec.h"

#include "config/tenant_selector.h"

#include "http/request_builder.h"

namespace sluice {

namespace {

// A trigger's rendered inputs live as long as its runner: usually under 64 bytes, so their
// allocator takes small chunks instead of RapidJSON's default 64 KiB, which 100,000 triggers
// would turn into gigabytes of address space and hundreds of MiB resident.
struct CompactDoc {
  rapidjson::MemoryPoolAllocator<> allocator{64};
  JsonDoc doc{&allocator, 64};
};

}  // namespace

TriggerSpec makeTriggerSpec(const FlowConfig& flow, const Config& config, const Catalog& catalog) {
  TriggerSpec spec;
  spec.op = catalog.find(flow.trigger.op);
  if (!spec.op) throw Error("flow " + flow.name + ": unknown operation " + flow.trigger.op);
  const Connection& connection = config.connections.at(flow.trigger.connection);
  spec.connection = connection.name;
  JsonDoc scratch;  // the connection and the rendering's temporaries
  auto& alloc = scratch.GetAllocator();
  JsonValue conn = connectionJson(connection, alloc);
  MapScope scope;
  scope.set("connection", &conn);
  JsonValue tenant = tenantJson(flow.tenantValues, alloc);
  if (!flow.tenantValues.empty()) scope.set("tenant", &tenant);
  JsonValue rendered = flow.trigger.with.isNull() ? JsonValue(rapidjson::kObjectType)
                                                  : flow.trigger.with.render(scope, alloc);
  auto compact = std::make_shared<CompactDoc>();
  compact->doc.CopyFrom(rendered, compact->allocator);
  spec.inputs = std::shared_ptr<JsonDoc>(compact, &compact->doc);
  spec.key = triggerKey(spec.op->fullId(), connection.name, *spec.inputs);
  spec.subscribers.push_back({flow.name, flow.trigger.backfill});
  return spec;
}

}  // namespace sluice
