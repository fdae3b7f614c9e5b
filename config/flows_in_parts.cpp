#include "config/flows_in_parts.h"

#include <vector>

#include "config/flow_parser.h"
#include "core/parallel_for.h"

namespace sluice {

namespace {

// More threads than this would only divide a file already read in a few hundred ms.
constexpr size_t kMaxThreads = 4;

// What one part of a file read.
struct PartFlows {
  std::vector<FlowConfig> flows;
  std::set<std::string> names;
  TemplateCache templates;
  Diagnostics diag;
};

}  // namespace

size_t flowReadingThreads() {
  return coresToUse(kMaxThreads);
}

void parseFlowsOf(ConfigPart& part, const Catalog& catalog, Config& config,
                  std::set<std::string>& names, TemplateCache& templates, Diagnostics& diag,
                  size_t threads) {
  // Empty while the file is read whole: its flows then go straight into config. While parts
  // are read, config is only read (its connections and settings).
  std::vector<PartFlows> parts;
  const ConfigPart::FlowSink sink{[&](size_t count) {
                                    parts.clear();
                                    if (count > 1) parts.resize(count);
                                  },
                                  [&](size_t i, const YamlNode& node) {
                                    if (parts.empty())
                                      return parseFlowItem(node, part.path(), catalog, config,
                                                           config.flows, names, templates, diag);
                                    PartFlows& own = parts[i];
                                    parseFlowItem(node, part.path(), catalog, config, own.flows,
                                                  own.names, own.templates, own.diag);
                                  }};
  part.readFlows(sink, threads);
  size_t count = config.flows.size();
  for (const PartFlows& own : parts) count += own.flows.size();
  config.flows.reserve(count);
  for (PartFlows& own : parts) {
    diag.merge(std::move(own.diag));
    for (FlowConfig& flow : own.flows)
      diag.attempt([&] { addFlow(std::move(flow), config.flows, names); });
  }
}

}  // namespace sluice
