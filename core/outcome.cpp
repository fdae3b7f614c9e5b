#include "core/outcome.h"

#include <Poco/DateTimeParser.h>
#include <Poco/Timestamp.h>

#include <cstdlib>

namespace sluice {

const char* toString(Outcome outcome) {
  return outcome == Outcome::Ok ? "ok" : outcome == Outcome::Retry ? "retry" : "fatal";
}

int64_t parseRetryAfterMs(const std::string& value, int64_t nowMs) {
  if (value.empty()) return -1;
  char* end = nullptr;
  const double seconds = std::strtod(value.c_str(), &end);
  if (end != value.c_str() && *end == '\0')
    return seconds < 0 ? -1 : static_cast<int64_t>(seconds * 1000);
  try {
    int tz = 0;
    const Poco::DateTime when = Poco::DateTimeParser::parse(value, tz);
    const int64_t ms = when.timestamp().epochMicroseconds() / 1000 - nowMs;
    return ms < 0 ? 0 : ms;
  } catch (const std::exception&) {
    return -1;
  }
}

}  // namespace sluice
