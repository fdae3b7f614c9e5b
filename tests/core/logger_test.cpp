// The logger's file: appended to, reopened by name after a rotation, masked like stderr.
#include "core/logger.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "test_support.h"

namespace sluice::test {
namespace {

using ::testing::HasSubstr;

std::string fileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream all;
  all << in.rdbuf();
  return all.str();
}

class LoggerFileTest : public ::testing::Test {
 protected:
  void TearDown() override {
    Logger::instance().setSink(nullptr);
    Logger::instance().setSecrets({});
  }
  TempDir dir_;
};

TEST_F(LoggerFileTest, LinesAreAppendedAndSecretsMasked) {
  const std::string path = dir_.path() + "/sluice.log";
  std::ofstream(path) << "an earlier line\n";
  Logger::instance().setSecrets({"sk_live_verysecret"});
  Logger::instance().openFile(path);
  logWarn("test.line", kv("error", "refused sk_live_verysecret"));
  const std::string text = fileText(path);
  EXPECT_THAT(text, HasSubstr("an earlier line\n"));
  EXPECT_THAT(text, HasSubstr("WARN  test.line error=\"refused ****\""));
  EXPECT_EQ(text.find("verysecret"), std::string::npos);
}

TEST_F(LoggerFileTest, ReopenStartsANewFileAfterARename) {
  const std::string path = dir_.path() + "/sluice.log";
  Logger::instance().openFile(path);
  logWarn("before.rotation", "");
  ASSERT_EQ(std::rename(path.c_str(), (path + ".1").c_str()), 0);
  logWarn("still.old", "");  // written before the signal: to the renamed file
  Logger::instance().reopenFile();
  logWarn("after.rotation", "");
  EXPECT_THAT(fileText(path + ".1"), HasSubstr("before.rotation"));
  EXPECT_THAT(fileText(path + ".1"), HasSubstr("still.old"));
  EXPECT_EQ(fileText(path + ".1").find("after.rotation"), std::string::npos);
  EXPECT_THAT(fileText(path), HasSubstr("after.rotation"));
}

TEST_F(LoggerFileTest, AFileThatCannotBeOpenedIsAnErrorNamingIt) {
  try {
    Logger::instance().openFile(dir_.path() + "/missing/dir/sluice.log");
    FAIL() << "opened";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("missing/dir/sluice.log"));
  }
}

}  // namespace
}  // namespace sluice::test
