// `sluice ops call OP --connection NAME -c FILE --with key=value ...`: one action by hand.
#include <ostream>
#include <thread>

#include "core/exit_codes.h"
#include "core/logger.h"
#include "http/client_registry.h"
#include "tenants/tenant_expansion.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/context.h"

namespace sluice::cli {

namespace {

// --connection NAME; with --tenant ID on an agency connection, that tenant's connection as
// `sluice run` makes it (NAME@ID: its own token, its sub-account or account, its rate limit).
std::string chosenConnection(Context& ctx, StateStore& state, const Args& args) {
  const std::string name = args.get("connection");
  const auto it = ctx.config.connections.find(name);
  if (it == ctx.config.connections.end())
    throw UsageError("unknown connection '" + name + "' (--connection)");
  const std::string tenant = args.get("tenant", "");
  if (tenant.empty()) return name;
  if (!it->second.tenants.any())
    throw UsageError(
        "--tenant goes with an agency connection (one with locations:/accounts:), "
        "and '" +
        name + "' is not one");
  ctx.config = expandTenants(ctx.config, ctx.catalog, state.tenants("")).config;
  const std::string tenantConnection = tenantName(name, tenant);
  if (!ctx.config.connections.count(tenantConnection))
    throw UsageError("'" + name + "' has no installed, selected tenant '" + tenant +
                     "' (`sluice status` lists the tenants)");
  return tenantConnection;
}

}  // namespace

int opsCallCommand(const std::vector<std::string>& argv, Io io) {
  const auto& flags = flagsOf("ops", "call");
  Args args(argv, flags);
  if (args.has("help") || args.positional().size() != 1) {
    io.out << usageHelp("ops", "call");
    return args.has("help") ? EXIT_OK : EXIT_USAGE;
  }
  Context ctx = loadContext(args);
  const std::string id = args.positional()[0];
  const Operation* op = ctx.catalog.find(id);
  if (!op) {
    std::string hint;
    for (const auto& s : ctx.catalog.suggest(id)) hint += (hint.empty() ? "" : ", ") + s;
    throw UsageError("unknown operation '" + id + "'" +
                     (hint.empty() ? "" : " (did you mean " + hint + "?)"));
  }
  auto state = openState(ctx.config);
  const std::string connName = chosenConnection(ctx, *state, args);
  auto it = ctx.config.connections.find(connName);
  if (it->second.app != op->app)
    throw UsageError("connection '" + connName + "' is for " + it->second.app + ", not " + op->app);
  JsonDoc inputs(rapidjson::kObjectType);
  auto& a = inputs.GetAllocator();
  for (const auto& pair : args.all("with")) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos) throw UsageError("--with takes key=value, found '" + pair + "'");
    const std::string key = pair.substr(0, eq), text = pair.substr(eq + 1);
    if (!op->input(key))
      throw UsageError(op->fullId() + " has no input '" + key + "' (see sluice ops show " +
                       op->fullId() + ")");
    JsonDoc v;
    JsonValue value = parseJson(text, v) ? jsonString(text, a) : JsonValue(v, a);
    inputs.AddMember(jsonString(key, a), value, a);
  }
  OneShotClients one(ctx, state.get());
  ClientRegistry& clients = *one.registry;
  const ApiResult r = clients.get(connName).call(*op, inputs, nullptr, args.get("idempotency-key"));
  if (r.outcome != Outcome::Ok) {
    io.err << "sluice: " << Logger::instance().mask(r.error) << " (" << toString(r.outcome)
           << ")\n";
    return EXIT_UNAVAILABLE;
  }
  io.out << (r.json ? Logger::instance().mask(toJson(*r.json, true)) : "(empty response)") << "\n";
  return EXIT_OK;
}

}  // namespace sluice::cli
