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

struct IncludedFile {
  std::string path;
  YamlNode root;
};

// The files map's `include:` names, each read; a path that does not exist or a file that is not
// YAML is a mistake in diag (the others are still read).
std::vector<IncludedFile> readIncludes(YamlMap& map, const std::string& file, Diagnostics& diag);

}  // namespace sluice
