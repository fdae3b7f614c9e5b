// `sluice ops list|show`: what the catalog offers.
#include <rapidjson/document.h>
#include <algorithm>
#include <map>
#include <ostream>

#include "catalog/catalog.h"
#include "catalog/op_filter.h"
#include "core/error.h"
#include "core/exit_codes.h"
#include "core/json.h"
#include "core/text.h"
#include "deliver/interrupted_call.h"
#include "tools/sluice/cli_args.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/table.h"

namespace sluice::cli {

namespace {

const std::vector<FlagSpec>& kListFlags = flagsOf("ops", "list");
const std::vector<FlagSpec>& kShowFlags = flagsOf("ops", "show");

void addString(JsonValue& obj, const char* key, const std::string& value, JsonAlloc& alloc) {
  obj.AddMember(rapidjson::StringRef(key), jsonString(value, alloc), alloc);
}

void addStrings(JsonValue& obj, const char* key, const std::vector<std::string>& values,
                JsonAlloc& alloc) {
  JsonValue arr(rapidjson::kArrayType);
  for (const auto& v : values) arr.PushBack(jsonString(v, alloc), alloc);
  obj.AddMember(rapidjson::StringRef(key), arr, alloc);
}

JsonValue paginationJson(const Pagination& p, JsonAlloc& alloc) {
  JsonValue obj(rapidjson::kObjectType);
  addString(obj, "style", toString(p.style), alloc);
  if (!p.preset.empty()) addString(obj, "preset", p.preset, alloc);
  if (p.style == PaginationStyle::None) return obj;
  addString(obj, "in", p.inBody ? "body" : "query", alloc);
  if (!p.pageParam.empty()) addString(obj, "page_param", p.pageParam, alloc);
  if (!p.offsetParam.empty()) addString(obj, "offset_param", p.offsetParam, alloc);
  if (!p.limitParam.empty()) addString(obj, "limit_param", p.limitParam, alloc);
  if (p.limit) obj.AddMember("limit", JsonValue(static_cast<int64_t>(p.limit)), alloc);
  if (!p.next.empty()) {
    JsonValue next(rapidjson::kObjectType);
    for (const auto& n : p.next)
      next.AddMember(jsonString(n.first, alloc), jsonString(n.second, alloc), alloc);
    obj.AddMember("next", next, alloc);
  }
  if (!p.hasMore.empty()) addString(obj, "has_more", p.hasMore, alloc);
  obj.AddMember("max_pages", JsonValue(static_cast<int64_t>(p.maxPages)), alloc);
  return obj;
}

JsonValue operationJson(const Operation& op, bool full, JsonAlloc& alloc) {
  JsonValue obj(rapidjson::kObjectType);
  addString(obj, "id", op.fullId(), alloc);
  addString(obj, "app", op.app, alloc);
  addString(obj, "category", op.category, alloc);
  addString(obj, "name", op.name, alloc);
  addStrings(obj, "aliases", op.aliases, alloc);
  addString(obj, "kind", toString(op.kind), alloc);
  addString(obj, "method", op.request.method, alloc);
  addString(obj, "path", op.request.path, alloc);
  addStrings(obj, "scopes", op.scopes, alloc);
  addString(obj, "description", op.description, alloc);
  addString(obj, "status", op.status, alloc);
  if (!full) return obj;
  JsonValue inputs(rapidjson::kArrayType);
  for (const auto& in : op.inputs) {
    JsonValue i(rapidjson::kObjectType);
    addString(i, "name", in.name, alloc);
    addString(i, "in", toString(in.in), alloc);
    addString(i, "type", toString(in.type), alloc);
    i.AddMember("required", in.required, alloc);
    if (!in.field.empty()) addString(i, "field", in.field, alloc);
    if (!in.enumValues.empty()) addStrings(i, "enum", in.enumValues, alloc);
    addString(i, "description", in.description, alloc);
    inputs.PushBack(i, alloc);
  }
  obj.AddMember("inputs", inputs, alloc);
  if (op.kind == OpKind::Trigger) {
    JsonValue t(rapidjson::kObjectType);
    addString(t, "records", op.records, alloc);
    addString(t, "shape", op.shape == RecordShape::Single ? "single" : "list", alloc);
    addString(t, "record_id", op.recordId, alloc);
    addString(t, "detect", toString(op.detect), alloc);
    if (!op.version.empty()) addString(t, "version", op.version, alloc);
    if (!op.orderBy.empty()) addString(t, "order_by", op.orderBy, alloc);
    if (op.order != SortOrder::Unknown)
      addString(t, "order", op.order == SortOrder::Asc ? "asc" : "desc", alloc);
    t.AddMember("paginate", paginationJson(op.paginate, alloc), alloc);
    if (op.window) {
      JsonValue w(rapidjson::kObjectType);
      addString(w, "start", op.window->startInput, alloc);
      addString(w, "end", op.window->endInput, alloc);
      addString(w, "format", op.window->format, alloc);
      w.AddMember("back_ms", JsonValue(static_cast<int64_t>(op.window->backMs)), alloc);
      w.AddMember("ahead_ms", JsonValue(static_cast<int64_t>(op.window->aheadMs)), alloc);
      t.AddMember("window", w, alloc);
    }
    obj.AddMember("trigger", t, alloc);
  }
  JsonValue ex(rapidjson::kArrayType);
  for (const auto& e : op.specExceptions) {
    JsonValue x(rapidjson::kObjectType);
    addString(x, "check", e.check, alloc);
    addString(x, "reason", e.reason, alloc);
    ex.PushBack(x, alloc);
  }
  obj.AddMember("spec_exceptions", ex, alloc);
  return obj;
}

int listOps(const std::vector<std::string>& argv, Io io) {
  Args args(argv, kListFlags);
  if (args.has("help")) {
    io.out << usageHelp("ops", "list");
    return EXIT_OK;
  }
  if (!args.positional().empty())
    throw UsageError("ops list takes no arguments, found '" + args.positional()[0] + "'");
  const std::string kind = args.get("kind");
  if (!kind.empty() && kind != "trigger" && kind != "action")
    throw UsageError("--kind must be trigger or action, found '" + kind + "'");
  const Catalog catalog = Catalog::load(args.get("catalog", Catalog::defaultRoot()));
  const std::string appFilter = args.get("app");
  if (!appFilter.empty() && !catalog.app(appFilter)) {
    std::string known;
    for (const auto& a : catalog.apps()) known += (known.empty() ? "" : ", ") + a.id;
    throw UsageError("unknown app '" + appFilter + "' (known: " + known + ")");
  }
  const std::vector<const Operation*> selected =
      filterOps(catalog, {appFilter, kind, args.get("category"), args.get("search")});
  if (args.has("json")) {
    JsonDoc doc(rapidjson::kArrayType);
    for (const auto* op : selected)
      doc.PushBack(operationJson(*op, false, doc.GetAllocator()), doc.GetAllocator());
    io.out << toJson(doc, true) << "\n";
    return EXIT_OK;
  }
  // The id is what one copies: never cut; the path and the name are, on a narrow terminal.
  Table table({Column::fixed("ID"), Column::fixed("KIND"), Column::fixed("METHOD"),
               Column::shrink("PATH", 16), Column::shrink("NAME", 16)});
  std::map<std::string, std::map<std::string, int>> counts;  // app -> key -> n
  for (const auto* op : selected) {
    table.add({op->fullId(), toString(op->kind), op->request.method, op->request.path, op->name});
    auto& c = counts[op->app];
    c["total"]++;
    c[std::string("kind:") + toString(op->kind)]++;
    c["category:" + op->category]++;
  }
  table.print(io.out, stdoutTerminal());
  io.out << "\n" << selected.size() << " operations\n";
  for (const auto& [app, c] : counts) {
    int categories = 0;
    for (const auto& [k, n] : c)
      if (k.rfind("category:", 0) == 0) ++categories;
    io.out << "  " << app << ": " << c.at("total") << " operations, "
           << (c.count("kind:trigger") ? c.at("kind:trigger") : 0) << " triggers, "
           << (c.count("kind:action") ? c.at("kind:action") : 0) << " actions, " << categories
           << " categories (";
    bool first = true;
    for (const auto& [k, n] : c)
      if (k.rfind("category:", 0) == 0) {
        io.out << (first ? "" : ", ") << k.substr(9) << " " << n;
        first = false;
      }
    io.out << ")\n";
  }
  return EXIT_OK;
}

// An operation's inputs, four spaces in: names whole, descriptions cut to the terminal.
Table inputsTable(const Operation& op) {
  Table table({Column::fixed("NAME"), Column::fixed("IN"), Column::fixed("TYPE"),
               Column::fixed("REQUIRED"), Column::shrink("DESCRIPTION", 16)},
              4);
  for (const auto& in : op.inputs) {
    std::string description = in.description;
    for (size_t i = 0; i < in.enumValues.size(); ++i)
      description += (i ? "|" : description.empty() ? "[" : " [") + in.enumValues[i];
    if (!in.enumValues.empty()) description += "]";
    table.add(
        {in.name, toString(in.in), toString(in.type), in.required ? "yes" : "no", description});
  }
  return table;
}

// What the dispatcher does with this action when the process stopped while its call was out.
std::string afterInterruption(const Operation& op, const Catalog& catalog) {
  const App& app = *catalog.app(op.app);
  switch (interruptionRule(op, app)) {
    case Interruption::Deduped:
      return "sent again with the same " + app.idempotencyHeader + " (the API dedupes it)";
    case Interruption::LookedUp: {
      std::string match;
      for (const auto& [pointer, value] : op.lookup->match)
        match += (match.empty() ? "with " : ", ") + pointer + " = " + value.source();
      if (!op.lookup->sentInputs.empty())
        match += (match.empty() ? "" : " and ") + std::string("holding every field it sent") +
                 (op.lookup->sentArraysContain ? " (lists: at least the sent members)" : "");
      return "looked up with " + op.app + "." + op.lookup->op + " (a record " + match +
             "); sent again only if none is found";
    }
    case Interruption::Repeated:
      return "sent again without a look (idempotent, and no lookup to tell whether it landed: "
             "the API sees a second write)";
    case Interruption::DeadLetter:
      break;
  }
  return "not sent again: a dead letter for a human to check";
}

// What one poll of a trigger reads: what is new, or (with the catalog's reason) everything.
std::string pollCost(const Operation& op) {
  if (op.shape == RecordShape::Single) return "one record";
  if (!op.orderBy.empty() && op.order == SortOrder::Desc)
    return "what is new: newest first by " + op.orderBy +
           ", stopping at the first record the last sweep passed";
  if (op.since)
    return "what is new: " + op.since->input + " from the newest " + op.orderBy + " seen, less " +
           std::to_string(op.since->backMs / 1000) + " s";
  if (op.window) return "the records of a time window (below)";
  if (!op.fullSweep.empty()) return "the whole list on every sweep: " + op.fullSweep;
  return "the whole list on every sweep";
}

// The trigger part of `ops show`: records, id, detection, order, pagination, what a poll reads.
void printTrigger(const Operation& op, const JsonValue& paginate, std::ostream& out) {
  out << "  trigger:\n"
      << "    records:  " << (op.records.empty() ? "(whole response)" : op.records)
      << (op.shape == RecordShape::Single ? " (one record)" : "") << "\n"
      << "    id:       " << (op.recordId.empty() ? "(none)" : op.recordId) << "\n"
      << "    detects:  " << toString(op.detect);
  if (op.detect != DetectMode::New)
    out << " by " << (op.version.empty() ? "content hash" : "version " + op.version);
  out << "\n";
  if (!op.orderBy.empty())
    out << "    order:    " << op.orderBy
        << (op.order == SortOrder::Desc  ? " (newest first)"
            : op.order == SortOrder::Asc ? " (oldest first)"
                                         : "")
        << "\n";
  out << "    paginate: " << toJson(paginate) << "\n";
  out << "    a poll reads: " << pollCost(op) << "\n";
  if (op.window)
    out << "    window:   " << op.window->startInput << " = now - " << op.window->backMs / 1000
        << " s, " << op.window->endInput << " = now + " << op.window->aheadMs / 1000 << " s ("
        << op.window->format << "), unless the flow sets them\n";
}

int showOp(const std::vector<std::string>& argv, Io io) {
  Args args(argv, kShowFlags);
  if (args.has("help")) {
    io.out << usageHelp("ops", "show");
    return EXIT_OK;
  }
  if (args.positional().size() != 1)
    throw UsageError("ops show takes one operation id, e.g. ghl.contacts.get_contact");
  const Catalog catalog = Catalog::load(args.get("catalog", Catalog::defaultRoot()));
  const std::string id = args.positional()[0];
  const Operation* op = catalog.find(id);
  if (!op) {
    std::string hint;
    for (const auto& s : catalog.suggest(id)) hint += (hint.empty() ? "" : ", ") + s;
    throw UsageError("unknown operation '" + id + "'" +
                     (hint.empty() ? "" : " (did you mean " + hint + "?)"));
  }
  JsonDoc doc;
  JsonValue obj = operationJson(*op, true, doc.GetAllocator());
  if (op->kind == OpKind::Action)
    addString(obj, "after_interruption", afterInterruption(*op, catalog), doc.GetAllocator());
  else
    addString(obj, "poll_reads", pollCost(*op), doc.GetAllocator());
  if (args.has("json")) {
    io.out << toJson(obj, true) << "\n";
    return EXIT_OK;
  }
  io.out << op->fullId() << "  " << op->name << "  (" << toString(op->kind) << ", " << op->status
         << ")\n";
  if (!op->aliases.empty()) {
    io.out << "  aliases:  ";
    for (size_t i = 0; i < op->aliases.size(); ++i) io.out << (i ? ", " : "") << op->aliases[i];
    io.out << "\n";
  }
  io.out << "  " << op->description << "\n";
  io.out << "  request:  " << op->request.method << " " << op->request.path << "\n";
  io.out << "  scopes:   ";
  for (size_t i = 0; i < op->scopes.size(); ++i) io.out << (i ? ", " : "") << op->scopes[i];
  io.out << "\n  inputs:\n";
  if (op->inputs.empty())
    io.out << "    (none)\n";
  else
    inputsTable(*op).print(io.out, stdoutTerminal());
  if (op->kind == OpKind::Trigger) printTrigger(*op, obj["trigger"]["paginate"], io.out);
  if (op->kind == OpKind::Action)
    io.out << "  if interrupted: " << afterInterruption(*op, catalog) << "\n";
  for (const auto& e : op->specExceptions)
    io.out << "  spec exception (" << e.check << "): " << e.reason << "\n";
  return EXIT_OK;
}

}  // namespace

int opsCommand(const std::vector<std::string>& args, Io io) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    io.out << subVerbsHelp("ops");
    return args.empty() ? EXIT_USAGE : EXIT_OK;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "list") return listOps(rest, io);
  if (args[0] == "show") return showOp(rest, io);
  if (args[0] == "call") return opsCallCommand(rest, io);
  throw UsageError("unknown ops verb '" + args[0] + "' (expected list, show or call)");
}

}  // namespace sluice::cli
