#include "config/run_settings.h"

#include <algorithm>
#include <cstdlib>
#include <regex>

#include "core/file_text.h"
#include "core/sealed_box.h"

namespace sluice {

namespace {

bool isHostPort(const std::string& text) {
  static const std::regex re(R"((\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5}))");
  std::smatch m;
  return std::regex_match(text, m, re) && std::stoi(m[2]) <= 65535;
}

int intBetween(YamlMap& map, const std::string& key, int fallback, int low, int high) {
  const int value = static_cast<int>(map.optionalInt(key).value_or(fallback));
  if (value < low || value > high)
    map.fail(key, "'" + key + "' must be between " + std::to_string(low) + " and " +
                      std::to_string(high));
  return value;
}

// A duration setting from lowMs to highMs; fallback when the key is absent.
int64_t durationBetween(YamlMap& map, const std::string& key, int64_t fallback, int64_t lowMs,
                        int64_t highMs, const std::string& expected) {
  const auto text = map.optionalString(key);
  if (!text) return fallback;
  const auto ms = parseDurationMs(*text);
  if (!ms || *ms < lowMs || *ms > highMs) map.fail(key, "'" + key + "': expected " + expected);
  return *ms;
}

std::string parseWebhookListen(YamlMap& settings, const std::string& file) {
  if (!settings.has("webhooks")) {
    settings.get("webhooks");
    return "";
  }
  YamlMap w(settings.get("webhooks"), file, YamlDomain::Config, "settings webhooks");
  const std::string listen = w.requiredString("listen");
  if (!isHostPort(listen)) w.fail("listen", "'listen': expected HOST:PORT, e.g. 127.0.0.1:8787");
  w.rejectUnknown();
  return listen;
}

// A secret the settings name by reference: {env: NAME} or {file: PATH}, never the value itself
// (it would sit in the file, in backups, in a diff). "" when the key is absent.
std::string readSecretReference(YamlMap& settings, const std::string& key, const std::string& file,
                                const std::map<std::string, std::string>* env) {
  if (!settings.has(key)) {
    settings.get(key);
    return "";
  }
  const YamlNode node = settings.get(key);
  if (!node.IsMap())
    settings.fail(key, "'" + key + "': expected {env: NAME} or {file: PATH}, not the value itself");
  YamlMap t(node, file, YamlDomain::Config, "settings " + key);
  const auto name = t.optionalString("env");
  const auto path = t.optionalString("file");
  if (name.has_value() == path.has_value())
    t.fail(name ? "file" : "env", "'" + key + "': give one of 'env' or 'file'");
  t.rejectUnknown();
  if (name) {
    const char* value = nullptr;
    if (env) {
      const auto e = env->find(*name);
      value = e == env->end() ? nullptr : e->second.c_str();
    } else {
      value = std::getenv(name->c_str());
    }
    if (!value) t.fail("env", "'env': environment variable " + *name + " is not set");
    return value;
  }
  auto text = readSecretFileText(*path);
  if (!text) t.fail("file", "'file': cannot read '" + *path + "'");
  return *text;
}

// settings.console_token: what unlocks the console's buttons; read-only without it.
std::string parseConsoleToken(YamlMap& settings, const std::string& file,
                              const std::map<std::string, std::string>* env) {
  constexpr size_t kShortest = 16;
  const bool given = settings.has("console_token");
  std::string token = readSecretReference(settings, "console_token", file, env);
  if (given && token.size() < kShortest)
    settings.fail("console_token", "'console_token': the token must be at least " +
                                       std::to_string(kShortest) + " characters");
  return token;
}

// settings.token_key: the key stored OAuth tokens are sealed with (core/sealed_box.h).
std::string parseTokenKey(YamlMap& settings, const std::string& file,
                          const std::map<std::string, std::string>* env) {
  const bool given = settings.has("token_key");
  const std::string text = readSecretReference(settings, "token_key", file, env);
  if (!given) return "";
  const auto key = parseSealingKey(text);
  if (!key)
    settings.fail("token_key",
                  "'token_key': expected 32 bytes as 64 hex digits or base64 (make one with "
                  "`openssl rand -hex 32`)");
  return *key;
}

}  // namespace

RunSettings parseRunSettings(YamlMap& s, const std::string& file, std::vector<Diagnostic>& warnings,
                             const std::map<std::string, std::string>* env) {
  RunSettings out;
  out.demoMode = s.boolOr("demo_mode", out.demoMode);
  if (out.demoMode)
    warnings.push_back({Severity::Warning, s.where("demo_mode"),
                        "demo_mode is on: polling intervals under 1 minute are allowed "
                        "(for demos and tests only)"});
  out.workers = intBetween(s, "workers", out.workers, 1, 64);
  // Unset, the ceiling is at least the threads asked for; set, it must be.
  const bool ceilingGiven = s.has("max_workers");
  out.maxWorkers = intBetween(s, "max_workers", std::max(out.maxWorkers, out.workers), 1, 256);
  if (ceilingGiven && out.maxWorkers < out.workers)
    s.fail("max_workers",
           "'max_workers' must be at least 'workers' (" + std::to_string(out.workers) + ")");
  out.flowConcurrency = intBetween(s, "flow_concurrency", out.flowConcurrency, 1, 64);
  out.maxAttempts = intBetween(s, "max_attempts", out.maxAttempts, 1, 100);
  const int64_t forever = INT64_MAX;
  out.maxRetryDelayMs =
      durationBetween(s, "max_retry_delay", out.maxRetryDelayMs, 0, forever, "a duration like 15m");
  out.keepDoneMs = durationBetween(s, "keep_done", out.keepDoneMs, 3600 * 1000, forever,
                                   "a duration of at least 1h, like 30d");
  out.leaseMs = durationBetween(s, "lease", out.leaseMs, 1000, 3600 * 1000,
                                "a duration from 1s to 1h, like 30s");
  out.maxBacklog = s.optionalInt("max_backlog").value_or(out.maxBacklog);
  if (out.maxBacklog < 1 || out.maxBacklog > 100000000)
    s.fail("max_backlog", "'max_backlog': expected a number of deliveries from 1 to 100000000");
  out.maxDeliveryLagMs = durationBetween(s, "max_delivery_lag", out.maxDeliveryLagMs, 1000, forever,
                                         "a duration of at least 1s, like 15m");
  out.adminAddress = s.stringOr("admin", out.adminAddress);
  if (out.adminAddress != "off" && !isHostPort(out.adminAddress))
    s.fail("admin", "'admin': expected HOST:PORT (e.g. 127.0.0.1:9464) or off");
  out.webhookListen = parseWebhookListen(s, file);
  out.consoleToken = parseConsoleToken(s, file, env);
  out.tokenKeyWhere = s.where("token_key");
  out.tokenKey = parseTokenKey(s, file, env);
  s.rejectUnknown();
  return out;
}

}  // namespace sluice
