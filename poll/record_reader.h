// Reads the records of one page the way the catalog describes them: where the list (or the
// single record) is, each record's id, its version (updated/changed triggers: the version
// field, else a hash of the record) and its order value. A body that does not fit names the
// field; the poll then fails with the operation and that field (ResponseError).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "catalog/operation.h"
#include "core/json.h"

namespace sluice {

struct Record {
  std::string id;
  std::string version;  // "" for triggers that detect new records only
  std::string json;
  const JsonValue* order = nullptr;  // into the page document, which the poll keeps alive
};

struct RecordProblem {
  std::string field;
  std::string what;
};

// Upper bound against hostile or broken servers.
constexpr size_t kMaxRecordsPerPage = 1000;

// The page's records (one for single-record operations).
std::optional<RecordProblem> pageItems(const Operation& op, const JsonValue& body,
                                       std::vector<const JsonValue*>& items);
std::optional<RecordProblem> readRecord(const Operation& op, const JsonValue& item, Record& out);

}  // namespace sluice
