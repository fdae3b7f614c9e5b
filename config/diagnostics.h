// The mistakes of one config file, all of them: loading goes on past a bad connection, flow,
// trigger, step, input or key wherever what follows does not depend on it, so one run of
// `sluice check` names every mistake, in file order, each once.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/yaml_reader.h"

namespace sluice {

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
  bool empty() const { return errors_.empty(); }

  // Nothing when no mistake was kept; the one mistake as it was thrown; or ConfigErrors with
  // all of them in file order, each once.
  void throwIfAny() const;

 private:
  std::vector<ConfigError> errors_;
};

// Every key of the map no accessor asked for, each a mistake of its own.
void reportUnknownKeys(const YamlMap& map, Diagnostics& diag);

}  // namespace sluice
