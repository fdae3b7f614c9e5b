// The template roots one delivery's filter and steps read: trigger (the item), flow (name,
// item_key), now (ms, unix, iso: the time of this attempt), tenant (a per-tenant flow's), steps
// (earlier results by index and by name) and, per step, its connection.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/template.h"
#include "state/outbox_store.h"

namespace sluice {

class DeliveryScope {
 public:
  DeliveryScope(const FlowConfig& flow, const Delivery& delivery, const JsonDoc& item,
                int64_t nowMs);
  DeliveryScope(const DeliveryScope&) = delete;
  DeliveryScope& operator=(const DeliveryScope&) = delete;

  // From the first step on, `steps` is a root (the filter runs before any step).
  void beginSteps() { scope_.set("steps", &steps_); }
  // A step's result (JSON text; unreadable text reads as null) under its index and name.
  void remember(int index, const std::string& resultJson);
  void useConnection(const Connection& connection);

  const TemplateScope& scope() const { return scope_; }
  JsonAlloc& alloc() { return scratch_.GetAllocator(); }

 private:
  const FlowConfig& flow_;
  JsonDoc scratch_;
  JsonValue steps_{rapidjson::kObjectType};
  JsonValue flowInfo_{rapidjson::kObjectType};
  JsonValue now_{rapidjson::kObjectType};
  JsonValue tenant_;  // a per-tenant flow's {{tenant.*}}
  JsonValue connection_;
  MapScope scope_;
  std::vector<std::unique_ptr<JsonDoc>> results_;  // keeps step results alive for the scope
};

}  // namespace sluice
