#include "deliver/delivery_scope.h"

#include "config/tenant_selector.h"
#include "core/iso_time.h"
#include "http/request_builder.h"

namespace sluice {

DeliveryScope::DeliveryScope(const FlowConfig& flow, const Delivery& delivery, const JsonDoc& item,
                             int64_t nowMs)
    : flow_(flow) {
  auto& a = alloc();
  flowInfo_.AddMember("name", jsonString(flow.name, a), a);
  flowInfo_.AddMember("item_key", jsonString(delivery.itemKey, a), a);
  // now: for "{{now.iso}}" or "{{now.unix | date('%Y-%m-%d')}}".
  now_.AddMember("ms", JsonValue(static_cast<int64_t>(nowMs)), a);
  now_.AddMember("unix", JsonValue(static_cast<int64_t>(nowMs / 1000)), a);
  now_.AddMember("iso", jsonString(formatIsoSeconds(nowMs), a), a);
  scope_.set("trigger", &item);
  scope_.set("flow", &flowInfo_);
  scope_.set("now", &now_);
  if (!flow.tenantValues.empty()) {
    tenant_ = tenantJson(flow.tenantValues, a);
    scope_.set("tenant", &tenant_);
  }
}

void DeliveryScope::remember(int index, const std::string& resultJson) {
  auto doc = std::make_unique<JsonDoc>();
  if (parseJson(resultJson, *doc)) doc->SetNull();
  auto& a = alloc();
  steps_.AddMember(jsonString(std::to_string(index), a), JsonValue(*doc, a), a);
  const std::string& name = flow_.steps[index].name;
  if (!name.empty()) steps_.AddMember(jsonString(name, a), JsonValue(*doc, a), a);
  results_.push_back(std::move(doc));
}

void DeliveryScope::useConnection(const Connection& connection) {
  connection_ = connectionJson(connection, alloc());
  scope_.set("connection", &connection_);
}

}  // namespace sluice
