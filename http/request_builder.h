// Turns a catalog operation plus a flow's inputs into an HTTP request: path parameters,
// query, body (JSON or bracketed form) and headers, as the catalog declares them. Pure: no
// network, no auth (the connector adds that).
#pragma once

#include <string>
#include <vector>

#include "catalog/app.h"
#include "config/config.h"
#include "core/http.h"
#include "core/json.h"

namespace sluice {

// Pagination parameters of one page, placed in the query or the body.
struct PageParams {
  bool inBody = false;
  std::vector<std::pair<std::string, JsonValue>> values;
};

// The settings of a connection as a JSON object (the `connection` template root).
JsonValue connectionJson(const Connection& connection, JsonAlloc& alloc);

// inputs: an object of input name -> value (already rendered). Inputs with defaults that are
// not given get their default. Throws Error naming the op and input when a required input is
// missing or a path parameter is empty.
HttpRequest buildRequest(const App& app, const Operation& op, const Connection& connection,
                         const JsonValue& inputs, const PageParams* page = nullptr);

}  // namespace sluice
