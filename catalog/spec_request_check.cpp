#include "catalog/spec_request_check.h"

#include <algorithm>

#include "catalog/spec_request_rules.h"
#include "catalog/spec_schema_check.h"
#include "core/form_decoding.h"

namespace sluice {

const char* toString(RequestIssue issue) {
  switch (issue) {
    case RequestIssue::PathMethod:
      return "path/method";
    case RequestIssue::UnknownParam:
      return "unknown parameter";
    case RequestIssue::UnknownSubKey:
      return "unknown sub-key";
    case RequestIssue::Type:
      return "type";
    case RequestIssue::Enum:
      return "enum";
    case RequestIssue::Required:
      return "required";
    case RequestIssue::Header:
      return "header";
    case RequestIssue::Body:
      return "body";
  }
  return "?";
}

std::string RequestFinding::check() const {
  if (issue == RequestIssue::PathMethod) return "path";
  return in == "body" ? "body" : "params";
}

namespace {

struct UrlParts {
  std::string path;
  std::string query;
};

// scheme://host[:port]/path?query#fragment -> path and query (a bare /path?query works too).
UrlParts splitUrl(const std::string& url) {
  size_t start = 0;
  if (const size_t scheme = url.find("://"); scheme != std::string::npos)
    start = std::min(url.find('/', scheme + 3), url.size());
  const std::string rest = url.substr(start, url.find('#', start) - start);
  const size_t q = rest.find('?');
  UrlParts parts{rest.substr(0, q), q == std::string::npos ? "" : rest.substr(q + 1)};
  if (parts.path.empty()) parts.path = "/";
  return parts;
}

bool sameName(const std::string& a, const std::string& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

// The header's value (names compare case-insensitively); nullptr when absent.
const std::string* headerOf(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers)
    if (sameName(key, name)) return &value;
  return nullptr;
}

// The spec's parameter objects of an operation ($refs resolved) that are `in` there.
std::vector<const JsonValue*> specParams(const SpecIndex::Entry& entry, const std::string& in) {
  std::vector<const JsonValue*> out;
  const JsonValue* params = jsonAt(*entry.op, "/parameters");
  if (!params || !params->IsArray()) return out;
  for (const auto& raw : params->GetArray()) {
    const JsonValue* p = spec_rules::resolveRef(*entry.doc, &raw);
    const JsonValue* where = p ? jsonAt(*p, "/in") : nullptr;
    if (where && where->IsString() && in == where->GetString() && jsonAt(*p, "/name"))
      out.push_back(p);
  }
  return out;
}

bool isRequired(const JsonValue& param) {
  const JsonValue* required = jsonAt(param, "/required");
  return required && required->IsBool() && required->GetBool();
}

void addAll(std::vector<RequestFinding>& out, std::vector<RequestFinding> more) {
  out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

std::string paramName(const JsonValue& param) {
  return jsonText(param["name"]);
}

// Each {placeholder} segment of the spec's path against its path parameter's schema.
void checkPathParams(const SpecIndex::Entry& entry, const std::string& path,
                     std::vector<RequestFinding>& out) {
  const std::vector<std::string> spec = pathSegments(entry.path), sent = pathSegments(path);
  const auto params = specParams(entry, "path");
  for (size_t i = 0; i < spec.size() && i < sent.size(); ++i) {
    if (spec[i].size() < 2 || spec[i].front() != '{' || spec[i].back() != '}') continue;
    const std::string name = spec[i].substr(1, spec[i].size() - 2);
    FormNode node;
    node.key = node.name = name;
    node.hasValue = true;
    node.value = percentDecode(sent[i], false);
    for (const JsonValue* p : params)
      if (name == paramName(*p))
        if (const JsonValue* schema = jsonAt(*p, "/schema"))
          addAll(out, spec_schema::checkValue(*entry.doc, *schema, node, "path"));
  }
}

// Every query parameter declared and of its schema; every required one sent.
void checkQuery(const SpecIndex::Entry& entry, const std::string& query,
                std::vector<RequestFinding>& out) {
  std::vector<std::string> malformed;
  const FormNode tree = formTree(parseFormPairs(query), &malformed);
  for (const auto& key : malformed)
    out.push_back({RequestIssue::UnknownParam, "query", key, key + ": not a well-formed key"});
  const auto params = specParams(entry, "query");
  for (const auto& node : tree.children) {
    const JsonValue* param = nullptr;
    for (const JsonValue* p : params)
      if (node.key == paramName(*p)) param = p;
    const JsonValue* schema = param ? jsonAt(*param, "/schema") : nullptr;
    if (!param)
      out.push_back({RequestIssue::UnknownParam, "query", node.name,
                     node.name + ": not a query parameter of this operation"});
    else if (schema)
      addAll(out, spec_schema::checkValue(*entry.doc, *schema, node, "query"));
  }
  for (const JsonValue* p : params)
    if (isRequired(*p) && !tree.child(paramName(*p)))
      out.push_back(
          {RequestIssue::Required, "query", paramName(*p), paramName(*p) + ": required, not sent"});
}

// The body: one the spec takes for this method, of a content type it lists; a form body's
// fields checked against its schema (the top-level required ones even when no body is sent).
void checkBody(const SpecIndex::Entry& entry, const HttpRequest& request,
               std::vector<RequestFinding>& out) {
  const JsonValue* content = jsonAt(*entry.op, "/requestBody/content");
  const std::string* type = headerOf(request, "Content-Type");
  const std::string mediaType = type ? type->substr(0, type->find(';')) : "";
  if (!request.body.empty() && (request.method == "GET" || !content || !content->IsObject() ||
                                !content->HasMember(mediaType.c_str()))) {
    out.push_back(
        {RequestIssue::Body, "body", "",
         request.method + " " + entry.path + " takes no body of type '" + mediaType + "'"});
    return;
  }
  const JsonValue* form =
      content ? jsonAt(*content, "/application~1x-www-form-urlencoded/schema") : nullptr;
  if (!form || request.method == "GET" ||
      (!request.body.empty() && !mediaType.empty() &&
       mediaType != "application/x-www-form-urlencoded"))
    return;  // JSON bodies are not checked here
  std::vector<std::string> malformed;
  const FormNode tree = formTree(parseFormPairs(request.body), &malformed);
  for (const auto& key : malformed)
    out.push_back({RequestIssue::UnknownParam, "body", key, key + ": not a well-formed key"});
  addAll(out, spec_schema::checkValue(*entry.doc, *form, tree, "body", true));
}

}  // namespace

std::vector<RequestFinding> checkRequest(const SpecIndex& spec, const HttpRequest& request) {
  std::vector<RequestFinding> out;
  const UrlParts url = splitUrl(request.url);
  const SpecIndex::Entry* entry = spec.match(request.method, url.path);
  if (!entry) {
    std::string methods;
    for (const auto& m : spec.methodsAt(url.path)) methods += (methods.empty() ? "" : ", ") + m;
    out.push_back(
        {RequestIssue::PathMethod, "path", "",
         request.method + " " + url.path + " is not in the spec" +
             (methods.empty() ? " (no such path)" : " (the path takes " + methods + ")")});
    return out;
  }
  checkPathParams(*entry, url.path, out);
  checkQuery(*entry, url.query, out);
  checkBody(*entry, request, out);
  if (headerOf(request, "Idempotency-Key") && request.method != "POST")
    out.push_back({RequestIssue::Header, "header", "Idempotency-Key",
                   "Idempotency-Key on a " + request.method + "; it belongs on POST only"});
  return out;
}

}  // namespace sluice
