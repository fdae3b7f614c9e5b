// Presets and defaults of a category file, so near-identical operations are one declaration
// plus what differs:
//
//   presets:                       # partial operations, by name
//     event_of_type: { kind: trigger, request: { method: GET, path: /v1/events }, ... }
//   defaults:                      # a partial operation every operation of the file takes
//     request: { headers: { Version: "2021-04-15" } }
//   operations:
//     - { id: events.invoice_paid, preset: event_of_type, name: ..., request: { query: ... } }
//
// The operation's own keys win, then its presets in the order it lists them, then the file's
// defaults. Maps merge key by key (a request's headers, query and body too); a list or a value
// replaces. Everything comes from the one file, so every error keeps its file:line:col.
#pragma once

#include <map>
#include <string>

#include "core/yaml_reader.h"

namespace sluice {
namespace catalog_loader {

struct FilePresets {
  std::map<std::string, YamlNode> named;  // presets:
  YamlNode defaults;                      // defaults: (undefined when absent)
};

// Reads `presets:` and `defaults:` of a category file (marking both keys as known).
FilePresets readFilePresets(YamlMap& file);

// The operation with its presets and the file's defaults merged in, its `preset:` key gone.
// Fails (located) on an unknown preset name.
YamlNode withPresets(YamlNode op, const FilePresets& presets, const std::string& file);

}  // namespace catalog_loader
}  // namespace sluice
