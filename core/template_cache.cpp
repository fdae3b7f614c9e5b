#include "core/template_cache.h"

namespace sluice {

std::shared_ptr<const Template> TemplateCache::compile(const std::string& source) {
  if (source.find("{{") == std::string::npos)
    return std::make_shared<const Template>(Template::compile(source));
  auto& shared = compiled_[source];
  if (!shared) shared = std::make_shared<const Template>(Template::compile(source));
  return shared;
}

}  // namespace sluice
