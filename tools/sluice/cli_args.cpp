#include "tools/sluice/cli_args.h"

#include "core/error.h"

namespace sluice::cli {

namespace {
const FlagSpec* findFlag(const std::vector<FlagSpec>& specs, const std::string& name) {
  for (const auto& s : specs)
    if (s.name == name || (name.size() == 1 && s.shortName == name[0])) return &s;
  return nullptr;
}

std::string closest(const std::vector<FlagSpec>& specs, const std::string& name) {
  std::string best;
  size_t bestScore = 0;
  for (const auto& s : specs) {
    size_t common = 0;
    while (common < s.name.size() && common < name.size() && s.name[common] == name[common])
      ++common;
    if (common > bestScore) {
      bestScore = common;
      best = s.name;
    }
  }
  return bestScore >= 2 ? best : "";
}
}  // namespace

Args::Args(const std::vector<std::string>& argv, const std::vector<FlagSpec>& specs) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--") {
      positional_.insert(positional_.end(), argv.begin() + i + 1, argv.end());
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      positional_.push_back(arg);
      continue;
    }
    std::string name = arg.substr(arg[1] == '-' ? 2 : 1);
    std::optional<std::string> inlineValue;
    const size_t eq = name.find('=');
    if (eq != std::string::npos) {
      inlineValue = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const FlagSpec* spec = findFlag(specs, name);
    if (!spec) {
      const std::string hint = closest(specs, name);
      throw UsageError("unknown option '" + arg + "'" +
                       (hint.empty() ? "" : " (did you mean --" + hint + "?)"));
    }
    std::string value = "true";
    if (spec->takesValue) {
      if (inlineValue) {
        value = *inlineValue;
      } else if (i + 1 < argv.size()) {
        value = argv[++i];
      } else {
        throw UsageError("option --" + spec->name + " needs a value");
      }
    } else if (inlineValue) {
      throw UsageError("option --" + spec->name + " takes no value");
    }
    auto& slot = values_[spec->name];
    if (!spec->repeated) slot.clear();
    slot.push_back(value);
  }
}

std::string Args::get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  return it == values_.end() || it->second.empty() ? fallback : it->second.back();
}

std::vector<std::string> Args::all(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::string flagHelp(const std::vector<FlagSpec>& specs) {
  std::string out;
  for (const auto& s : specs) {
    std::string left = "  ";
    left += s.shortName ? std::string("-") + s.shortName + ", " : "    ";
    left += "--" + s.name + (s.takesValue ? " " + s.value : "");
    if (left.size() < 30) left.resize(30, ' ');
    out += left + " " + s.help + "\n";
  }
  return out;
}

}  // namespace sluice::cli
