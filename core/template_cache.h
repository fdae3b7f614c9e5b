// Compiled templates shared by their text while a file is read: 100,000 flows that all say
// "{{trigger.email}}" hold one compiled template between them, not 100,000 copies. A
// compiled template never changes, so flows and threads share it safely.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "core/template.h"

namespace sluice {

class TemplateCache {
 public:
  // The template for source, compiled once per text (throws TemplateError like compile()).
  // Text without an expression is compiled on its own each time: such text is mostly unique
  // (an email, an id), and keeping it here would only hold a copy of each.
  std::shared_ptr<const Template> compile(const std::string& source);

 private:
  std::unordered_map<std::string, std::shared_ptr<const Template>> compiled_;
};

}  // namespace sluice
