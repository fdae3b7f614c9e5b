// config/run_settings.cpp: settings.console_token, read from the environment or a file, never
// written in the config itself; the worker pool's floor and ceiling; each rejection names
// file:line:col.
#include "config/run_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "core/error.h"
#include "test_support.h"

namespace sluice {
namespace run_settings_test {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kToken = "console-token-abcdef0123";

Config load(const std::string& settings) {
  static const Catalog catalog = Catalog::load(test::catalogRoot());
  const std::map<std::string, std::string> env = {
      {"CONSOLE_TOKEN", kToken},
      {"SHORT", "abc"},
      {"TOKEN_KEY", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"}};
  return loadConfigText("settings:\n" + settings, "sluice.yaml", catalog, &env);
}

std::string rejection(const std::string& settings) {
  try {
    load(settings);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << settings;
  return "";
}

TEST(RunSettingsTest, ThePoolGrowsFromWorkersToMaxWorkers) {
  const RunSettings defaults = load("  workers: 2\n").settings;
  EXPECT_EQ(defaults.workers, 2);
  EXPECT_EQ(defaults.maxWorkers, 32);
  EXPECT_EQ(load("  workers: 48\n").settings.maxWorkers, 48);  // unset: never below workers
  EXPECT_EQ(load("  workers: 4\n  max_workers: 4\n").settings.maxWorkers, 4);  // a fixed pool
  EXPECT_EQ(load("  max_workers: 200\n").settings.maxWorkers, 200);
  EXPECT_THAT(rejection("  workers: 8\n  max_workers: 4\n"),
              AllOf(StartsWith("sluice.yaml:3:16:"),
                    HasSubstr("'max_workers' must be at least 'workers' (8)")));
  EXPECT_THAT(rejection("  max_workers: 0\n"),
              HasSubstr("'max_workers' must be between 1 and 256"));
}

TEST(RunSettingsTest, TheConsoleTokenComesFromTheEnvironmentOrAFileAndIsASecret) {
  EXPECT_EQ(load("  workers: 2\n").settings.consoleToken, "");
  const Config fromEnv = load("  console_token: { env: CONSOLE_TOKEN }\n");
  EXPECT_EQ(fromEnv.settings.consoleToken, kToken);
  EXPECT_THAT(fromEnv.secrets(), Contains(kToken));  // masked in every log line
  test::TempDir dir;
  const std::string path = dir.write("token", kToken + "\n");
  EXPECT_EQ(load("  console_token: { file: " + path + " }\n").settings.consoleToken, kToken);
}

// Rejected: the token written in the file itself.
TEST(RunSettingsTest, ALiteralTokenIsRejected) {
  const std::string e = rejection("  console_token: console-token-abcdef0123\n");
  EXPECT_THAT(e, StartsWith("sluice.yaml:2:"));
  EXPECT_THAT(e, HasSubstr("expected {env: NAME} or {file: PATH}"));
}

// Rejected: a variable that is not set, a file that cannot be read.
TEST(RunSettingsTest, AMissingVariableOrFileIsRejected) {
  EXPECT_THAT(rejection("  console_token: { env: NOPE }\n"),
              AllOf(StartsWith("sluice.yaml:2:"), HasSubstr("NOPE is not set")));
  EXPECT_THAT(rejection("  console_token: { file: /nonexistent/token }\n"),
              HasSubstr("cannot read '/nonexistent/token'"));
}

// Rejected: a short token, both sources, neither, or another key.
TEST(RunSettingsTest, AShortTokenOrAnUnclearSourceIsRejected) {
  EXPECT_THAT(rejection("  console_token: { env: SHORT }\n"), HasSubstr("at least 16 characters"));
  EXPECT_THAT(rejection("  console_token: { env: CONSOLE_TOKEN, file: /x }\n"),
              HasSubstr("give one of 'env' or 'file'"));
  EXPECT_THAT(rejection("  console_token: {}\n"), HasSubstr("give one of 'env' or 'file'"));
  EXPECT_THAT(rejection("  console_token: { env: CONSOLE_TOKEN, value: x }\n"),
              HasSubstr("unknown key 'value'"));
}

// settings.token_key: 32 bytes as hex or base64, from the environment or a file.
TEST(RunSettingsTest, TheTokenKeyIs32BytesFromTheEnvironmentOrAFile) {
  EXPECT_EQ(load("  workers: 2\n").settings.tokenKey, "");
  EXPECT_EQ(load("  token_key: { env: TOKEN_KEY }\n").settings.tokenKey.size(), 32u);
  test::TempDir dir;
  const std::string path = dir.write("key", std::string(43, 'A') + "=\n");  // base64
  EXPECT_EQ(load("  token_key: { file: " + path + " }\n").settings.tokenKey, std::string(32, '\0'));
  EXPECT_THAT(rejection("  token_key: { env: SHORT }\n"),
              AllOf(StartsWith("sluice.yaml:2:"), HasSubstr("openssl rand -hex 32")));
  EXPECT_THAT(rejection("  token_key: 0001\n"), HasSubstr("not the value itself"));
}

}  // namespace run_settings_test
}  // namespace sluice
