// Durations as people write them in config and catalog files: "500ms", "90s", "5m", "1h", "30d".
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sluice {

// Milliseconds; nothing when the text is not a whole number (at most 12 digits, so that no
// unit overflows) followed by ms, s, m, h or d. Spaces around it are allowed.
std::optional<int64_t> parseDurationMs(const std::string& text);

}  // namespace sluice
