// SIGHUP for `sluice run`: the file is read on a thread of its own while the runner goes on
// polling and delivering; only a file that loaded is handed over, and only then does the runner
// stop to be rebuilt on it. A file with mistakes is logged and changes nothing. Reading 100,000
// flows takes seconds; the polls wait only for the rebuild.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "catalog/catalog.h"
#include "config/config.h"

namespace sluice::cli {

class ConfigReloader {
 public:
  ConfigReloader(std::string path, const Catalog& catalog);
  ~ConfigReloader();  // waits for a read under way
  ConfigReloader(const ConfigReloader&) = delete;
  ConfigReloader& operator=(const ConfigReloader&) = delete;

  // Starts reading the file; onLoaded runs on the reading thread once it loaded. A SIGHUP
  // while a read is under way is logged and ignored: the read under way sees the same file.
  void start(std::function<void()> onLoaded);
  // The config read last, once; nullopt when none is waiting.
  std::optional<Config> take();
  bool waiting();

 private:
  void read(const std::function<void()>& onLoaded);

  const std::string path_;
  const Catalog& catalog_;
  std::mutex mutex_;
  std::optional<Config> loaded_;
  std::atomic<bool> reading_{false};
  std::thread thread_;
};

}  // namespace sluice::cli
