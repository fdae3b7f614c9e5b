// Checks catalog operations against the vendors' OpenAPI specs: the method and path exist
// (path parameters matched by position), scopes equal the spec's where it has them, the
// Version header is one the spec allows, and every parameter or body field the spec marks
// required is an input or fixed in the request. An operation may declare a reasoned
// spec_exception for a check; the report lists those instead of failing.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "catalog/catalog.h"

namespace sluice {

struct ConformanceFinding {
  std::string op;     // full id
  std::string check;  // path | scopes | version | params | body
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

  // Findings for every operation of the app (excused ones included, marked).
  std::vector<ConformanceFinding> check(const App& app);

 private:
  std::string root_;
  std::vector<std::pair<std::string, std::unique_ptr<SpecIndex>>> indexes_;
  SpecIndex& indexFor(const App& app);
};

}  // namespace sluice
