#include "tools/sluice/command_table.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "tools/sluice/context.h"

namespace sluice::cli {

namespace {

const char* const kCatalogHelp =
    "catalog folder: one sub-folder per app (default: $SLUICE_CATALOG, ./apps, or the installed "
    "catalog)";

FlagSpec catalogFlag() {
  return {"catalog", true, false, kCatalogHelp, 0, "DIR"};
}
FlagSpec helpFlag() {
  return {"help", false, false, "show this help", 'h'};
}
FlagSpec jsonFlag(const std::string& help = "print JSON") {
  return {"json", false, false, help};
}
// Per-tenant flows (agency connections): only this sub-account's or connected account's.
FlagSpec tenantFlag() {
  return {"tenant", true, false, "only this tenant's flows (a sub-account or account id)", 0, "ID"};
}

std::vector<Usage> opsUsages() {
  return {
      {"list",
       "ops list [--app A] [--kind K] [--category C] [--search T] [--json]",
       "the catalog's operations, with counts by app, kind and category",
       {{"app", true, false, "only this app (ghl, stripe)", 0, "APP"},
        {"kind", true, false, "trigger or action", 0, "trigger|action"},
        {"category", true, false, "only this category (contacts, payments, ...)", 0, "CATEGORY"},
        {"search", true, false, "text in the id, name, aliases, description or path", 0, "TEXT"},
        jsonFlag("print a JSON array"),
        catalogFlag(),
        helpFlag()},
       ""},
      {"show",
       "ops show OP [--json]",
       "one operation: request, inputs, scopes, pagination, what it detects",
       {jsonFlag(), catalogFlag(), helpFlag()},
       "OP"},
      {"call", "ops call OP --connection NAME -c FILE [--tenant ID] [--with KEY=VALUE ...]",
       "calls one action by hand (values may be JSON); on an agency connection, --tenant ID "
       "calls it in that sub-account or connected account",
       configFlags(
           {{"connection", true, false, "connection name from the file", 0, "NAME"},
            {"with", true, true, "input as key=value (JSON values allowed)", 'w', "KEY=VALUE"},
            {"idempotency-key", true, false, "key to send (default: none)", 0, "KEY"},
            {"tenant", true, false,
             "on an agency connection: act in this sub-account or connected account", 0, "ID"}}),
       "OP"},
  };
}

// What runs and shows the flows.
std::vector<Verb> flowVerbs() {
  return {
      {"run",
       "run -c FILE [--once]",
       "poll and deliver until stopped (SIGHUP reloads FILE)",
       runCommand,
       {{"", "run -c FILE [--once] [--log-level LEVEL] [--log-file PATH]",
         "the scheduler: polls due triggers and delivers new items until SIGTERM or SIGINT "
         "(finishing the work in flight); SIGHUP reloads FILE (read, and the new runner "
         "built, while the flows run; they pause only for the switch; a file with mistakes "
         "changes nothing) and keeps cursors; SIGHUP and "
         "SIGUSR1 reopen the log file (for logrotate)",
         configFlags({{"once", false, false, "poll every flow once, deliver what is due, exit"},
                      {"log-level", true, false,
                       "debug, info, warn or error (default info: a line per poll that found "
                       "something, per delivery, and a summary a minute; debug adds each step "
                       "and every poll)",
                       0, "debug|info|warn|error"},
                      {"log-file", true, false,
                       "append the log to PATH instead of stderr (reopened on SIGHUP and SIGUSR1)",
                       0, "PATH"}}),
         ""}}},
      {"check",
       "check -c FILE",
       "validate FILE against the catalog, offline",
       checkCommand,
       {{"", "check -c FILE", "validates FILE against the catalog, offline", configFlags({}), ""}}},
      {"test",
       "test -c FILE FLOW",
       "fetch sample items and show what would fire; moves nothing",
       testCommand,
       {{"", "test -c FILE FLOW [--tenant ID] [-n N]",
         "fetches sample items and shows what would fire and each step's inputs; moves no "
         "cursor, calls no action; a per-tenant flow is tested in one tenant (--tenant ID or "
         "FLOW@ID)",
         configFlags({{"limit", true, false, "items to show (default 3)", 'n', "N"}, tenantFlag()}),
         "FLOW"}}},
      {"status",
       "status -c FILE",
       "flows: last poll, next due, errors, backlog, dead letters",
       statusCommand,
       {{"", "status -c FILE [--tenant ID] [--json]",
         "each flow: last poll, next due, consecutive errors, backlog, dead letters, watermark "
         "age, state, last error; per-tenant flows with their totals, the tenants, and the "
         "deliveries "
         "waiting for a stopped tenant",
         configFlags({jsonFlag(), tenantFlag()}), ""}}},
      {"history",
       "history -c FILE [FLOW]",
       "recent polls",
       historyCommand,
       {{"", "history -c FILE [FLOW] [--tenant ID] [-n N] [--json]",
         "recent polls, newest first, flow by flow: pages, fetched, new, duplicates, duration, "
         "error",
         configFlags({{"limit", true, false, "rows per flow (default 20)", 'n', "N"},
                      {"json", false, false, "print a JSON array, one object per poll"},
                      tenantFlag()}),
         "FLOW"}}},
      {"tenants",
       "tenants -c FILE",
       "sub-accounts and connected accounts, and their state",
       tenantsCommand,
       {{"", "tenants -c FILE [--connection NAME] [--tenant ID] [--json]",
         "the tenants of the agency and platform connections (GHL sub-accounts, Stripe "
         "connected accounts) as `sluice run` last listed them: installed, uninstalled (their "
         "deliveries wait) or revoked, since when, and why",
         configFlags(
             {{"json", false, false, "print a JSON array, one object per tenant"},
              {"connection", true, false, "only this connection's tenants", 0, "NAME"},
              {"tenant", true, false, "only this tenant (a sub-account or account id)", 0, "ID"}}),
         ""}}},
  };
}

// Repairing state: dead letters and cursors.
std::vector<Verb> repairVerbs() {
  return {
      {"dlq",
       "dlq list|replay -c FILE",
       "dead letters, and sending them again",
       dlqCommand,
       {{"list", "dlq list -c FILE [--tenant ID] [-n N] [--json]",
         "dead letters with their errors, newest first (and how many there are in all when "
         "that is more than shown)",
         configFlags(
             {jsonFlag(),
              tenantFlag(),
              {"limit", true, false, "newest dead letters to read (default 1000)", 'n', "N"}}),
         ""},
        {"replay", "dlq replay -c FILE (ID... | --all | --flow NAME | --tenant ID)",
         "queues dead letters again (those given, all, or a flow's or a tenant's); steps that "
         "succeeded are not repeated",
         configFlags(
             {{"all", false, false, "replay every dead letter"},
              {"flow", true, false,
               "replay this flow's (a per-tenant flow: every tenant's, or one with "
               "--tenant or FLOW@ID)",
               0, "NAME"},
              {"tenant", true, false, "replay the dead letters of this tenant's flows", 0, "ID"}}),
         "ID"}}},
      {"cursor",
       "cursor show|reset -c FILE",
       "trigger cursors",
       cursorCommand,
       {{"show", "cursor show -c FILE [FLOW] [--tenant ID] [--json]", "a flow's trigger cursor",
         configFlags(
             {{"json", false, false, "print a JSON array, one object per flow"}, tenantFlag()}),
         "FLOW"},
        {"reset", "cursor reset -c FILE FLOW [--tenant ID]",
         "forgets a flow's cursor: the next poll seeds again and fires nothing",
         configFlags({tenantFlag()}), "FLOW"}}},
  };
}

// Connecting, pausing, migrating, and the catalog.
std::vector<Verb> setupAndCatalogVerbs() {
  return {
      {"connect",
       "connect APP -c FILE CONNECTION",
       "approve a marketplace app (OAuth) and store its tokens",
       connectCommand,
       {{"", "connect APP -c FILE CONNECTION [--code CODE] [--listen ADDR]",
         "prints the app's approval URL, takes the redirect on the connection's 127.0.0.1 "
         "redirect_uri (checking its state) or the code given with --code, and stores the "
         "tokens in the state store, sealed with settings.token_key",
         configFlags({{"code", true, false, "the code from the redirect, pasted", 0, "CODE"},
                      {"listen", true, false,
                       "where the redirect arrives (default: the "
                       "redirect_uri's 127.0.0.1 port)",
                       0, "HOST:PORT"},
                      {"timeout", true, false, "how long to wait for the redirect (default 5m)", 0,
                       "DURATION"}}),
         "APP CONNECTION"}}},
      {"flow",
       "flow pause|resume -c FILE FLOW",
       "stop a flow for a while, and start it again",
       flowCommand,
       {{"pause", "flow pause -c FILE FLOW [--tenant ID]",
         "pauses a flow (a per-tenant flow: every tenant's, or one with --tenant or FLOW@ID): its "
         "cursor stays, nothing is polled or delivered for it, its waiting items stay queued "
         "(every `sluice run` on the store notices on its next pass)",
         configFlags({tenantFlag()}), "FLOW"},
        {"resume", "flow resume -c FILE FLOW [--tenant ID]",
         "resumes a paused flow: polling and its waiting deliveries start again",
         configFlags({tenantFlag()}), "FLOW"}}},
      {"migrate",
       "migrate -c FILE",
       "apply the state store's schema migrations (PostgreSQL)",
       migrateCommand,
       {{"", "migrate -c FILE",
         "applies the state store's schema migrations (PostgreSQL: once per upgrade, before "
         "sluice run)",
         configFlags({}), ""}}},
      {"ops", "ops list|show|call", "what the catalog offers; call one action by hand", opsCommand,
       opsUsages()},
      {"catalog",
       "catalog check",
       "validate the catalog against its schema and the vendor specs",
       catalogCommand,
       {{"check",
         "catalog check [--specs DIR | --no-specs]",
         "validates the catalog and checks every operation against the vendors' OpenAPI specs "
         "(the schema only when the specs are not at hand)",
         {catalogFlag(),
          {"specs", true, false, "vendor OpenAPI specs folder (default: ../shared/specs)", 0,
           "DIR"},
          {"no-specs", false, false, "skip the check against the vendor specs"},
          {"verbose", false, false,
           "also list the declared spec exceptions, and the list triggers that read their whole "
           "list",
           'v'},
          helpFlag()},
         ""}}},
  };
}

std::vector<Verb> makeVerbs() {
  std::vector<Verb> verbs = flowVerbs();
  for (auto more : {repairVerbs, setupAndCatalogVerbs})
    for (Verb& verb : more()) verbs.push_back(std::move(verb));
  return verbs;
}

}  // namespace

std::vector<FlagSpec> configFlags(std::vector<FlagSpec> more) {
  std::vector<FlagSpec> flags = {
      {"config", true, false, "the sluice file (default: sluice.yaml)", 'c', "FILE"},
      catalogFlag(),
      helpFlag(),
  };
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

const std::vector<Verb>& verbs() {
  static const std::vector<Verb> table = makeVerbs();
  return table;
}

const Verb* findVerb(const std::string& name) {
  for (const Verb& verb : verbs())
    if (verb.name == name) return &verb;
  return nullptr;
}

namespace {

const Usage& usageOf(const std::string& verb, const std::string& sub) {
  if (const Verb* v = findVerb(verb))
    for (const Usage& usage : v->usages)
      if (usage.name == sub) return usage;
  throw std::logic_error("no usage 'sluice " + verb + " " + sub + "' in the command table");
}

// text in lines of at most `width` columns, broken between words.
std::string paragraph(const std::string& text, size_t width) {
  std::string out, line;
  for (size_t at = 0; at < text.size();) {
    const size_t end = std::min(text.find(' ', at), text.size());
    const std::string word = text.substr(at, end - at);
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      out += line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
    at = end + 1;
  }
  return out + line + "\n";
}

}  // namespace

const std::vector<FlagSpec>& flagsOf(const std::string& verb, const std::string& sub) {
  return usageOf(verb, sub).flags;
}

std::string summarySentence(const Usage& usage) {
  std::string text = usage.summary;
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text + ".";
}

std::string usageHelp(const std::string& verb, const std::string& sub) {
  const Usage& usage = usageOf(verb, sub);
  return "usage: sluice " + usage.synopsis + "\n\n" + paragraph(summarySentence(usage), 92) + "\n" +
         flagHelp(usage.flags);
}

std::string subVerbsHelp(const std::string& verb) {
  const Verb* v = findVerb(verb);
  if (!v) throw std::logic_error("no verb 'sluice " + verb + "' in the command table");
  std::string out;
  for (const Usage& usage : v->usages)
    out += std::string(out.empty() ? "usage: " : "       ") + "sluice " + usage.synopsis + "\n";
  return out;
}

}  // namespace sluice::cli
