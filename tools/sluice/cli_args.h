// A small command-line parser for the sluice verbs: flags (--name value, --name=value,
// --switch), repeated flags, and positional arguments. Unknown flags are usage errors.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace sluice::cli {

struct FlagSpec {
  std::string name;  // without dashes
  bool takesValue = true;
  bool repeated = false;
  std::string help;
  char shortName = 0;
  // What the value is, shown after the flag in help and the man page and used by the shell
  // completion: FILE and DIR complete paths, "a|b|c" completes to those words.
  std::string value = "VALUE";
};

class Args {
 public:
  // Throws UsageError naming the bad flag, with a suggestion.
  Args(const std::vector<std::string>& argv, const std::vector<FlagSpec>& specs);

  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> all(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

// "  --name VALUE   help" lines for --help.
std::string flagHelp(const std::vector<FlagSpec>& specs);

}  // namespace sluice::cli
