// The `settings:` block of sluice.yaml: how `sluice run` schedules, retries and serves. Each
// setting's default is the one in RunSettings (config.h); this parser only reads and checks.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/yaml_reader.h"

namespace sluice {

// warnings: what is allowed but worth saying (demo_mode). Errors name file:line:col. env
// resolves console_token's {env: NAME} (defaults to the process environment).
RunSettings parseRunSettings(YamlMap& map, const std::string& file,
                             std::vector<Diagnostic>& warnings,
                             const std::map<std::string, std::string>* env = nullptr);

}  // namespace sluice
