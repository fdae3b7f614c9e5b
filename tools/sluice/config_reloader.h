// SIGHUP for `sluice run`: the file is read, and what runs on it is built, on a thread of its
// own while the runner goes on polling and delivering; only then is it handed over, and the
// runner stops only for the switch. A file with mistakes (or one nothing can be built on) is
// logged and changes nothing. Reading 100,000 flows takes seconds; the polls wait only for the
// switch.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "catalog/catalog.h"
#include "config/config.h"

namespace sluice::cli {

class ConfigReloader {
 public:
  ConfigReloader(std::string path, const Catalog& catalog);
  ~ConfigReloader();  // waits for a reload under way
  ConfigReloader(const ConfigReloader&) = delete;
  ConfigReloader& operator=(const ConfigReloader&) = delete;

  // Starts reading the file; onLoaded runs on the reading thread with the config once it
  // loaded (an Error it throws is logged like a mistake in the file). A SIGHUP while a reload
  // is under way is not lost: the file is read once more after it, since it may have changed
  // after the read under way.
  void start(std::function<void(Config)> onLoaded);

 private:
  void readUntilCurrent(const std::function<void(Config)>& onLoaded);
  void readOnce(const std::function<void(Config)>& onLoaded);

  const std::string path_;
  const Catalog& catalog_;
  std::atomic<bool> reading_{false};
  std::atomic<bool> again_{false};  // a SIGHUP came during the reload under way
  std::thread thread_;
};

}  // namespace sluice::cli
