#include "config/template_typing.h"

#include <filesystem>
#include <map>

#include "catalog/record_fields.h"
#include "core/file_text.h"

namespace sluice {

namespace {

// The record fields of the apps the config uses, read from each app's records.json once.
class FieldsByOp {
 public:
  explicit FieldsByOp(const Catalog& catalog) : catalog_(catalog) {}

  // nullptr when the catalog holds none for the operation (no warnings then).
  const RecordFields* find(const std::string& opId) {
    const Operation* op = catalog_.find(opId);
    if (!op) return nullptr;
    auto loaded = byApp_.find(op->app);
    if (loaded == byApp_.end()) loaded = byApp_.emplace(op->app, load(op->app)).first;
    const auto it = loaded->second.find(opId);
    return it == loaded->second.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, RecordFields> load(const std::string& appId) {
    const App* app = catalog_.app(appId);
    const auto text = readFileText((std::filesystem::path(app->folder) / "records.json").string());
    if (!text) return {};
    return parseRecordFieldsJson(*text);
  }

  const Catalog& catalog_;
  std::map<std::string, std::map<std::string, RecordFields>> byApp_;
};

struct FlowTyping {
  const FlowConfig& flow;
  FieldsByOp& fields;
  std::vector<Diagnostic>& warnings;

  // The operation a `steps.X` reference reads the answer of, "" when X is not a step.
  std::string stepOp(const std::string& ref) const {
    for (size_t i = 0; i < flow.steps.size(); ++i)
      if (ref == std::to_string(i) || (!flow.steps[i].name.empty() && ref == flow.steps[i].name))
        return flow.steps[i].op;
    return "";
  }

  void check(const TemplateExpr& e, const SourceLocation& where, const std::string& place) {
    const auto& path = e.path;
    std::string op;
    size_t from = 0;
    if (path[0] == "trigger") {
      op = flow.trigger.op;
      from = 1;
    } else if (path[0] == "steps" && path.size() > 1) {
      op = stepOp(path[1]);
      from = 2;
    }
    const RecordFields* source = op.empty() ? nullptr : fields.find(op);
    if (!source) return;
    const auto miss = missingField(*source, path, from);
    if (!miss) return;
    const std::string what = from == 1 ? op + " records have" : "the answer of " + op + " has";
    warnings.push_back(
        {Severity::Warning, where,
         place + ": '{{" + e.source + "}}': " + what + " no field '" + path[miss->index] + "'" +
             (miss->suggestion.empty() ? "" : " (did you mean " + miss->suggestion + "?)")});
  }
};

}  // namespace

std::vector<Diagnostic> typeTemplates(const Config& config, const Catalog& catalog) {
  std::vector<Diagnostic> warnings;
  FieldsByOp fields(catalog);
  for (const auto& flow : config.flows) {
    FlowTyping typing{flow, fields, warnings};
    const std::string label = "flow " + flow.name;
    for (const auto* e : flow.filter.expressions()) typing.check(*e, flow.where, label + " filter");
    for (size_t i = 0; i < flow.steps.size(); ++i) {
      const StepConfig& step = flow.steps[i];
      const std::string place = label + " step " + std::to_string(i);
      for (const auto* e : step.when.expressions()) typing.check(*e, step.where, place + " if");
      step.with.forEachExpression([&](const TemplateExpr& e, const SourceLocation& where) {
        typing.check(e, where, place);
      });
    }
  }
  return warnings;
}

}  // namespace sluice
