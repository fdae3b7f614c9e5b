#include "tenants/tenant_expansion.h"

#include <algorithm>
#include <map>

#include "config/tenant_selector.h"

namespace sluice {

namespace {

bool whereHolds(const Condition& where, const TenantRecord& t) {
  JsonDoc doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  JsonDoc record;
  if (parseJson(t.recordJson, record)) record.SetObject();
  doc.AddMember("id", jsonString(t.id, a), a);
  doc.AddMember("name", jsonString(t.name, a), a);
  doc.AddMember("record", JsonValue(record, a), a);
  MapScope scope;
  scope.set("tenant", &doc);
  return where.evaluate(scope);
}

bool picked(const TenantSelector& s, const TenantRecord& t) {
  switch (s.kind) {
    case TenantSelector::Kind::None:
      return false;
    case TenantSelector::Kind::All:
      return true;
    case TenantSelector::Kind::Listed:
      return std::find(s.ids.begin(), s.ids.end(), t.id) != s.ids.end();
    case TenantSelector::Kind::Where:
      return whereHolds(s.where, t);
  }
  return false;
}

// The tenant of `pairing`'s connection that goes with trigger tenant t; "" when none.
std::string pairedId(const TenantPairing& pairing, const TenantRecord& t) {
  if (!pairing.table.empty()) {
    auto it = pairing.table.find(t.id);
    return it == pairing.table.end() ? "" : it->second;
  }
  JsonDoc record;
  if (parseJson(t.recordJson, record)) return "";
  const JsonValue* v = &record;
  for (const auto& part : pairing.field) {
    if (!v->IsObject() || !v->HasMember(part.c_str())) return "";
    v = &(*v)[part.c_str()];
  }
  return v->IsString() ? v->GetString() : "";
}

struct Expander {
  const Config& written;
  const Catalog& catalog;
  const std::vector<TenantRecord>& tenants;
  TenantExpansion out;

  const TenantSpec& spec(const Connection& c) const { return *catalog.app(c.app)->tenants; }

  const TenantRecord* running(const std::string& connection, const std::string& id) const {
    const auto it = written.connections.find(connection);
    if (it == written.connections.end()) return nullptr;
    for (const TenantRecord* t : selectedTenants(it->second, tenants))
      if (t->id == id) return t;
    return nullptr;
  }

  // Known to the store but not installed now: uninstalled or revoked, and not yet forgotten.
  bool stopped(const std::string& connection, const std::string& id) const {
    return std::any_of(tenants.begin(), tenants.end(), [&](const TenantRecord& t) {
      return t.connection == connection && t.id == id && t.state != TenantState::Installed;
    });
  }

  void addConnections() {
    for (const auto& [name, c] : written.connections) {
      if (!c.tenants.any()) continue;
      for (const TenantRecord* t : selectedTenants(c, tenants)) {
        Connection tc = c;
        tc.name = tenantName(name, t->id);
        tc.settings[spec(c).setting] = t->id;
        tc.tenants = TenantSelector{};
        tc.parent = name;
        tc.tenantId = t->id;
        out.config.connections[tc.name] = std::move(tc);
      }
    }
  }

  // The tenant of each `pair:` connection that goes with trigger tenant t, by connection; a
  // paired tenant's variable (GHL location_id for a Stripe account) joins {{tenant.*}}, the
  // trigger tenant's own names first. Every pair must resolve, used by a step or not: a flow
  // that names a pair runs only for the accounts that have one. False (and a note) otherwise.
  bool resolvePairs(const FlowConfig& flow, const TenantRecord& t, FlowConfig& instance,
                    std::map<std::string, std::string>& pairedIds) {
    for (const auto& [connection, pairing] : flow.pairs) {
      const std::string id = pairedId(pairing, t);
      if (!id.empty() && stopped(connection, id)) out.config.parkedFlows.insert(instance.name);
      if (id.empty() || !running(connection, id)) {
        out.notes.push_back("flow " + flow.name + ": tenant " + t.id + " of " +
                            flow.trigger.connection + " has no installed tenant of " + connection +
                            " paired with it" + (id.empty() ? "" : " (" + id + ")"));
        return false;
      }
      pairedIds[connection] = id;
      instance.tenantValues.emplace(spec(written.connections.at(connection)).variable, id);
    }
    return true;
  }

  void addInstance(const FlowConfig& flow, const Connection& agency, const TenantRecord& t) {
    FlowConfig instance = flow;
    instance.name = tenantName(flow.name, t.id);
    instance.base = flow.name;
    instance.tenant = t.id;
    instance.tenantValues = tenantTemplateValues(spec(agency), t.id, t.name);
    instance.trigger.connection = tenantName(agency.name, t.id);
    std::map<std::string, std::string> pairedIds{{agency.name, t.id}};
    if (!resolvePairs(flow, t, instance, pairedIds)) return;
    for (auto& step : instance.steps) {
      const auto c = written.connections.find(step.connection);
      if (c == written.connections.end() || !c->second.tenants.any()) continue;
      // The checker lets a step on an agency connection through only with the trigger's own
      // connection or one that `pair:` names.
      step.connection = tenantName(step.connection, pairedIds.at(step.connection));
    }
    out.config.flows.push_back(std::move(instance));
  }

  void addFlows() {
    for (const auto& flow : written.flows) {
      const auto c = written.connections.find(flow.trigger.connection);
      if (c == written.connections.end() || !c->second.tenants.any()) {
        out.config.flows.push_back(flow);
        out.config.flows.back().base = flow.name;
        continue;
      }
      for (const TenantRecord* t : selectedTenants(c->second, tenants))
        addInstance(flow, c->second, *t);
      for (const TenantRecord& t : tenants)
        if (t.connection == c->first && t.state != TenantState::Installed)
          out.config.parkedFlows.insert(tenantName(flow.name, t.id));
    }
  }
};

}  // namespace

std::string tenantName(const std::string& base, const std::string& tenantId) {
  return base + "@" + tenantId;
}

std::string baseNameOf(const std::string& name) {
  return name.substr(0, name.rfind('@'));
}

std::string tenantIdOf(const std::string& name) {
  const size_t at = name.rfind('@');
  return at == std::string::npos ? "" : name.substr(at + 1);
}

std::vector<const TenantRecord*> selectedTenants(const Connection& connection,
                                                 const std::vector<TenantRecord>& tenants) {
  std::vector<const TenantRecord*> out;
  for (const auto& t : tenants)
    if (t.connection == connection.name && t.state == TenantState::Installed &&
        picked(connection.tenants, t))
      out.push_back(&t);
  return out;
}

bool hasAgencyConnections(const Config& config) {
  for (const auto& [name, c] : config.connections)
    if (c.tenants.any()) return true;
  return false;
}

TenantExpansion expandTenants(const Config& written, const Catalog& catalog,
                              const std::vector<TenantRecord>& tenants) {
  Expander e{written, catalog, tenants, {}};
  e.out.config = written;
  e.out.config.flows.clear();
  e.addConnections();
  e.addFlows();
  return std::move(e.out);
}

}  // namespace sluice
