// Checks catalog operations against the vendors' OpenAPI specs: the method and path exist
// (path parameters matched by position), scopes equal the spec's where it has them, the
// Version header is one the spec allows, and every parameter or body field the spec marks
// required is an input or fixed in the request, and every lookup fits the spec (see
// checkLookups). An operation may declare a reasoned
// spec_exception for a check; the report lists those instead of failing.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace sluice {

struct ConformanceFinding {
  std::string op;     // full id
  std::string check;  // path | scopes | version | params | headers | body | lookup
  std::string message;
  SourceLocation where;
  bool excused = false;  // the op declared a spec_exception for this check
  std::string reason;    // the exception's reason when excused
};

class SpecIndex;

class SpecConformance {
 public:
  // specsRoot: the folder holding ghl/, stripe/ (../shared/specs).
  explicit SpecConformance(std::string specsRoot);
  ~SpecConformance();

  // Findings for every operation of the app (excused ones included, marked), lookups included.
  std::vector<ConformanceFinding> check(const App& app);
  // Only the lookups (check "lookup"): the lookup operation is a GET in the spec; `records`
  // names an array or an object in its 2xx response schema; every `match` pointer names a
  // property of that record schema; `result` is in the action's own 2xx response schema; the
  // `with` and `match` templates read only inputs of the action that declares the lookup, and
  // `with` names inputs of the lookup operation.
  std::vector<ConformanceFinding> checkLookups(const App& app);
  // The app's spec, loaded on first use (also what spec_request_check reads). Throws
  // CatalogError when the app names no readable spec.
  SpecIndex& indexFor(const App& app);

 private:
  void checkLookup(const App& app, const Operation& op, std::vector<ConformanceFinding>& out);
  // The lookup operation's answer: a GET whose records, match and sent fields are in its 2xx
  // response schema.
  void checkLookupRecords(const App& app, const Operation& op,
                          const std::function<void(const std::string&)>& report);
  std::string root_;
  std::vector<std::pair<std::string, std::unique_ptr<SpecIndex>>> indexes_;
};

}  // namespace sluice
