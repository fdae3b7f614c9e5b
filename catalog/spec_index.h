// One vendor's OpenAPI documents, indexed by method and path: what the conformance check of the
// catalog (spec_conformance) and the check of built requests (spec_request_check) read.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/json.h"

namespace sluice {

class SpecIndex {
 public:
  struct Entry {
    const JsonDoc* doc = nullptr;  // the file it came from, for $ref resolution
    const JsonValue* op = nullptr;
    std::string file;
    std::string method;  // upper case
    std::string path;    // as written in the spec
  };

  // Every *.json of a folder (in name order) or one file. Throws CatalogError when a file
  // cannot be read.
  static std::unique_ptr<SpecIndex> load(const std::string& fileOrFolder);
  void addFile(const std::string& path);

  // By a path template: placeholders match by position, whatever their names.
  const Entry* find(const std::string& method, const std::string& pathTemplate) const;
  // By a concrete request path (/v1/customers/cus_1): each {placeholder} of the spec's path
  // matches one non-empty segment, and where several paths match, the one with more literal
  // segments wins (/v1/customers/search over /v1/customers/{customer}).
  const Entry* match(const std::string& method, const std::string& requestPath) const;
  // The methods the spec declares for a concrete request path (for messages).
  std::vector<std::string> methodsAt(const std::string& requestPath) const;

 private:
  std::vector<std::unique_ptr<JsonDoc>> docs_;
  std::map<std::string, Entry> entries_;  // "METHOD /normalized/{}/path"
};

// "/contacts/{contactId}/notes/{id}" -> "/contacts/{}/notes/{}"
std::string normalizeSpecPath(const std::string& path);
// The segments between slashes, empty ones kept: "/v1/customers/" -> {"", v1, customers, ""}.
std::vector<std::string> pathSegments(const std::string& path);

}  // namespace sluice
