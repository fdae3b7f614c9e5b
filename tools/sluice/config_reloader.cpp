#include "tools/sluice/config_reloader.h"

#include "core/logger.h"

namespace sluice::cli {

ConfigReloader::ConfigReloader(std::string path, const Catalog& catalog)
    : path_(std::move(path)), catalog_(catalog) {}

ConfigReloader::~ConfigReloader() {
  if (thread_.joinable()) thread_.join();
}

void ConfigReloader::start(std::function<void()> onLoaded) {
  if (reading_.exchange(true)) {
    logInfo("reload.busy", "why=\"the file is being read already\"");
    return;
  }
  if (thread_.joinable()) thread_.join();  // the last read, finished
  thread_ = std::thread([this, onLoaded = std::move(onLoaded)] { read(onLoaded); });
}

void ConfigReloader::read(const std::function<void()>& onLoaded) {
  try {
    Config next = loadConfig(path_, catalog_);
    const auto flows = static_cast<long long>(next.flows.size());
    {
      std::lock_guard<std::mutex> lock(mutex_);
      loaded_ = std::move(next);
    }
    logInfo("reload.read", kv("flows", flows));
    reading_ = false;
    onLoaded();
  } catch (const Error& e) {
    logError("reload.failed",
             kv("error", Logger::instance().mask(e.what())) + " keeping=previous");
    reading_ = false;
  }
}

bool ConfigReloader::waiting() {
  std::lock_guard<std::mutex> lock(mutex_);
  return loaded_.has_value();
}

std::optional<Config> ConfigReloader::take() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::optional<Config> out = std::move(loaded_);
  loaded_.reset();
  return out;
}

}  // namespace sluice::cli
