#include "config/diagnostics.h"

#include <algorithm>
#include <tuple>

namespace sluice {

namespace {

bool before(const ConfigError& a, const ConfigError& b) {
  return std::tie(a.where().file, a.where().line, a.where().column) <
         std::tie(b.where().file, b.where().line, b.where().column);
}

// The first mistake's location and every message below it, so what() reads as a list.
std::string listed(const std::vector<ConfigError>& errors) {
  std::string text = errors.front().message();
  for (size_t i = 1; i < errors.size(); ++i) text += std::string("\n") + errors[i].what();
  return text + "\n" + std::to_string(errors.size()) + " errors";
}

}  // namespace

ConfigErrors::ConfigErrors(std::vector<ConfigError> errors)
    : ConfigError(errors.front().where(), listed(errors)), errors_(std::move(errors)) {}

void Diagnostics::throwIfAny() const {
  if (errors_.empty()) return;
  std::vector<ConfigError> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(), before);
  std::vector<ConfigError> once;
  for (const auto& e : sorted)
    if (once.empty() || std::string(once.back().what()) != e.what()) once.push_back(e);
  if (once.size() == 1) throw once.front();
  throw ConfigErrors(std::move(once));
}

void reportUnknownKeys(const YamlMap& map, Diagnostics& diag) {
  for (const auto& e : map.unknownKeys()) diag.add(ConfigError(e.where(), e.message()));
}

}  // namespace sluice
