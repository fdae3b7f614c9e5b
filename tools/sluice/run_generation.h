// One config as `sluice run` runs it: the written file, its tenant expansion, and the runner
// and console pages built on it. A reload builds the next one beside the running one (on the
// reloader's thread) and switches over once it is ready, so the flows pause only for the switch.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "console/console.h"
#include "service/runner.h"
#include "tenants/tenant_expansion.h"

namespace sluice::cli {

// What every generation of one process shares.
struct RunParts {
  const Catalog& catalog;
  StateStore& state;
  HttpTransport& transport;
  HttpTransport* insecure;  // verify_tls: false connections
  const Clock& clock;
  const std::string& consoleSecret;  // console sessions outlive reloads
};

class RunGeneration {
 public:
  // listTenants: ask the APIs for agency connections' tenants first (a start, a reload); a
  // failed listing keeps the last known ones. Without agency connections the written config
  // runs as it is.
  RunGeneration(std::shared_ptr<const Config> written, const RunParts& parts, bool listTenants);

  const std::shared_ptr<const Config>& written() const { return written_; }
  const Config& running() const { return *running_; }
  Runner& runner() { return runner_; }
  console::Console& pages() { return pages_; }

 private:
  std::shared_ptr<const Config> written_;
  std::optional<TenantExpansion> expanded_;
  const Config* running_;
  Runner runner_;
  console::Console pages_;
};

// The generation a reload built, waiting for the switch (the latest replaces an earlier one).
class NextGeneration {
 public:
  void put(std::unique_ptr<RunGeneration> next);
  std::unique_ptr<RunGeneration> take();
  bool waiting();

 private:
  std::mutex mutex_;
  std::unique_ptr<RunGeneration> next_;
};

}  // namespace sluice::cli
