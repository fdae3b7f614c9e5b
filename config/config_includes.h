// `include:` in sluice.yaml: more files of `connections:` and `flows:`, for the thousands of
// flows that are generated rather than typed. Each entry is a file or a folder (its *.yaml files
// in name order), relative to the including file; every mistake in an included file names that
// file, line and column.
#pragma once

#include <string>
#include <vector>

#include "config/diagnostics.h"
#include "core/yaml_reader.h"

namespace sluice {

// The files map's `include:` names, in order; a path that is neither a file nor a folder is a
// mistake in diag (the others are still listed). config/config_parts reads them.
std::vector<std::string> includedFiles(YamlMap& map, const std::string& file, Diagnostics& diag);

}  // namespace sluice
