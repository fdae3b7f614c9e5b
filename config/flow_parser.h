// The `flows:` of sluice.yaml: each flow's trigger, filter and steps, validated against the
// catalog and the connections (config/config.h), every mistake reported on its own.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/config.h"
#include "config/diagnostics.h"
#include "core/template_cache.h"
#include "core/yaml_reader.h"

namespace sluice {

// Reads one item of a file's `flows:` into flows (config.flows, or a part's own list);
// config.connections and settings are read already. names: the flow names seen so far, in
// this file and the ones before it (each only once); templates: compiled templates shared by
// all the flows read.
void parseFlowItem(const YamlNode& node, const SourceFile& file, const Catalog& catalog,
                   const Config& config, std::vector<FlowConfig>& flows,
                   std::set<std::string>& names, TemplateCache& templates, Diagnostics& diag);

// Adds flow to flows, or throws a located error when its name is one of names already.
void addFlow(FlowConfig flow, std::vector<FlowConfig>& flows, std::set<std::string>& names);

}  // namespace sluice
