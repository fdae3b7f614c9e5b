// A JSON-shaped tree whose string leaves are templates: a catalog request body, a flow's
// `with:` mapping. Compiled from YAML once; rendered per item.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/json.h"
#include "core/template.h"
#include "core/template_cache.h"
#include "core/yaml_reader.h"

namespace sluice {

class ValueTemplate {
 public:
  enum class Kind { Null, Bool, Integer, Number, String, Object, Array };

  ValueTemplate() = default;
  // Plain YAML scalars keep their type (100 is a number, true a boolean); quoted ones are
  // strings. Template errors become located errors of the domain. With templates, strings
  // of the same text share one compiled template.
  static ValueTemplate fromYaml(const YamlNode& node, const SourceFile& file, YamlDomain domain,
                                TemplateCache* templates = nullptr);

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::Null; }
  const std::vector<std::pair<std::string, ValueTemplate>>& members() const { return members_; }
  const std::vector<ValueTemplate>& items() const { return items_; }
  // A string's template (an empty one for anything else).
  const Template& text() const;
  const SourceLocation& where() const { return where_; }

  // own's members over base's: base's members own does not name, in base's order, then own's.
  // Either may be null; anything but two maps is own.
  static ValueTemplate overlay(const ValueTemplate& base, const ValueTemplate& own);

  JsonValue render(const TemplateScope& scope, JsonAlloc& alloc) const;
  // The tree as the file wrote it: each string is its template's source ("{{trigger.email}}"),
  // for listings (the console's flow page).
  JsonValue source(JsonAlloc& alloc) const;

  // Calls fn for every template expression in the tree, with the location of its leaf.
  void forEachExpression(
      const std::function<void(const TemplateExpr&, const SourceLocation&)>& fn) const;

 private:
  Kind kind_ = Kind::Null;
  bool bool_ = false;
  long long int_ = 0;
  double number_ = 0;
  std::shared_ptr<const Template> text_;  // a string's, shared between equal strings
  std::vector<std::pair<std::string, ValueTemplate>> members_;
  std::vector<ValueTemplate> items_;
  SourceLocation where_;
};

}  // namespace sluice
