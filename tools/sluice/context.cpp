#include "tools/sluice/context.h"

#include "core/logger.h"

namespace sluice::cli {

std::vector<FlagSpec> configFlags(std::vector<FlagSpec> more) {
  std::vector<FlagSpec> flags = {
      {"config", true, false, "the sluice file (default: sluice.yaml)", 'c'},
      {"catalog", true, false, "catalog folder (default: ./catalog or $SLUICE_CATALOG)"},
      {"help", false, false, "show this help", 'h'},
  };
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

Context loadContext(const Args& args) {
  Context ctx{Catalog::load(args.get("catalog", Catalog::defaultRoot())), {}};
  ctx.config = loadConfig(args.get("config", "sluice.yaml"), ctx.catalog);
  Logger::instance().setSecrets(ctx.config.secrets());
  return ctx;
}

std::unique_ptr<StateStore> openState(const Config& config) { return openStateStore(config.state); }

}  // namespace sluice::cli
