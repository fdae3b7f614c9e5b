// The one piece of global state: the process logger. One concise line per event,
//   2026-11-23T15:40:00.123Z INFO  poll flow=a op=stripe.customers.new_customer new=2
// Every configured secret is masked before a line is written, wherever it appears.
#pragma once

#include <atomic>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace sluice {

enum class LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3 };

class Logger {
 public:
  static Logger& instance();

  void setLevel(LogLevel level);
  LogLevel level() const { return level_; }
  // Where lines go (default std::cerr). The stream must outlive the logger's use.
  void setSink(std::ostream* sink);
  // Lines go to the file at path (appended; created if missing) instead. Throws Error when it
  // cannot be opened.
  void openFile(const std::string& path);
  // Opens the file again by name, so a rotated log (logrotate's rename) is left behind and a
  // new one started; nothing when no file is open. A file that cannot be reopened keeps the
  // old one and says so in it.
  void reopenFile();
  // Values that must never reach a log line (tokens, keys). Shorter than 4 chars are ignored.
  void setSecrets(const std::vector<std::string>& secrets);
  void log(LogLevel level, const std::string& event, const std::string& fields);
  // Masks the secrets in text (also used for history and error messages shown to users).
  std::string mask(const std::string& text) const;

 private:
  Logger() = default;
  mutable std::mutex mutex_;
  std::atomic<LogLevel> level_{LogLevel::Info};
  std::ostream* sink_ = nullptr;
  std::string filePath_;
  std::unique_ptr<std::ofstream> file_;
  std::vector<std::string> secrets_;
};

bool parseLogLevel(const std::string& text, LogLevel& out);

inline void logInfo(const std::string& event, const std::string& fields) {
  Logger::instance().log(LogLevel::Info, event, fields);
}
inline void logWarn(const std::string& event, const std::string& fields) {
  Logger::instance().log(LogLevel::Warn, event, fields);
}
inline void logError(const std::string& event, const std::string& fields) {
  Logger::instance().log(LogLevel::Error, event, fields);
}
inline void logDebug(const std::string& event, const std::string& fields) {
  Logger::instance().log(LogLevel::Debug, event, fields);
}

// key=value, quoting values with spaces or quotes.
std::string kv(const std::string& key, const std::string& value);
std::string kv(const std::string& key, long long value);

}  // namespace sluice
