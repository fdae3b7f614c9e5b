#include "core/logger.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "core/error.h"

namespace sluice {

Logger& Logger::instance() {
  static Logger logger;
  return logger;
}

void Logger::setLevel(LogLevel level) {
  level_ = level;
}

void Logger::setSink(std::ostream* sink) {
  std::lock_guard<std::mutex> lock(mutex_);
  sink_ = sink;
}

void Logger::openFile(const std::string& path) {
  auto file = std::make_unique<std::ofstream>(path, std::ios::app);
  if (!*file) throw Error("log file " + path + ": cannot be opened for appending");
  std::lock_guard<std::mutex> lock(mutex_);
  filePath_ = path;
  file_ = std::move(file);
  sink_ = file_.get();
}

void Logger::reopenFile() {
  std::unique_lock<std::mutex> lock(mutex_);
  if (!file_) return;
  auto file = std::make_unique<std::ofstream>(filePath_, std::ios::app);
  if (!*file) {
    lock.unlock();
    log(LogLevel::Error, "log.reopen.failed", kv("file", filePath_) + " keeping=previous");
    return;
  }
  file_ = std::move(file);
  sink_ = file_.get();
}

void Logger::setSecrets(const std::vector<std::string>& secrets) {
  std::lock_guard<std::mutex> lock(mutex_);
  secrets_.clear();
  for (const auto& s : secrets)
    if (s.size() >= 4) secrets_.push_back(s);
}

std::string Logger::mask(const std::string& text) const {
  std::string out = text;
  for (const auto& s : secrets_)
    for (size_t at = out.find(s); at != std::string::npos; at = out.find(s, at + 4))
      out.replace(at, s.size(), "****");
  return out;
}

void Logger::log(LogLevel level, const std::string& event, const std::string& fields) {
  if (level < level_) return;
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t t = system_clock::to_time_t(now);
  const int ms =
      static_cast<int>(duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[80];
  std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  static const char* names[] = {"DEBUG", "INFO ", "WARN ", "ERROR"};
  std::lock_guard<std::mutex> lock(mutex_);
  std::ostream& out = sink_ ? *sink_ : std::cerr;
  out << stamp << " " << names[static_cast<int>(level)] << " " << event
      << (fields.empty() ? "" : " ") << mask(fields) << "\n";
  out.flush();
}

bool parseLogLevel(const std::string& text, LogLevel& out) {
  if (text == "debug")
    out = LogLevel::Debug;
  else if (text == "info")
    out = LogLevel::Info;
  else if (text == "warn")
    out = LogLevel::Warn;
  else if (text == "error")
    out = LogLevel::Error;
  else
    return false;
  return true;
}

std::string kv(const std::string& key, const std::string& value) {
  if (value.find_first_of(" \"=") == std::string::npos && !value.empty()) return key + "=" + value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (c == '\n') {
      quoted += "\\n";
      continue;
    }
    quoted += c;
  }
  return key + "=" + quoted + "\"";
}

std::string kv(const std::string& key, long long value) {
  return key + "=" + std::to_string(value);
}

}  // namespace sluice
