#include "core/duration.h"

#include <regex>

namespace sluice {

std::optional<int64_t> parseDurationMs(const std::string& text) {
  // At most 12 digits: std::stoll of more can throw, and 10^12 days (8.6e19 ms) would overflow
  // int64, so days are capped separately.
  static const std::regex re(R"(\s*(\d{1,12})\s*(ms|s|m|h|d)\s*)");
  std::smatch m;
  if (!std::regex_match(text, m, re)) return std::nullopt;
  const int64_t n = std::stoll(m[1]);
  const std::string unit = m[2];
  if (unit == "ms") return n;
  if (unit == "s") return n * 1000;
  if (unit == "m") return n * 60000;
  if (unit == "h") return n * 3600000;
  if (n > 100'000'000) return std::nullopt;  // more than 270,000 years
  return n * 86400000;
}

}  // namespace sluice
