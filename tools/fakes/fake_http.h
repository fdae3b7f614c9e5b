// The request/response values the fake servers' handlers work on, and a small path router.
// Handlers never touch Poco objects: that keeps them easy to call under one lock and lets
// faults rewrite a finished response before it goes out.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

#include "tools/fakes/form_decode.h"

namespace sluice::fakes {

// ASCII lower case (header names, emails).
std::string lower(std::string s);

struct HttpRequest {
  std::string method;
  std::string path;  // decoded, without the query
  std::string rawQuery;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-cased names
  FormPairs query;                             // decoded query pairs, in order

  std::string header(const std::string& name) const;
  bool hasHeader(const std::string& name) const;
  std::string param(const std::string& name, const std::string& def = "") const;
  bool hasParam(const std::string& name) const;
  bool isMutating() const { return method == "POST" || method == "PUT" || method == "DELETE"; }
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string contentType = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // A mutating method that changed nothing (a search, a replay, a token grant) clears this,
  // so the effects ledger holds only real state changes.
  bool effect = true;

  void setHeader(const std::string& name, const std::string& value);
  std::string header(const std::string& name) const;
  static HttpResponse json(int status, const rapidjson::Value& value);
  static HttpResponse json(int status, std::string body);
};

using PathParams = std::map<std::string, std::string>;
using RouteHandler = std::function<HttpResponse(const HttpRequest&, const PathParams&)>;

// Routes like "/v1/customers/{id}/confirm". A literal segment beats a parameter, so
// "/contacts/search" wins over "/contacts/{contactId}" whatever the registration order.
class Router {
 public:
  struct Match {
    const RouteHandler* handler = nullptr;
    std::string pattern;
    PathParams params;
  };

  void add(const std::string& method, const std::string& pattern, RouteHandler handler);
  std::optional<Match> match(const std::string& method, const std::string& path) const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

std::vector<std::string> splitPath(const std::string& path);

}  // namespace sluice::fakes
