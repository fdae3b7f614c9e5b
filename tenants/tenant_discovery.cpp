#include "tenants/tenant_discovery.h"

#include "core/error.h"
#include "core/text.h"
#include "poll/page_walker.h"
#include "poll/record_reader.h"

namespace sluice {

namespace {

// A listing is bounded: a broken server that never says "no more" does not loop for ever.
constexpr int kMaxPages = 1000;

std::string scopesHint(const TenantSpec& spec) {
  return spec.scopes.empty() ? "" : " (it needs the scopes " + joined(spec.scopes) + ")";
}

TenantRecord tenantOf(const TenantSpec& spec, const std::string& connection,
                      const JsonValue& item) {
  TenantRecord t;
  t.connection = connection;
  const JsonValue* id = jsonAt(item, spec.id);
  if (!id || !id->IsString() || id->GetStringLength() == 0)
    throw ResponseError(spec.list, spec.id, "a listed tenant has no id");
  t.id = id->GetString();
  if (!spec.label.empty())
    if (const JsonValue* name = jsonAt(item, spec.label))
      if (name->IsString()) t.name = name->GetString();
  t.recordJson = toJson(item);
  return t;
}

}  // namespace

std::vector<TenantRecord> discoverTenants(ApiClient& agency, const App& app) {
  const TenantSpec& spec = *app.tenants;
  const Operation& op = *app.find(spec.list);
  const std::string& connection = agency.connection().name;
  std::vector<TenantRecord> out;
  PagePosition pos = firstPosition(op.paginate);
  const JsonDoc noInputs(rapidjson::kObjectType);
  for (int page = 0; page < kMaxPages; ++page) {
    const PageParams params = pageParams(op.paginate, pos);
    const ApiResult api = agency.call(op, noInputs, &params);
    if (api.outcome != Outcome::Ok) {
      const bool refused = api.unauthorized || api.status == 401 || api.status == 403;
      throw Error("connection " + connection + ": listing its tenants failed: " + api.error +
                  (refused ? "; connect again with `sluice connect`" + scopesHint(spec) : ""));
    }
    std::vector<const JsonValue*> items;
    if (auto problem = pageItems(op, *api.json, items))
      throw ResponseError(op.fullId(), problem->field, problem->what);
    for (const JsonValue* item : items) out.push_back(tenantOf(spec, connection, *item));
    if (!advance(op.paginate, *api.json, items, pos)) return out;
  }
  throw Error("connection " + connection + ": listing its tenants did not end after " +
              std::to_string(kMaxPages) + " pages");
}

}  // namespace sluice
