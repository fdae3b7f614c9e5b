// From a flow's trigger config to the TriggerSpec the poller runs: the rendered inputs and
// the key that names the cursor (operation + connection + normalized inputs).
#pragma once

#include "config/config.h"
#include "poll/trigger_poller.h"

namespace sluice {

TriggerSpec makeTriggerSpec(const FlowConfig& flow, const Config& config, const Catalog& catalog);

}  // namespace sluice
