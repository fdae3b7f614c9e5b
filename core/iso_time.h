// ISO 8601 instants as APIs send them: "2025-01-28T14:35:00Z", "2025-01-28T14:35:00.250Z",
// "2025-01-28 16:35:00+02:00", "...+0200". Shared by webhook timestamp checks and lookups.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sluice {

// Milliseconds since the epoch; nothing when the text is not a date-time with a zone (without
// one the instant is unknown) or has anything after it.
std::optional<int64_t> parseIsoInstantMs(const std::string& text);

// "2025-01-28T14:35:00Z": the instant ms (since the epoch) in UTC, to the second, as API
// date-time inputs and the {{now.iso}} template root take it.
std::string formatIsoSeconds(int64_t ms);

// The instant in one of the formats list endpoints take for a time: epoch_ms, epoch_s,
// iso8601 (formatIsoSeconds) or date (the UTC day, "2025-01-28").
std::string formatInstant(const std::string& format, int64_t ms);
// The formats formatInstant knows, for the catalog's enums.
inline const char* const kInstantFormats[] = {"epoch_ms", "epoch_s", "iso8601", "date"};

}  // namespace sluice
