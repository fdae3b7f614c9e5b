#include "tenants/tenant_expansion.h"

#include <algorithm>

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

  // Points a step on another agency connection at the paired tenant; false when there is none.
  bool pairStep(StepConfig& step, const FlowConfig& flow, const TenantRecord& t,
                FlowConfig& instance) {
    const Connection& other = written.connections.at(step.connection);
    const std::string id = pairedId(flow.pairs.at(step.connection), t);
    if (id.empty() || !running(step.connection, id)) {
      out.notes.push_back("flow " + flow.name + ": tenant " + t.id + " of " +
                          flow.trigger.connection + " has no installed tenant of " +
                          step.connection + " paired with it" +
                          (id.empty() ? "" : " (" + id + ")"));
      return false;
    }
    instance.tenantValues[spec(other).variable] = id;
    step.connection = tenantName(step.connection, id);
    return true;
  }

  void addInstance(const FlowConfig& flow, const Connection& agency, const TenantRecord& t) {
    FlowConfig instance = flow;
    instance.name = tenantName(flow.name, t.id);
    instance.base = flow.name;
    instance.tenant = t.id;
    instance.tenantValues = tenantTemplateValues(spec(agency), t.id, t.name);
    instance.trigger.connection = tenantName(agency.name, t.id);
    for (auto& step : instance.steps) {
      const auto c = written.connections.find(step.connection);
      if (c == written.connections.end() || !c->second.tenants.any()) continue;
      if (step.connection == agency.name)
        step.connection = instance.trigger.connection;
      else if (!pairStep(step, flow, t, instance))
        return;
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
    }
  }
};

}  // namespace

std::string tenantName(const std::string& base, const std::string& tenantId) {
  return base + "@" + tenantId;
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
