// tools/sluice/config_reloader: SIGHUP's read beside the running runner. A SIGHUP while a
// reload is under way is not lost (the file may have changed after the read), and what cannot
// be built on the file is logged, never thrown out of the reading thread.
#include "tools/sluice/config_reloader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <sstream>
#include <vector>

#include "core/logger.h"
#include "test_support.h"

namespace sluice::test {
namespace config_reloader_test {

class ConfigReloaderTest : public ::testing::Test {
 protected:
  void SetUp() override { Logger::instance().setSink(&log_); }
  void TearDown() override { Logger::instance().setSink(nullptr); }
  void writeWorkers(int workers) {
    dir_.write("sluice.yaml", "settings: { workers: " + std::to_string(workers) + " }\n");
  }
  std::string path() const { return dir_.path() + "/sluice.yaml"; }

  TempDir dir_;
  Catalog catalog_ = Catalog::load(catalogRoot());
  std::ostringstream log_;
};

TEST_F(ConfigReloaderTest, ASighupDuringAReloadReadsTheFileAgainAfterIt) {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<int> built;  // settings.workers of each config handed over
  bool entered = false, release = false;
  writeWorkers(1);
  {
    cli::ConfigReloader reloader(path(), catalog_);
    const auto onLoaded = [&](Config config) {
      std::unique_lock<std::mutex> lock(mutex);
      entered = true;
      changed.notify_all();
      // The first build waits until the test has changed the file and signalled again.
      changed.wait_for(lock, std::chrono::seconds(10), [&] { return release; });
      built.push_back(config.settings.workers);
      changed.notify_all();
    };
    reloader.start(onLoaded);
    {
      std::unique_lock<std::mutex> lock(mutex);
      ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return entered; }));
    }
    writeWorkers(2);
    reloader.start(onLoaded);  // under way: not a second thread, a second read after it
    {
      std::lock_guard<std::mutex> lock(mutex);
      release = true;
    }
    changed.notify_all();
    std::unique_lock<std::mutex> lock(mutex);
    ASSERT_TRUE(
        changed.wait_for(lock, std::chrono::seconds(10), [&] { return built.size() == 2; }));
  }
  EXPECT_EQ(built, (std::vector<int>{1, 2}));
  EXPECT_THAT(log_.str(), ::testing::HasSubstr("reload.busy"));
}

TEST_F(ConfigReloaderTest, WhatCannotBeBuiltOnTheFileIsLoggedAndTheNextSighupWorks) {
  writeWorkers(1);
  int handed = 0;
  {
    cli::ConfigReloader reloader(path(), catalog_);
    reloader.start([](Config) { throw StateError("the state store is read-only"); });
  }
  EXPECT_THAT(log_.str(), ::testing::HasSubstr("reload.failed"));
  EXPECT_THAT(log_.str(), ::testing::HasSubstr("the state store is read-only"));
  EXPECT_THAT(log_.str(), ::testing::HasSubstr("keeping=previous"));
  {
    cli::ConfigReloader reloader(path(), catalog_);
    reloader.start([&](Config) { ++handed; });
  }
  EXPECT_EQ(handed, 1);
}

TEST_F(ConfigReloaderTest, AFileWithAMistakeIsNamedAndNothingIsHandedOver) {
  dir_.write("sluice.yaml", "settings: { workers: many }\n");
  int handed = 0;
  {
    cli::ConfigReloader reloader(path(), catalog_);
    reloader.start([&](Config) { ++handed; });
  }
  EXPECT_EQ(handed, 0);
  EXPECT_THAT(log_.str(), ::testing::HasSubstr("sluice.yaml:1:"));
  EXPECT_THAT(log_.str(), ::testing::HasSubstr("keeping=previous"));
}

}  // namespace config_reloader_test
}  // namespace sluice::test
