// What a trigger's records and an action's answer hold, as the vendor's spec describes them: the
// field names at each level, so `sluice check` can type templates (`{{trigger.emial}}`: did you
// mean email?). Generated from the official specs into each app's records.json
// (sluice-gen-records, tools/gen_records), kept in the catalog, and compared with the specs by the
// conformance test. A level the spec leaves open (free-form metadata, custom fields, an object
// without properties, a response without a schema) accepts any name.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/app.h"
#include "catalog/spec_index.h"
#include "core/json.h"

namespace sluice {

struct RecordFields {
  bool open = false;  // any name may follow here
  std::map<std::string, RecordFields> fields;
  bool leaf() const { return !open && fields.empty(); }
};

// Levels below this depth are open: deep enough for any template, small enough to keep.
constexpr int kRecordFieldsDepth = 4;

// The fields of a schema: its properties through $ref, allOf, oneOf and anyOf (merged); an
// array stands for its items.
RecordFields recordFieldsOf(const JsonDoc& doc, const JsonValue* schema, int depth = 0);

// Every trigger's record and every action's answer of the app, from its spec; nullopt for an
// operation the spec does not have.
std::map<std::string, RecordFields> recordFieldsOfApp(const App& app, const SpecIndex& spec);

// The app's records.json as its official spec (specsRoot/<app.spec>) says it should be: what
// tools/gen_records writes and the conformance test compares with the file in the catalog.
std::string recordFieldsJsonFromSpec(const App& app, const std::string& specsRoot);

// records.json: {"op.id": FIELDS} with FIELDS 0 for a value, "*" for an open level, or an
// object of FIELDS (with "*": "*" when open to more names too).
std::string recordFieldsJson(const std::map<std::string, RecordFields>& byOp);
std::map<std::string, RecordFields> parseRecordFieldsJson(const std::string& text);

// Where a path (from its segment `from` on) leaves the fields: the segment's index and the
// closest known name. Numeric segments (array positions) are skipped; nothing is reported past
// an open level or a value.
struct FieldMiss {
  size_t index = 0;
  std::string suggestion;  // "" when no known name is close
};
std::optional<FieldMiss> missingField(const RecordFields& fields,
                                      const std::vector<std::string>& path, size_t from);

}  // namespace sluice
