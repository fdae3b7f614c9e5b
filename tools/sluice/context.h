// What most verbs need: the catalog, the user's config, and the state store it names.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "runtime/config.h"
#include "state/state_store.h"
#include "tools/sluice/cli_args.h"

namespace sluice::cli {

// Flags every config-reading verb takes.
std::vector<FlagSpec> configFlags(std::vector<FlagSpec> more);

struct Context {
  Catalog catalog;
  Config config;
};

// Loads the catalog (--catalog) and the config (-c/--config, default sluice.yaml); registers
// the config's secrets with the logger so they are masked everywhere.
Context loadContext(const Args& args);
// Opens config.state; a PostgreSQL schema must be migrated already (`sluice migrate`).
std::unique_ptr<StateStore> openState(const Config& config);

}  // namespace sluice::cli
