#include "core/iso_time.h"

#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

#include <cstdio>
#include <ctime>

namespace sluice {

std::optional<int64_t> parseIsoInstantMs(const std::string& text) {
  int y, mo, d, h, mi, s, used = 0;
  // Field widths keep hostile text ("-2147483648-...") from overflowing the tm fields.
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%*1[T ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &s,
                  &used) != 6 ||
      used != 19)
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return std::nullopt;
  size_t i = 19;
  int64_t ms = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    int digits = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits)
      if (digits < 3) ms = ms * 10 + (text[i] - '0');
    if (digits == 0) return std::nullopt;
    for (int k = digits; k < 3; ++k) ms *= 10;
  }
  int64_t offsetS = 0;
  if (i < text.size() && (text[i] == 'Z' || text[i] == 'z')) {
    ++i;
  } else if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    const bool colon = i + 3 < text.size() && text[i + 3] == ':';
    int oh, om, n = 0;
    if (std::sscanf(text.c_str() + i + 1, colon ? "%2d:%2d%n" : "%2d%2d%n", &oh, &om, &n) != 2 ||
        n != (colon ? 5 : 4) || oh > 23 || om > 59)
      return std::nullopt;
    offsetS = (oh * 3600 + om * 60) * (text[i] == '+' ? 1 : -1);
    i += 1 + n;
  } else {
    return std::nullopt;  // no zone: ambiguous
  }
  if (i != text.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return (static_cast<int64_t>(timegm(&tm)) - offsetS) * 1000 + ms;
}

std::string formatIsoSeconds(int64_t ms) {
  return Poco::DateTimeFormatter::format(Poco::Timestamp(ms * 1000), "%Y-%m-%dT%H:%M:%SZ");
}

std::string formatInstant(const std::string& format, int64_t ms) {
  if (format == "epoch_s") return std::to_string(ms / 1000);
  if (format == "iso8601") return formatIsoSeconds(ms);
  if (format == "date") return formatIsoSeconds(ms).substr(0, 10);
  return std::to_string(ms);
}

}  // namespace sluice
