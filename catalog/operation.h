// One operation of an app, as declared in apps/<app>/<category>.yaml. Immutable after load.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/value_template.h"

namespace sluice {

enum class OpKind { Trigger, Action };
enum class InputLocation { Path, Query, Body };
enum class ValueType { String, Integer, Number, Boolean, Object, Array };
enum class RecordShape { List, Single };
// new: fire once per id. updated: fire when (id, version) changes. changed: a single record or
// value fires when its version or content changes.
enum class DetectMode { New, Updated, Changed };
enum class SortOrder { Unknown, Asc, Desc };
enum class PaginationStyle { None, Page, Offset, Cursor };

const char* toString(OpKind kind);
const char* toString(InputLocation in);
const char* toString(ValueType type);
const char* toString(DetectMode mode);
const char* toString(PaginationStyle style);

struct InputSpec {
  std::string name;
  InputLocation in = InputLocation::Query;
  ValueType type = ValueType::String;
  bool required = false;
  std::string description;
  std::vector<std::string> enumValues;
  std::optional<ValueTemplate> defaultValue;
  std::string field;  // wire name or JSON pointer in the body; empty = name
  SourceLocation where;

  const std::string& wireName() const { return field.empty() ? name : field; }
};

struct Pagination {
  PaginationStyle style = PaginationStyle::None;
  std::string preset;       // the preset's name when the operation named one
  bool inBody = false;      // parameters go in the body instead of the query
  std::string pageParam;    // page
  std::string offsetParam;  // offset
  std::string limitParam;
  long long limit = 0;
  long long start = 1;  // first page number (page style)
  // cursor: parameter -> source ("/pointer" into the response, or "record:/pointer").
  std::vector<std::pair<std::string, std::string>> next;
  std::string hasMore;  // pointer; empty = short page means last
  long long maxPages = 10;
};

struct RequestSpec {
  std::string method;
  std::string path;  // with {param} placeholders
  ValueTemplate query;
  ValueTemplate body;
  std::vector<std::pair<std::string, Template>> headers;
  std::string encoding;  // json | form; empty = the app's
};

// How to find what an interrupted create made, before trying it again: the dispatcher calls
// `op` with `with`, and a record under `records` whose fields equal `match` is the result.
// Where the records are may name an array, or one object (a list of one; null = none).
struct LookupSpec {
  std::string op;  // an operation id of the same app
  ValueTemplate with;
  std::vector<std::pair<std::string, SourceLocation>> withKeys;  // the input names `with` gives
  std::string records;  // JSON pointer to the array or the one object in the lookup's response
  // Where the action's own answer holds the record ("/note" for {"note": {...}}); "" = the
  // answer is the record. The found record is put there as the step's result.
  std::string result;
  std::vector<std::pair<std::string, Template>> match;  // record pointer -> expected value
  // `sent`: the body inputs whose sent values the found record must hold (each at its wire
  // name), so that an upsert counts as landed only when the record shows what it wrote.
  std::vector<std::string> sentInputs;
  // An array input's members: the record's array holds at least them (the call adds to a
  // set, as tags), instead of exactly them in any order (the call replaces the list).
  bool sentArraysContain = false;
  SourceLocation where;
};

// A polling window for list endpoints that want a time range (calendar events, free slots):
// each poll asks for [now - back, now + ahead] unless the flow fixes the range itself.
struct TimeWindow {
  std::string startInput;
  std::string endInput;
  std::string format = "epoch_ms";  // epoch_ms | epoch_s | iso8601
  int64_t backMs = 0;
  int64_t aheadMs = 0;
};

// Incremental polls of a list that takes a start time: once a sweep has finished, each poll
// asks only from the newest `order_by` value seen (the watermark) less `back`, so it reads what
// is new instead of the whole list (the seen ids drop the overlap).
struct SinceFilter {
  std::string input;                // the input that takes the start; the flow's own value wins
  std::string format = "epoch_ms";  // epoch_ms | epoch_s | iso8601 | date
  int64_t backMs = 0;               // a margin for clock skew and time zones (date: a day)
};

struct SpecException {
  std::string check;  // path | scopes | version | params | headers | body | lookup
  std::string reason;
};

struct Operation {
  std::string app;       // ghl
  std::string category;  // contacts
  std::string id;        // contacts.get_contact (unique within the app)
  std::string name;      // the seed's own name
  std::vector<std::string> aliases;
  OpKind kind = OpKind::Action;
  std::string description;
  std::string status = "stable";
  std::vector<std::string> scopes;
  RequestSpec request;
  std::vector<InputSpec> inputs;
  // Safe to send twice with the same effect (GET, PUT, DELETE by default; upserts say so).
  bool idempotent = false;
  std::optional<LookupSpec> lookup;
  std::optional<TimeWindow> window;  // triggers only
  std::optional<SinceFilter> since;  // triggers only
  // Why a list trigger of new records reads its whole list on every sweep: the API offers no
  // newest-first order, start position or date range to ask for only what is new.
  std::string fullSweep;

  // Triggers only.
  std::string records;  // JSON pointer to the array (or the object for single)
  RecordShape shape = RecordShape::List;
  std::string recordId;
  DetectMode detect = DetectMode::New;
  std::string version;  // JSON pointer; empty = content hash
  std::string orderBy;
  SortOrder order = SortOrder::Unknown;
  Pagination paginate;

  std::vector<SpecException> specExceptions;
  SourceLocation where;

  std::string fullId() const { return app + "." + id; }
  const InputSpec* input(const std::string& inputName) const;
  bool hasSpecException(const std::string& check) const;
  // Whether a list trigger of new records needs to say why it reads its whole list: it is
  // not read newest first by order_by, has no `since` filter and no time `window`.
  bool needsFullSweepReason() const;
};

}  // namespace sluice
