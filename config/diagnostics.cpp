#include "config/diagnostics.h"

#include <algorithm>
#include <iterator>
#include <tuple>

#include "core/text.h"

namespace sluice {

namespace {

bool before(const SourceLocation& a, const SourceLocation& b) {
  return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
}

// The first mistake's location and every message below it, so what() reads as a list.
std::string listed(const std::vector<ConfigError>& errors) {
  std::string text = errors.front().message();
  for (size_t i = 1; i < errors.size(); ++i) text += std::string("\n") + errors[i].what();
  return text + "\n" + counted(errors.size(), "error");
}

}  // namespace

std::string Diagnostic::str() const {
  return where.str() + ": " + message;
}

std::string Diagnostic::tagged() const {
  return where.str() + (severity == Severity::Error ? ": error: " : ": warning: ") + message;
}

std::vector<Diagnostic> inFileOrder(std::vector<Diagnostic> diagnostics) {
  std::stable_sort(
      diagnostics.begin(), diagnostics.end(),
      [](const Diagnostic& a, const Diagnostic& b) { return before(a.where, b.where); });
  std::vector<Diagnostic> once;
  for (auto& d : diagnostics)
    if (once.empty() || once.back().tagged() != d.tagged()) once.push_back(std::move(d));
  return once;
}

std::string countLine(const std::vector<Diagnostic>& diagnostics) {
  const auto errors = static_cast<size_t>(
      std::count_if(diagnostics.begin(), diagnostics.end(),
                    [](const Diagnostic& d) { return d.severity == Severity::Error; }));
  const size_t warnings = diagnostics.size() - errors;
  if (errors && warnings) return counted(errors, "error") + ", " + counted(warnings, "warning");
  if (errors) return counted(errors, "error");
  return warnings ? counted(warnings, "warning") : "";
}

ConfigErrors::ConfigErrors(std::vector<ConfigError> errors)
    : ConfigError(errors.front().where(), listed(errors)), errors_(std::move(errors)) {}

void Diagnostics::warn(SourceLocation where, std::string message) {
  warnings_.push_back({Severity::Warning, std::move(where), std::move(message)});
}

void Diagnostics::throwIfAny() const {
  if (errors_.empty()) return;
  std::vector<ConfigError> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const ConfigError& a, const ConfigError& b) {
    return before(a.where(), b.where());
  });
  std::vector<ConfigError> once;
  for (const auto& e : sorted)
    if (once.empty() || std::string(once.back().what()) != e.what()) once.push_back(e);
  if (once.size() == 1) throw once.front();
  throw ConfigErrors(std::move(once));
}

std::vector<Diagnostic> Diagnostics::all() const {
  std::vector<Diagnostic> out = warnings_;
  for (const auto& e : errors_) out.push_back({Severity::Error, e.where(), e.message()});
  return inFileOrder(std::move(out));
}

void reportUnknownKeys(const YamlMap& map, Diagnostics& diag) {
  for (const auto& e : map.unknownKeys()) diag.add(ConfigError(e.where(), e.message()));
}

void Diagnostics::merge(Diagnostics&& other) {
  errors_.insert(errors_.end(), std::make_move_iterator(other.errors_.begin()),
                 std::make_move_iterator(other.errors_.end()));
  warnings_.insert(warnings_.end(), std::make_move_iterator(other.warnings_.begin()),
                   std::make_move_iterator(other.warnings_.end()));
  other.errors_.clear();
  other.warnings_.clear();
}

}  // namespace sluice
