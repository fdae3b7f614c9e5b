#include "poll/record_reader.h"

#include "core/keys.h"

namespace sluice {

std::optional<RecordProblem> pageItems(const Operation& op, const JsonValue& body,
                                       std::vector<const JsonValue*>& items) {
  const JsonValue* found = jsonAt(body, op.records);
  if (op.shape == RecordShape::Single) {
    if (!found || found->IsNull())
      return RecordProblem{op.records.empty() ? "(body)" : op.records, "missing"};
    items.push_back(found);
    return std::nullopt;
  }
  if (!found) return RecordProblem{op.records, "missing (expected the array of records)"};
  if (!found->IsArray()) return RecordProblem{op.records, "expected an array"};
  if (found->Size() > kMaxRecordsPerPage)
    return RecordProblem{
        op.records, "more than " + std::to_string(kMaxRecordsPerPage) + " records on one page"};
  for (const auto& item : found->GetArray()) items.push_back(&item);
  return std::nullopt;
}

std::optional<RecordProblem> readRecord(const Operation& op, const JsonValue& item, Record& out) {
  if (!op.recordId.empty()) {
    const JsonValue* id = jsonAt(item, op.recordId);
    if (!id || !(id->IsString() || id->IsNumber()) || jsonText(*id).empty())
      return RecordProblem{op.recordId, "record without an id"};
    out.id = jsonText(*id);
  } else {
    out.id = "_";
  }
  out.json = toJson(item);
  if (op.detect != DetectMode::New) {
    const JsonValue* v = op.version.empty() ? nullptr : jsonAt(item, op.version);
    out.version = v && !v->IsNull() ? jsonText(*v) : stableHash(out.json);
  }
  if (!op.orderBy.empty()) out.order = jsonAt(item, op.orderBy);
  return std::nullopt;
}

}  // namespace sluice
