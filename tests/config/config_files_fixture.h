// A config of several files in a temporary folder, loaded against the real catalog: for the
// tests of include: and of the order files are read in.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "catalog/catalog.h"
#include "config/config.h"
#include "test_support.h"

namespace sluice::test {

class ConfigFilesTest : public ::testing::Test {
 protected:
  // Writes main as sluice.yaml and loads it.
  Config load(const std::string& main) {
    return loadConfig(dir_.write("sluice.yaml", main), catalog_, &env_);
  }
  // What loading main reports ("" when it loads).
  std::string error(const std::string& main) {
    try {
      load(main);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }
  TempDir dir_;
  Catalog catalog_ = Catalog::load(catalogRoot());
  std::map<std::string, std::string> env_{{"K", "sk_test_x1234"}, {"T", "t-1234"}};
};

}  // namespace sluice::test
