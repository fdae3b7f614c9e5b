#include "poll/since_filter.h"

#include "core/iso_time.h"

namespace sluice {

std::optional<int64_t> watermarkMs(const JsonValue& watermark) {
  if (watermark.IsNumber()) {
    const double v = watermark.GetDouble();
    // Epoch seconds (Stripe's `created`) stay below 1e11 until the year 5138.
    return static_cast<int64_t>(v < 1e11 ? v * 1000 : v);
  }
  if (watermark.IsString()) return parseIsoInstantMs(watermark.GetString());
  return std::nullopt;
}

bool sinceInputs(const Operation& op, const JsonValue& inputs, const JsonValue* watermark,
                 JsonDoc& out) {
  if (!op.since || !watermark) return false;
  const auto ms = watermarkMs(*watermark);
  if (!ms) return false;
  out.CopyFrom(inputs, out.GetAllocator());
  if (!out.IsObject()) out.SetObject();
  const std::string& name = op.since->input;
  if (!out.HasMember(name.c_str()))
    out.AddMember(
        jsonString(name, out.GetAllocator()),
        jsonString(formatInstant(op.since->format, *ms - op.since->backMs), out.GetAllocator()),
        out.GetAllocator());
  return true;
}

}  // namespace sluice
