// Checks one built HTTP request against the vendor's OpenAPI spec, as the vendor would read it:
// the method and path exist (the spec's {placeholders} match one segment each, literal
// segments win), every query parameter and form-body field is declared, Stripe's bracket forms
// decoded against the schema (a[b][c] for objects, a[0][b] and a[] for arrays), each value has
// the schema's type as form text (integer, number, boolean true/false, string), lies in its
// enum and within its maxLength, every required path, query and body parameter is there
// (required sub-keys of a sent object too), and the Idempotency-Key header rides on POST only.
// anyOf: a value fits when it fits any branch (Stripe's "" unsets an object: enum [""]).
// JSON bodies are not checked here (no app needs it yet); only form bodies are.
#pragma once

#include <string>
#include <vector>

#include "catalog/spec_index.h"
#include "core/http.h"

namespace sluice {

enum class RequestIssue {
  PathMethod,     // no such method at this path in the spec
  UnknownParam,   // a query parameter or top-level body field the spec does not declare
  UnknownSubKey,  // a bracket sub-key the schema does not have (or a scalar given sub-keys)
  Type,           // a value that is not of the schema's type (or format, or maxLength)
  Enum,           // a value outside the schema's enum
  Required,       // a required parameter, body field or sub-key is missing
  Header,         // a header the method must not carry (Idempotency-Key off POST)
  Body,           // a body the spec does not take there (GET, wrong content type)
};

const char* toString(RequestIssue issue);

struct RequestFinding {
  RequestIssue issue;
  std::string in;     // path | query | body | header
  std::string param;  // the key as sent (items[0][price]); the header's name; "" for the path
  std::string message;

  // The catalog's spec_exceptions check the finding falls under (catalog/SCHEMA.md): "path" for
  // a method and path the spec lacks, "body" for what the form body carries, "params" for path
  // and query parameters and headers (as the static conformance check files them).
  std::string check() const;
};

// Findings of the request against the spec; empty when the vendor would take it as sent.
std::vector<RequestFinding> checkRequest(const SpecIndex& spec, const HttpRequest& request);

}  // namespace sluice
