// The mistakes of one config file, all of them: loading goes on past a bad connection, flow,
// trigger, step, input or key wherever what follows does not depend on it, so one run of
// `sluice check` names every mistake, in file order, each once, then the count. Warnings (what
// is allowed but probably not meant: demo_mode, a template reading a field its source does not
// have) are kept beside the errors and never fail a load.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/yaml_reader.h"

namespace sluice {

enum class Severity { Error, Warning };

// One thing `sluice check` says about the file: how bad, where, and what (with a suggestion
// where one is close).
struct Diagnostic {
  Severity severity = Severity::Error;
  SourceLocation where;
  std::string message;

  // "file:line:col: message" (as an error's what()).
  std::string str() const;
  // "file:line:col: error: message" or "...: warning: message", for a list that mixes both.
  std::string tagged() const;
};

// Sorted by place in the file (stable: same place keeps the order found), each once.
std::vector<Diagnostic> inFileOrder(std::vector<Diagnostic> diagnostics);
// "4 errors, 1 warning", "1 error", "2 warnings"; "" for none.
std::string countLine(const std::vector<Diagnostic>& diagnostics);

// Several mistakes of one file. what() is every one as "file:line:col: message" on a line of
// its own, in file order, then the count; errors() has them one by one.
class ConfigErrors : public ConfigError {
 public:
  explicit ConfigErrors(std::vector<ConfigError> errors);
  const std::vector<ConfigError>& errors() const { return errors_; }

 private:
  std::vector<ConfigError> errors_;
};

class Diagnostics {
 public:
  // Runs f; a ConfigError it throws is kept (and false returned) instead of ending the load.
  template <typename F>
  bool attempt(F&& f) {
    try {
      std::forward<F>(f)();
      return true;
    } catch (const ConfigErrors& e) {
      for (const auto& one : e.errors()) add(one);
    } catch (const ConfigError& e) {
      add(e);
    }
    return false;
  }
  void add(const ConfigError& error) { errors_.push_back(error); }
  // Takes every mistake and warning of other after this one's.
  void merge(Diagnostics&& other);
  void warn(SourceLocation where, std::string message);
  bool empty() const { return errors_.empty(); }

  // Nothing when no mistake was kept; the one mistake as it was thrown; or ConfigErrors with
  // all of them in file order, each once. Warnings are not mistakes.
  void throwIfAny() const;
  // Errors and warnings together, in file order, each once.
  std::vector<Diagnostic> all() const;
  const std::vector<Diagnostic>& warnings() const { return warnings_; }

 private:
  std::vector<ConfigError> errors_;
  std::vector<Diagnostic> warnings_;
};

// Every key of the map no accessor asked for, each a mistake of its own.
void reportUnknownKeys(const YamlMap& map, Diagnostics& diag);

}  // namespace sluice
