// From a flow's trigger config to the TriggerSpec the poller runs: the rendered inputs and
// the key that names the cursor (operation + connection + normalized inputs).
#pragma once

#include "runtime/config.h"
#include "runtime/trigger_poller.h"

namespace sluice {

TriggerSpec makeTriggerSpec(const FlowConfig& flow, const Config& config, const Catalog& catalog);

}  // namespace sluice
