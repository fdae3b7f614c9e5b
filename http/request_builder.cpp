#include "http/request_builder.h"

#include <rapidjson/pointer.h>

#include "core/form_encoding.h"

namespace sluice {

JsonValue connectionJson(const Connection& connection, JsonAlloc& alloc) {
  JsonValue obj(rapidjson::kObjectType);
  for (const auto& [k, v] : connection.settings)
    obj.AddMember(jsonString(k, alloc), jsonString(v, alloc), alloc);
  obj.AddMember("name", jsonString(connection.name, alloc), alloc);
  return obj;
}

namespace {

void setMember(JsonValue& obj, const std::string& key, JsonValue value, JsonAlloc& alloc) {
  auto it = obj.FindMember(rapidjson::StringRef(key.c_str(), key.size()));
  if (it != obj.MemberEnd())
    it->value = std::move(value);
  else
    obj.AddMember(jsonString(key, alloc), std::move(value), alloc);
}

// Query string for JSON apps: arrays repeat the key; objects are sent as JSON text.
std::string plainQuery(const JsonValue& query) {
  std::string out;
  for (const auto& m : query.GetObject()) {
    const std::string key(m.name.GetString(), m.name.GetStringLength());
    auto add = [&](const JsonValue& v) {
      if (v.IsNull()) return;
      out += (out.empty() ? "" : "&") + urlEncode(key) + "=" + urlEncode(jsonText(v));
    };
    if (m.value.IsArray())
      for (const auto& item : m.value.GetArray()) add(item);
    else
      add(m.value);
  }
  return out;
}

}  // namespace

namespace {

// The inputs with the catalog's defaults filled in where the flow gave none; a required input
// without a value is an error naming the operation.
void fillInputDefaults(const Operation& op, const MapScope& scope, JsonValue& allInputs,
                       JsonAlloc& alloc) {
  for (const auto& in : op.inputs) {
    if (allInputs.HasMember(in.name.c_str()) && !allInputs[in.name.c_str()].IsNull()) continue;
    if (in.defaultValue) {
      JsonValue v = in.defaultValue->render(scope, alloc);
      if (!v.IsNull() && !(v.IsString() && v.GetStringLength() == 0)) {
        setMember(allInputs, in.name, std::move(v), alloc);
        continue;
      }
    }
    if (in.required) throw Error(op.fullId() + ": required input '" + in.name + "' has no value");
  }
}

// The path with each {param} replaced by its input, percent-encoded; empty ones are errors.
std::string expandPathTemplate(const Operation& op, const JsonValue& allInputs) {
  std::string path;
  const std::string& tmpl = op.request.path;
  for (size_t i = 0; i < tmpl.size();) {
    if (tmpl[i] != '{') {
      path += tmpl[i++];
      continue;
    }
    const size_t close = tmpl.find('}', i);
    const std::string name = tmpl.substr(i + 1, close - i - 1);
    const InputSpec* spec = nullptr;
    for (const auto& in : op.inputs)
      if (in.in == InputLocation::Path && in.wireName() == name) spec = &in;
    const JsonValue* v =
        spec && allInputs.HasMember(spec->name.c_str()) ? &allInputs[spec->name.c_str()] : nullptr;
    const std::string text = v ? jsonText(*v) : "";
    if (text.empty()) throw Error(op.fullId() + ": path parameter '" + name + "' is empty");
    path += urlEncode(text);
    i = close + 1;
  }
  return path;
}

// Each input in its place: the query, a body pointer, or a body field.
void placeInputs(const Operation& op, const JsonValue& allInputs, JsonValue& query, JsonValue& body,
                 JsonAlloc& alloc) {
  for (const auto& in : op.inputs) {
    if (in.in == InputLocation::Path || !allInputs.HasMember(in.name.c_str())) continue;
    JsonValue v(allInputs[in.name.c_str()], alloc);
    if (v.IsNull()) continue;
    if (in.in == InputLocation::Query) {
      setMember(query, in.wireName(), std::move(v), alloc);
    } else if (!in.field.empty() && in.field[0] == '/') {
      rapidjson::Pointer(in.field.c_str()).Set(body, v, alloc);
    } else {
      if (!body.IsObject()) body.SetObject();
      setMember(body, in.wireName(), std::move(v), alloc);
    }
  }
}

void placePageParams(const PageParams& page, JsonValue& query, JsonValue& body, JsonAlloc& alloc) {
  for (const auto& [name, value] : page.values) {
    JsonValue v(value, alloc);
    if (page.inBody) {
      if (!body.IsObject()) body.SetObject();
      setMember(body, name, std::move(v), alloc);
    } else {
      setMember(query, name, std::move(v), alloc);
    }
  }
}

// The app's headers, overridden by the operation's.
void applyHeaderTemplates(const App& app, const Operation& op, const MapScope& scope,
                          HttpRequest& req) {
  for (const auto* list : {&app.headers, &op.request.headers})
    for (const auto& [name, value] : *list) {
      const std::string text = value.renderText(scope);
      bool replaced = false;
      for (auto& h : req.headers)
        if (h.first == name) {
          h.second = text;
          replaced = true;
        }
      if (!replaced) req.headers.emplace_back(name, text);
    }
}

}  // namespace

HttpRequest buildRequest(const App& app, const Operation& op, const Connection& connection,
                         const JsonValue& inputs, const PageParams* page) {
  JsonDoc scratch;
  auto& alloc = scratch.GetAllocator();
  // Scope for the catalog's own templates: connection settings and the inputs.
  JsonValue conn = connectionJson(connection, alloc);
  JsonValue allInputs(rapidjson::kObjectType);
  if (inputs.IsObject())
    for (const auto& m : inputs.GetObject())
      allInputs.AddMember(JsonValue(m.name, alloc), JsonValue(m.value, alloc), alloc);
  MapScope scope;
  scope.set("connection", &conn);
  scope.set("inputs", &allInputs);
  fillInputDefaults(op, scope, allInputs, alloc);

  HttpRequest req;
  req.method = op.request.method;
  req.timeoutMs = connection.timeoutMs;
  const std::string path = expandPathTemplate(op, allInputs);
  // Query and body: fixed parts first, then inputs, then pagination.
  JsonValue query = op.request.query.isNull() ? JsonValue(rapidjson::kObjectType)
                                              : op.request.query.render(scope, alloc);
  JsonValue body = op.request.body.isNull() ? JsonValue() : op.request.body.render(scope, alloc);
  placeInputs(op, allInputs, query, body, alloc);
  if (page) placePageParams(*page, query, body, alloc);

  const std::string encoding = op.request.encoding.empty() ? app.encoding : op.request.encoding;
  const std::string queryText = encoding == "form" ? formEncode(query) : plainQuery(query);
  req.url = connection.baseUrl + path + (queryText.empty() ? "" : "?" + queryText);
  applyHeaderTemplates(app, op, scope, req);
  if (!body.IsNull() && req.method != "GET") {
    const bool form = encoding == "form";
    req.body = form ? formEncode(body) : toJson(body);
    req.headers.emplace_back("Content-Type",
                             form ? "application/x-www-form-urlencoded" : "application/json");
  }
  return req;
}

}  // namespace sluice
