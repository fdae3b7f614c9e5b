#include "poll/time_window.h"

#include <string>

#include "core/iso_time.h"

namespace sluice {

namespace {

void putUnlessSet(JsonDoc& doc, const std::string& name, const std::string& text) {
  if (doc.HasMember(name.c_str())) return;
  doc.AddMember(jsonString(name, doc.GetAllocator()), jsonString(text, doc.GetAllocator()),
                doc.GetAllocator());
}

}  // namespace

bool windowedInputs(const Operation& op, const JsonValue& inputs, int64_t nowMs, JsonDoc& out) {
  if (!op.window) return false;
  const TimeWindow& w = *op.window;
  out.CopyFrom(inputs, out.GetAllocator());
  if (!out.IsObject()) out.SetObject();
  putUnlessSet(out, w.startInput, formatInstant(w.format, nowMs - w.backMs));
  putUnlessSet(out, w.endInput, formatInstant(w.format, nowMs + w.aheadMs));
  return true;
}

}  // namespace sluice
