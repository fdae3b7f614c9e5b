// Conditions for a flow's `filter:` and a step's `if:`.
//
//   "{{trigger.metadata.plan}} != ''"
//   "{{trigger.amount_due}} > 50000 && {{trigger.currency}} == 'usd'"
//   "{{trigger.email}}"                        truthy: present and not empty/0/false
//
// Operands are template expressions, quoted strings or numbers; operators == != > >= < <=
// contains, joined by && and || (&& binds tighter). Numbers compare as numbers when both
// sides are numeric, otherwise as text.
#pragma once

#include <string>
#include <vector>

#include "core/template.h"

namespace sluice {

class Condition {
 public:
  Condition() = default;
  // Throws TemplateError naming the problem.
  static Condition compile(const std::string& text);

  bool empty() const { return clauses_.empty(); }
  bool evaluate(const TemplateScope& scope) const;
  const std::string& source() const { return source_; }
  // Every template expression, for validation of references.
  std::vector<const TemplateExpr*> expressions() const;

  struct Operand {
    bool isTemplate = false;
    Template expr;     // when isTemplate
    std::string text;  // literal
  };
  struct Comparison {
    Operand left;
    std::string op;  // "" = truthiness of left
    Operand right;
  };

 private:
  // OR of ANDs.
  std::vector<std::vector<Comparison>> clauses_;
  std::string source_;
};

}  // namespace sluice
