#include "poll/trigger_cursor.h"

namespace sluice {

int compareOrder(const JsonValue& a, const JsonValue& b) {
  if (a.IsNumber() && b.IsNumber()) {
    const double x = a.GetDouble(), y = b.GetDouble();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const std::string x = jsonText(a), y = jsonText(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

namespace {

void readSweep(const JsonValue& sweep, TriggerCursor& out) {
  if (!sweep.IsObject()) return;
  if (sweep.HasMember("next") && sweep["next"].IsObject()) {
    const JsonValue& next = sweep["next"];
    out.sweeping = true;
    if (next.HasMember("page")) out.next.page = next["page"].GetInt64();
    if (next.HasMember("offset")) out.next.offset = next["offset"].GetInt64();
    if (next.HasMember("params"))
      out.next.params.CopyFrom(next["params"], out.next.params.GetAllocator());
  }
  if (sweep.HasMember("top")) out.sweepTop.CopyFrom(sweep["top"], out.sweepTop.GetAllocator());
}

}  // namespace

TriggerCursor decodeCursor(const std::string& json, const Pagination& pag) {
  TriggerCursor out;
  out.next = firstPosition(pag);
  JsonDoc doc;
  if (json.empty() || parseJson(json, doc) || !doc.IsObject()) return out;
  out.seeded = doc.HasMember("seeded") && doc["seeded"].GetBool();
  if (doc.HasMember("wm") && !doc["wm"].IsNull())
    out.watermark.CopyFrom(doc["wm"], out.watermark.GetAllocator());
  if (doc.HasMember("sweep")) readSweep(doc["sweep"], out);
  return out;
}

std::string encodeCursor(bool seeded, bool complete, const JsonValue* watermark,
                         const JsonValue& sweepTop, const PagePosition& next) {
  JsonDoc doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  doc.AddMember("seeded", seeded, a);
  if (complete) {
    JsonValue wm;
    if (!sweepTop.IsNull())
      wm.CopyFrom(sweepTop, a);
    else if (watermark)
      wm.CopyFrom(*watermark, a);
    if (watermark && !sweepTop.IsNull() && compareOrder(*watermark, sweepTop) > 0)
      wm.CopyFrom(*watermark, a);
    doc.AddMember("wm", wm, a);
    return toJson(doc);
  }
  if (watermark) doc.AddMember("wm", JsonValue(*watermark, a), a);
  JsonValue sweep(rapidjson::kObjectType), pos(rapidjson::kObjectType);
  pos.AddMember("page", JsonValue(static_cast<int64_t>(next.page)), a);
  pos.AddMember("offset", JsonValue(static_cast<int64_t>(next.offset)), a);
  pos.AddMember("params", JsonValue(next.params, a), a);
  sweep.AddMember("next", pos, a);
  sweep.AddMember("top", JsonValue(sweepTop, a), a);
  doc.AddMember("sweep", sweep, a);
  return toJson(doc);
}

}  // namespace sluice
