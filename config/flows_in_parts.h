// One file's flows into config.flows, read in parts at once, one thread each, when the file is
// large (ConfigPart::readFlows): a generated file of 100,000 flows is read on every core.
// Each part has its own flow list, names, templates and mistakes; they are joined in file order
// afterwards, so the flows, the duplicate names and the mistakes are those of reading the file
// one flow at a time.
#pragma once

#include <set>
#include <string>

#include "catalog/catalog.h"
#include "config/config.h"
#include "config/config_parts.h"
#include "config/diagnostics.h"
#include "core/template_cache.h"

namespace sluice {

// The threads a large file's flows are read on: one per core, at most 4.
size_t flowReadingThreads();

void parseFlowsOf(ConfigPart& part, const Catalog& catalog, Config& config,
                  std::set<std::string>& names, TemplateCache& templates, Diagnostics& diag,
                  size_t threads);

}  // namespace sluice
