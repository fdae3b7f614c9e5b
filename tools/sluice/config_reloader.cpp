#include "tools/sluice/config_reloader.h"

#include "core/logger.h"

namespace sluice::cli {

ConfigReloader::ConfigReloader(std::string path, const Catalog& catalog)
    : path_(std::move(path)), catalog_(catalog) {}

ConfigReloader::~ConfigReloader() {
  if (thread_.joinable()) thread_.join();
}

void ConfigReloader::start(std::function<void(Config)> onLoaded) {
  again_ = true;
  if (reading_.exchange(true)) {
    logInfo("reload.busy", "why=\"a reload is under way\" then=\"the file is read again\"");
    return;
  }
  if (thread_.joinable()) thread_.join();  // the last reload, finished
  thread_ = std::thread([this, onLoaded = std::move(onLoaded)] { readUntilCurrent(onLoaded); });
}

void ConfigReloader::readUntilCurrent(const std::function<void(Config)>& onLoaded) {
  while (true) {
    while (again_.exchange(false)) readOnce(onLoaded);
    reading_ = false;
    // A SIGHUP between the last read and here found reading_ set: its read is this thread's.
    if (!again_.load() || reading_.exchange(true)) return;
  }
}

void ConfigReloader::readOnce(const std::function<void(Config)>& onLoaded) {
  try {
    Config next = loadConfig(path_, catalog_);
    logInfo("reload.read", kv("flows", static_cast<long long>(next.flows.size())));
    onLoaded(std::move(next));
  } catch (const std::exception& e) {
    // Error: a mistake in the file, or what it names cannot be built (a state store fault,
    // a token its key cannot open); anything else must not end the process either.
    logError("reload.failed", kv("error", Logger::instance().mask(e.what())) + " keeping=previous");
  }
}

}  // namespace sluice::cli
