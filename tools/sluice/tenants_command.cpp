// `sluice tenants`: the tenants of the agency and platform connections (GHL sub-accounts,
// Stripe connected accounts) as `sluice run` last listed them, with their state and why; the
// same rows as under `sluice status`, and as JSON for monitoring (a revoked sub-account has
// no flow left to show in `status --json`).
#include <ostream>
#include <string>
#include <vector>

#include "core/exit_codes.h"
#include "core/json.h"
#include "core/text.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/context.h"
#include "tools/sluice/tenant_table.h"

namespace sluice::cli {

namespace {

JsonValue tenantJson(const TenantRecord& t, JsonAlloc& a) {
  JsonValue o(rapidjson::kObjectType);
  o.AddMember("connection", jsonString(t.connection, a), a);
  o.AddMember("tenant", jsonString(t.id, a), a);
  o.AddMember("name", jsonString(t.name, a), a);
  o.AddMember("state", jsonString(tenantStateName(t.state), a), a);
  o.AddMember("since_ms", JsonValue(static_cast<int64_t>(t.sinceMs)), a);
  o.AddMember("reason", jsonString(t.reason, a), a);
  return o;
}

// --connection NAME: a connection of the file that selects tenants; a misspelt one gets a
// suggestion, one without tenants says why it lists none.
void checkTenantConnection(const Context& ctx, const std::string& connection) {
  const auto it = ctx.config.connections.find(connection);
  if (it == ctx.config.connections.end()) {
    std::vector<std::string> names;
    for (const auto& [name, c] : ctx.config.connections) names.push_back(name);
    const std::string hint = didYouMean(connection, names);
    throw UsageError("no connection '" + connection + "' in " + ctx.config.file +
                     (hint.empty() ? " (connections: " + joined(names) + ")" : hint));
  }
  if (!it->second.tenants.any())
    throw UsageError("connection '" + connection +
                     "' has no tenants: it selects no sub-accounts or connected accounts "
                     "(e.g. 'locations: all' on a GHL agency connection)");
}

}  // namespace

int tenantsCommand(const std::vector<std::string>& argv, Io io) {
  Args args(argv, flagsOf("tenants"));
  if (args.has("help")) {
    io.out << usageHelp("tenants");
    return EXIT_OK;
  }
  if (!args.positional().empty())
    throw UsageError("tenants takes no arguments, found '" + args.positional()[0] + "'");
  const Context ctx = loadContext(args);
  const std::string connection = args.get("connection", "");
  if (!connection.empty()) checkTenantConnection(ctx, connection);
  auto state = openState(ctx.config);
  const auto tenants = chosenTenants(state->tenants(connection), args.get("tenant", ""));
  if (args.has("json")) {
    JsonDoc doc(rapidjson::kArrayType);
    for (const auto& t : tenants)
      doc.PushBack(tenantJson(t, doc.GetAllocator()), doc.GetAllocator());
    io.out << toJson(doc, true) << "\n";
    return EXIT_OK;
  }
  if (tenants.empty()) {
    io.out << "no tenants listed yet: `sluice run` lists those of each agency or platform "
              "connection\n";
    return EXIT_OK;
  }
  tenantTable(tenants).print(io.out, stdoutTerminal());
  return EXIT_OK;
}

}  // namespace sluice::cli
