// The template language of catalog requests and flow mappings: text with {{ expressions }}.
//
//   "Hello {{trigger.name | default('there') | upper}}"
//   "{{steps.0.contact.id}}"           a lone expression keeps its JSON type (number, array...)
//
// An expression is a dotted path (trigger.metadata.plan, steps.upsert.contact.id, items.0)
// followed by filters: default(x) lower upper trim join(sep) split(sep) number(decimals)
// divide(n) date(format) json first last size. split turns "a, b" into ["a", "b"] (parts
// trimmed, empty ones dropped); join does the reverse. Templates are compiled once at load and
// rendered many times; compile errors name the column.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/json.h"

namespace sluice {

// What a template can read: named roots (trigger, steps, connection, inputs, ...).
class TemplateScope {
 public:
  virtual ~TemplateScope() = default;
  // The value of root, or nullptr when the root is unknown.
  virtual const JsonValue* root(const std::string& name) const = 0;
};

// A scope over a fixed set of roots owned elsewhere.
class MapScope : public TemplateScope {
 public:
  void set(const std::string& name, const JsonValue* value);
  const JsonValue* root(const std::string& name) const override;

 private:
  std::vector<std::pair<std::string, const JsonValue*>> roots_;
};

struct TemplateFilter {
  std::string name;
  std::vector<std::string> args;  // literal arguments, unquoted
};

struct TemplateExpr {
  std::vector<std::string> path;  // e.g. {"trigger", "metadata", "plan"}
  std::vector<TemplateFilter> filters;
  std::string source;  // the text between the braces, for messages
};

class Template {
 public:
  Template() = default;
  // Throws TemplateError naming the column of the problem.
  static Template compile(const std::string& text);

  // True when the text has no {{ }} at all.
  bool isLiteral() const { return exprs_.empty(); }
  // True when the text is exactly one expression: rendering keeps the value's JSON type.
  bool isSingleExpression() const;
  const std::string& source() const { return source_; }
  const std::vector<TemplateExpr>& expressions() const { return exprs_; }

  // Renders into a JSON value (typed for a single expression, else a string).
  JsonValue render(const TemplateScope& scope, JsonAlloc& alloc) const;
  // Renders as text.
  std::string renderText(const TemplateScope& scope) const;

 private:
  // Literal text pieces interleaved with expressions: text_[0] expr_[0] text_[1] ...
  std::vector<std::string> text_;
  std::vector<TemplateExpr> exprs_;
  std::string source_;
};

// Evaluates one expression: the value (owned by alloc or by the scope) or null when missing.
JsonValue evaluateExpression(const TemplateExpr& expr, const TemplateScope& scope,
                             JsonAlloc& alloc);

// Truthiness used by conditions: missing, null, false, 0, "" and empty arrays are false.
bool jsonTruthy(const JsonValue& value);

// Upper bound of a rendered template's length; protects against hostile record data.
constexpr size_t kMaxTemplateOutput = 1 << 20;

}  // namespace sluice
