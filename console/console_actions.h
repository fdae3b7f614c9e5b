// What the console's buttons do (each also a CLI verb): pause or resume a flow, reset its
// cursor, replay one dead letter or all. Called only after ConsoleAuth let the POST through;
// each change is logged (console.action) with the peer's address, never with a token.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "config/config.h"
#include "state/state_store.h"

namespace sluice::console {

struct ActionOutcome {
  bool found = false;    // the path names an action (else 404)
  bool ok = false;       // it applied (else 404: no such flow or dead letter)
  std::string location;  // where the browser goes next (303)
  std::string done;      // the notice code shown there (console.cpp's noticeText)
};

// segments: the POST path's decoded segments ({"flows", NAME, "pause"}).
ActionOutcome runAction(const std::vector<std::string>& segments, const Config& config,
                        const Catalog& catalog, StateStore& state, int64_t nowMs,
                        const std::string& remote);

}  // namespace sluice::console
