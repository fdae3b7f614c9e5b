// FakeStripe: request plumbing (auth, form bodies, idempotency), lists, search and control.
// The resources themselves are built in stripe_resources.cpp.
#include "tools/fakes/fake_stripe.h"

#include <algorithm>
#include <sstream>

#include <Poco/Base64Decoder.h>

#include "tools/fakes/fake_json.h"
#include "tools/fakes/form_decode.h"

namespace sluice::fakes {

std::string maskKey(const std::string& key) {
  std::size_t prefixEnd = key.find('_', key.find('_') + 1);
  std::string prefix = prefixEnd == std::string::npos ? "" : key.substr(0, prefixEnd + 1);
  std::string rest = key.substr(prefix.size());
  std::string tail = rest.size() > 4 ? rest.substr(rest.size() - 4) : "";
  return prefix + std::string(rest.size() - tail.size(), '*') + tail;
}

namespace {

constexpr const char* kApiVersion = "2024-04-10";

std::string base64Decode(const std::string& text) {
  std::istringstream in(text);
  Poco::Base64Decoder decoder(in);
  std::string out;
  char c;
  while (decoder.get(c)) out += c;
  return out;
}

// The key from "Bearer sk_..." or from Basic auth with the key as user name (curl -u sk_:).
std::string presentedKey(const HttpRequest& req) {
  std::string auth = req.header("Authorization");
  if (auth.rfind("Bearer ", 0) == 0) return auth.substr(7);
  if (auth.rfind("Basic ", 0) == 0) {
    try {
      std::string user = base64Decode(auth.substr(6));
      return user.substr(0, user.find(':'));
    } catch (...) {
      return "";
    }
  }
  return "";
}

bool isFormBody(const HttpRequest& req) {
  if (req.body.empty()) return true;
  return req.header("Content-Type").rfind("application/x-www-form-urlencoded", 0) == 0;
}

std::int64_t createdOf(const Record& r) {
  return r.createdMs / 1000;
}

bool isDeleted(const Record& r) {
  return json::getBool(r.doc, "deleted", false);
}

// The field as the id it names: "cus_1" stays, an expanded {"id": "cus_1", ...} gives its id.
std::string fieldText(const rapidjson::Value& doc, const char* key) {
  if (!doc.IsObject() || !doc.HasMember(key)) return "";
  const rapidjson::Value& v = doc[key];
  if (v.IsObject()) return json::getString(v, "id");
  if (v.IsNull()) return "";
  return json::asText(v);
}

bool typeMatches(const std::string& pattern, const std::string& type) {
  if (!pattern.empty() && pattern.back() == '*') {
    return type.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  }
  return pattern == type;
}

bool createdMatches(const rapidjson::Value& q, std::int64_t created) {
  if (!q.HasMember("created")) return true;
  const rapidjson::Value& c = q["created"];
  if (!c.IsObject()) return created == json::getInt(q, "created");
  if (c.HasMember("gte") && created < json::getInt(c, "gte")) return false;
  if (c.HasMember("gt") && created <= json::getInt(c, "gt")) return false;
  if (c.HasMember("lte") && created > json::getInt(c, "lte")) return false;
  if (c.HasMember("lt") && created >= json::getInt(c, "lt")) return false;
  return true;
}

bool typeFilterMatches(const rapidjson::Value& q, const rapidjson::Value& doc) {
  std::string type = json::getString(doc, "type");
  if (q.HasMember("type") && !typeMatches(json::getString(q, "type"), type)) return false;
  if (q.HasMember("types") && q["types"].IsArray()) {
    bool any = false;
    for (const auto& t : q["types"].GetArray())
      any = any || (t.IsString() && typeMatches(t.GetString(), type));
    if (!any) return false;
  }
  return true;
}

bool matchesFilters(const Record& r, const rapidjson::Value& q) {
  static const char* kEquals[] = {"customer", "email",  "status",         "product",
                                  "invoice",  "charge", "payment_intent", "subscription",
                                  "currency", "price"};
  for (const char* key : kEquals) {
    if (q.HasMember(key) && q[key].IsString() && fieldText(r.doc, key) != q[key].GetString()) {
      return false;
    }
  }
  if (q.HasMember("active") && json::getBool(q, "active") != json::getBool(r.doc, "active", true)) {
    return false;
  }
  return typeFilterMatches(q, r.doc) && createdMatches(q, createdOf(r));
}

// Newest first; among records of the same second the later-inserted one comes first.
void sortNewestFirst(std::vector<Record*>& records) {
  std::sort(records.begin(), records.end(), [](const Record* a, const Record* b) {
    if (createdOf(*a) != createdOf(*b)) return createdOf(*a) > createdOf(*b);
    return a->seq > b->seq;
  });
}

// One clause of a search query: field:'value', field~'value', metadata['k']:'v', created>N.
struct Clause {
  std::string field;
  std::string metadataKey;
  std::string op;
  std::string value;
};

std::string unquote(std::string s) {
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

std::vector<Clause> parseQuery(const std::string& query) {
  std::vector<Clause> clauses;
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find(" AND ", start);
    std::size_t endLower = query.find(" and ", start);
    end = std::min(end, endLower);
    std::string text = query.substr(start, end == std::string::npos ? end : end - start);
    std::size_t opPos = text.find_first_of(":~<>");
    if (opPos != std::string::npos) {
      Clause c;
      c.field = text.substr(0, opPos);
      std::size_t valueStart = opPos + 1;
      c.op = text.substr(opPos, 1);
      if ((c.op == "<" || c.op == ">") && opPos + 1 < text.size() && text[opPos + 1] == '=') {
        c.op += "=";
        ++valueStart;
      }
      c.value = unquote(text.substr(valueStart));
      if (c.field.rfind("metadata[", 0) == 0) {
        c.metadataKey = unquote(c.field.substr(9, c.field.size() - 10));
        c.field = "metadata";
      }
      clauses.push_back(c);
    }
    if (end == std::string::npos) break;
    start = end + 5;
  }
  return clauses;
}

bool clauseMatches(const Clause& c, const Record& r) {
  if (c.field == "created") {
    std::int64_t v = std::stoll(c.value), t = createdOf(r);
    if (c.op == ">") return t > v;
    if (c.op == ">=") return t >= v;
    if (c.op == "<") return t < v;
    if (c.op == "<=") return t <= v;
    return t == v;
  }
  std::string actual =
      c.field == "metadata"
          ? (r.doc.HasMember("metadata") ? fieldText(r.doc["metadata"], c.metadataKey.c_str()) : "")
          : fieldText(r.doc, c.field.c_str());
  if (c.op == "~") return actual.find(c.value) != std::string::npos;
  return actual == c.value;
}

// Stripe's list shape, {"object", "data": records [begin, begin + count), "has_more"}; the
// caller adds the rest (url, next_page, total_count).
rapidjson::Document stripeListObject(const char* object, const std::vector<Record*>& records,
                                     std::size_t begin, std::size_t count, bool hasMore) {
  rapidjson::Document doc;
  doc.SetObject();
  auto& a = doc.GetAllocator();
  json::setString(doc, "object", object, a);
  rapidjson::Value data(rapidjson::kArrayType);
  for (std::size_t i = begin; i < begin + count; ++i)
    data.PushBack(json::copy(records[i]->doc, a), a);
  json::set(doc, "data", std::move(data), a);
  json::setBool(doc, "has_more", hasMore, a);
  return doc;
}

}  // namespace

FakeStripe::FakeStripe(std::string apiKey) : apiKey_(std::move(apiKey)) {
  registerRoutes();
}

FakeStripe::~FakeStripe() {
  stop();
}

void FakeStripe::setApiKey(const std::string& key) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  apiKey_ = key;
}

std::string FakeStripe::apiKey() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return apiKey_;
}

const std::vector<FakeStripe::KindInfo>& FakeStripe::kinds() {
  static const std::vector<KindInfo> kKinds = {
      {"customers", "cus_", "customer", "customer"},
      {"payment_intents", "pi_", "payment_intent", "payment_intent"},
      {"charges", "ch_", "charge", "charge"},
      {"invoices", "in_", "invoice", "invoice"},
      {"invoiceitems", "ii_", "invoiceitem", "invoiceitem"},
      {"subscriptions", "sub_", "subscription", "customer.subscription"},
      {"products", "prod_", "product", "product"},
      {"prices", "price_", "price", "price"},
      {"refunds", "re_", "refund", "refund"},
      {"payment_methods", "pm_", "payment_method", "payment_method"},
      {"balance_transactions", "txn_", "balance_transaction", ""},
      {"terminal/locations", "tml_", "terminal.location", ""},
      {"events", "evt_", "event", ""},
      {"accounts", "acct_", "account", ""},
  };
  return kKinds;
}

const FakeStripe::KindInfo* FakeStripe::kindInfo(const std::string& kind) {
  std::string k = kind == "terminal_locations" ? "terminal/locations" : kind;
  for (const KindInfo& info : kinds()) {
    if (info.kind == k) return &info;
  }
  return nullptr;
}

HttpResponse FakeStripe::errorResponse(const StripeError& e) {
  rapidjson::Document doc;
  doc.SetObject();
  auto& a = doc.GetAllocator();
  rapidjson::Value err(rapidjson::kObjectType);
  if (!e.code.empty()) json::setString(err, "code", e.code, a);
  if (!e.code.empty()) {
    json::setString(err, "doc_url", "https://stripe.com/docs/error-codes/" + e.code, a);
  }
  json::setString(err, "message", e.message, a);
  if (!e.param.empty()) json::setString(err, "param", e.param, a);
  json::setString(err, "type", e.type, a);
  json::set(doc, "error", std::move(err), a);
  HttpResponse resp = HttpResponse::json(e.status, doc);
  resp.effect = false;
  return resp;
}

HttpResponse FakeStripe::apiError(int status, const std::string& message) const {
  std::string type = status == 429   ? "invalid_request_error"
                     : status >= 500 ? "api_error"
                                     : "invalid_request_error";
  std::string code = status == 429 ? "rate_limit" : "";
  return errorResponse(StripeError{status, type, message, code, ""});
}

HttpResponse FakeStripe::notFound(const HttpRequest& req) const {
  return errorResponse(StripeError{404, "invalid_request_error",
                                   "Unrecognized request URL (" + req.method + ": " + req.path +
                                       "). Please see https://stripe.com/docs or we can help at "
                                       "https://support.stripe.com/.",
                                   "", ""});
}

std::string FakeStripe::idempotencyKeyOf(const HttpRequest& req) const {
  return req.header("Idempotency-Key");
}

std::optional<HttpResponse> FakeStripe::preflight(const HttpRequest& req) {
  std::string key = presentedKey(req);
  if (key.empty()) {
    return errorResponse(StripeError{
        401, "invalid_request_error",
        "You did not provide an API key. You need to provide your API key in the Authorization "
        "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        "", ""});
  }
  if (key != apiKey_) {
    return errorResponse(StripeError{401, "invalid_request_error",
                                     "Invalid API Key provided: " + maskKey(key), "", ""});
  }
  if (!isFormBody(req)) {
    return errorResponse(StripeError{
        400, "invalid_request_error",
        "Invalid request: the body must be application/x-www-form-urlencoded (got " +
            req.header("Content-Type") + "). Stripe does not accept JSON request bodies.",
        "", ""});
  }
  return std::nullopt;
}

HttpResponse FakeStripe::dispatchInAccount(const HttpRequest& req) {
  // Stripe scopes idempotency keys per account.
  const std::string header = req.method == "POST" ? req.header("Idempotency-Key") : "";
  std::string key = header.empty() ? "" : store_.space() + "\n" + header;
  if (key.empty()) return FakeServer::dispatch(req);
  if (auto early = preflight(req)) {
    early->effect = false;
    return *early;
  }
  auto it = idempotency_.find(key);
  if (it != idempotency_.end()) {
    const IdempotencyEntry& e = it->second;
    if (e.method != req.method || e.path != req.path || e.body != req.body) {
      return errorResponse(StripeError{
          400, "idempotency_error",
          "Keys for idempotent requests can only be used with the same parameters they were "
          "first used with. Try using a key other than '" +
              header + "' if you meant to execute a different request.",
          "", ""});
    }
    HttpResponse replay = e.response;
    replay.effect = false;
    replay.setHeader("Idempotent-Replayed", "true");
    return replay;
  }
  currentIdempotencyKey_ = header;
  HttpResponse resp = routeRequest(req);
  currentIdempotencyKey_.clear();
  resp.setHeader("Idempotency-Key", header);
  // Stripe saves the result of any request that started executing, errors included, but
  // not a 5xx that may not have run to completion.
  if (resp.status < 500) idempotency_[key] = IdempotencyEntry{req.method, req.path, req.body, resp};
  return resp;
}

void FakeStripe::decorate(HttpResponse& resp) {
  resp.setHeader("Request-Id", ids_.next("req_", 14));
  resp.setHeader("Stripe-Version", kApiVersion);
}

void FakeStripe::onReset() {
  idempotency_.clear();
  accountRequests_.clear();
  invoiceNumber_ = 0;
}

rapidjson::Document FakeStripe::decodeParams(const HttpRequest& req) const {
  rapidjson::Document doc;
  std::string error;
  FormPairs pairs = req.query;
  if (req.method == "POST") {
    FormPairs body = parseUrlEncoded(req.body);
    pairs.insert(pairs.end(), body.begin(), body.end());
  }
  if (!decodeForm(pairs, doc, &error)) {
    throw StripeError{400, "invalid_request_error", error, "parameter_invalid", ""};
  }
  return doc;
}

HttpResponse FakeStripe::handle(const HttpRequest& req,
                                const std::function<HttpResponse(const rapidjson::Value&)>& fn) {
  try {
    rapidjson::Document params = decodeParams(req);
    return fn(params);
  } catch (const StripeError& e) {
    return errorResponse(e);
  }
}

Record& FakeStripe::find(const std::string& kind, const std::string& id, const std::string& param) {
  Record* r = store_.find(kind, id);
  if (!r || (isDeleted(*r) && param != "id")) {
    const KindInfo* info = kindInfo(kind);
    std::string object = info ? info->object : kind;
    std::replace(object.begin(), object.end(), '_', ' ');
    throw StripeError{param == "id" ? 404 : 400, "invalid_request_error",
                      "No such " + object + ": '" + id + "'", "resource_missing", param};
  }
  return *r;
}

Record& FakeStripe::findLive(const std::string& kind, const std::string& id) {
  Record& r = find(kind, id);
  if (isDeleted(r)) {
    throw StripeError{404, "invalid_request_error", "No such " + kind + ": '" + id + "'",
                      "resource_missing", "id"};
  }
  return r;
}

Record& FakeStripe::insert(const KindInfo& info, rapidjson::Document doc) {
  auto& a = doc.GetAllocator();
  std::string id = json::getString(doc, "id");
  if (id.empty())
    id = ids_.next(info.prefix, info.prefix == "cus_" ? 14 : info.prefix == "acct_" ? 16 : 24);
  std::int64_t createdMs = clock_.nowMillis();
  if (doc.HasMember("created") && doc["created"].IsInt64()) {
    createdMs = doc["created"].GetInt64() * 1000;
  }
  // id and object first, like Stripe prints them.
  rapidjson::Document out;
  out.SetObject();
  auto& oa = out.GetAllocator();
  json::setString(out, "id", id, oa);
  json::setString(out, "object", info.object, oa);
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    std::string name = it->name.GetString();
    if (name != "id" && name != "object") json::set(out, name, json::copy(it->value, oa), oa);
  }
  if (info.kind != "terminal/locations" && !out.HasMember("created")) {
    json::setInt(out, "created", createdMs / 1000, oa);
  }
  if (!out.HasMember("livemode")) json::setBool(out, "livemode", false, oa);
  (void)a;
  return store_.insert(info.kind, id, createdMs, std::move(out));
}

void FakeStripe::emit(const std::string& type, const rapidjson::Value& object,
                      const rapidjson::Value* previous) {
  rapidjson::Document doc;
  doc.SetObject();
  auto& a = doc.GetAllocator();
  // A connected account's events name it, as Connect events do.
  if (!store_.space().empty()) json::setString(doc, "account", store_.space(), a);
  json::setString(doc, "api_version", kApiVersion, a);
  rapidjson::Value data(rapidjson::kObjectType);
  json::set(data, "object", json::copy(object, a), a);
  if (previous) json::set(data, "previous_attributes", json::copy(*previous, a), a);
  json::set(doc, "data", std::move(data), a);
  json::setInt(doc, "pending_webhooks", 0, a);
  rapidjson::Value request(rapidjson::kObjectType);
  json::setNull(request, "id", a);
  if (currentIdempotencyKey_.empty()) {
    json::setNull(request, "idempotency_key", a);
  } else {
    json::setString(request, "idempotency_key", currentIdempotencyKey_, a);
  }
  json::set(doc, "request", std::move(request), a);
  json::setString(doc, "type", type, a);
  insert(*kindInfo("events"), std::move(doc));
}

void FakeStripe::announce(const KindInfo& info, const Record& r, const std::string& verb) {
  if (!info.eventScope.empty()) emit(info.eventScope + "." + verb, r.doc);
}

rapidjson::Document FakeStripe::update(const KindInfo& info, const std::string& id,
                                       const Params& params) {
  Record& r = findLive(info.kind, id);
  auto& a = r.doc.GetAllocator();
  rapidjson::Document prev;
  prev.SetObject();
  auto& pa = prev.GetAllocator();
  for (auto it = params.MemberBegin(); it != params.MemberEnd(); ++it) {
    std::string key = it->name.GetString();
    if (key == "expand" || key == "id" || key == "object") continue;
    const rapidjson::Value* old = r.doc.HasMember(key.c_str()) ? &r.doc[key.c_str()] : nullptr;
    if (old && *old == it->value) continue;
    if (key == "metadata" && it->value.IsObject() && old && old->IsObject()) {
      // Like Stripe, previous_attributes.metadata lists only the keys that changed, with
      // null for a key that was added.
      rapidjson::Value changed(rapidjson::kObjectType);
      for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m) {
        const char* name = m->name.GetString();
        const bool had = old->HasMember(name);
        const bool removes = m->value.IsString() && m->value.GetStringLength() == 0;
        if (had ? (*old)[name] == m->value : removes) continue;
        json::set(changed, name, had ? json::copy((*old)[name], pa) : rapidjson::Value(), pa);
      }
      if (changed.MemberCount() == 0) continue;
      json::set(prev, key, std::move(changed), pa);
    } else {
      json::set(prev, key, old ? json::copy(*old, pa) : rapidjson::Value(), pa);
    }
    if (key == "metadata" && it->value.IsObject() && old && old->IsObject()) {
      // Stripe merges metadata; an empty value removes the key.
      rapidjson::Value merged = json::copy(*old, a);
      for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m) {
        if (m->value.IsString() && m->value.GetStringLength() == 0) {
          merged.RemoveMember(m->name.GetString());
        } else {
          json::set(merged, m->name.GetString(), json::copy(m->value, a), a);
        }
      }
      json::set(r.doc, key, std::move(merged), a);
    } else {
      json::set(r.doc, key, json::copy(it->value, a), a);
    }
    if (key == "created" && it->value.IsInt64()) r.createdMs = it->value.GetInt64() * 1000;
  }
  if (prev.MemberCount() > 0 && !info.eventScope.empty()) {
    emit(info.eventScope + ".updated", r.doc, &prev);
  }
  return copyDoc(r.doc);
}

HttpResponse FakeStripe::remove(const KindInfo& info, const std::string& id) {
  Record& r = findLive(info.kind, id);
  if (info.kind == "invoices" && json::getString(r.doc, "status") != "draft") {
    throw StripeError{400, "invalid_request_error",
                      "You can only delete draft invoices. Use void for finalized invoices.", "",
                      ""};
  }
  if (!info.eventScope.empty()) emit(info.eventScope + ".deleted", r.doc);
  // Keep a tombstone: a retrieve of a deleted object answers {"deleted": true}.
  rapidjson::Document stub;
  stub.SetObject();
  auto& a = stub.GetAllocator();
  json::setString(stub, "id", r.id, a);
  json::setString(stub, "object", info.object, a);
  json::setBool(stub, "deleted", true, a);
  r.doc.CopyFrom(stub, r.doc.GetAllocator());
  return HttpResponse::json(200, stub);
}

HttpResponse FakeStripe::list(const KindInfo& info, const HttpRequest& req) {
  return handle(req, [&](const rapidjson::Value& q) {
    std::int64_t limit = json::getInt(q, "limit", 10);
    if (limit < 1 || limit > 100) {
      throw StripeError{400, "invalid_request_error", "Invalid limit: must be between 1 and 100",
                        "parameter_invalid_integer", "limit"};
    }
    // Subscriptions list leaves canceled ones out unless asked (status=canceled or all).
    bool subscriptions = info.kind == "subscriptions";
    std::string status = json::getString(q, "status");
    rapidjson::Document filters;
    filters.CopyFrom(q, filters.GetAllocator());
    if (subscriptions && status == "all") filters.RemoveMember("status");
    std::vector<Record*> records;
    for (Record* r : store_.all(info.kind)) {
      if (isDeleted(*r) || !matchesFilters(*r, filters)) continue;
      if (subscriptions && status.empty() && json::getString(r->doc, "status") == "canceled") {
        continue;
      }
      records.push_back(r);
    }
    sortNewestFirst(records);
    std::size_t begin = 0, end = records.size();
    auto position = [&](const char* param) {
      std::string cursor = json::getString(q, param);
      find(info.kind, cursor, param);
      auto it = std::find_if(records.begin(), records.end(),
                             [&](const Record* r) { return r->id == cursor; });
      return static_cast<std::size_t>(it - records.begin());
    };
    bool backwards = json::has(q, "ending_before");
    if (json::has(q, "starting_after")) begin = std::min(position("starting_after") + 1, end);
    if (backwards) end = std::min(position("ending_before"), records.size());
    std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(limit), end - begin);
    // ending_before pages toward newer records: take the ones right before the cursor.
    if (backwards) begin = end - count;
    bool hasMore = backwards ? begin > 0 : begin + count < end;
    rapidjson::Document doc = stripeListObject("list", records, begin, count, hasMore);
    json::setString(doc, "url", "/v1/" + info.kind, doc.GetAllocator());
    return HttpResponse::json(200, doc);
  });
}

HttpResponse FakeStripe::search(const KindInfo& info, const HttpRequest& req) {
  return handle(req, [&](const rapidjson::Value& q) {
    std::string query = json::getString(q, "query");
    if (query.empty()) {
      throw StripeError{400, "invalid_request_error", "Missing required param: query.",
                        "parameter_missing", "query"};
    }
    std::vector<Clause> clauses = parseQuery(query);
    std::vector<Record*> records;
    for (Record* r : store_.all(info.kind)) {
      bool ok = !isDeleted(*r);
      for (const Clause& c : clauses) ok = ok && clauseMatches(c, *r);
      if (ok) records.push_back(r);
    }
    sortNewestFirst(records);
    std::size_t limit =
        static_cast<std::size_t>(std::clamp<std::int64_t>(json::getInt(q, "limit", 10), 1, 100));
    std::string page = json::getString(q, "page");
    std::size_t offset = page.rfind("page_", 0) == 0 ? std::stoul(page.substr(5)) : 0;
    offset = std::min(offset, records.size());
    std::size_t count = std::min(limit, records.size() - offset);
    bool more = offset + count < records.size();
    rapidjson::Document doc = stripeListObject("search_result", records, offset, count, more);
    auto& a = doc.GetAllocator();
    if (more) {
      json::setString(doc, "next_page", "page_" + std::to_string(offset + count), a);
    } else {
      json::setNull(doc, "next_page", a);
    }
    json::setInt(doc, "total_count", static_cast<std::int64_t>(records.size()), a);
    json::setString(doc, "url", "/v1/" + info.kind + "/search", a);
    HttpResponse resp = HttpResponse::json(200, doc);
    return resp;
  });
}

void FakeStripe::registerCrud(const KindInfo& info) {
  const std::string base = "/v1/" + info.kind;
  const KindInfo* k = &info;
  route("GET", base,
        [this, k](const HttpRequest& req, const PathParams&) { return list(*k, req); });
  route("GET", base + "/{id}", [this, k](const HttpRequest& req, const PathParams& p) {
    return handle(req, [&](const rapidjson::Value&) {
      return HttpResponse::json(200, find(k->kind, p.at("id")).doc);
    });
  });
  if (info.kind == "balance_transactions" || info.kind == "events") return;
  route("POST", base, [this, k](const HttpRequest& req, const PathParams&) {
    return handle(req, [&](const rapidjson::Value& params) {
      return HttpResponse::json(200, createResource(*k, params));
    });
  });
  route("POST", base + "/{id}", [this, k](const HttpRequest& req, const PathParams& p) {
    return handle(req, [&](const rapidjson::Value& params) {
      return HttpResponse::json(200, update(*k, p.at("id"), params));
    });
  });
  static const std::vector<std::string> kSearchable = {
      "customers", "payment_intents", "invoices", "charges", "subscriptions", "products", "prices"};
  if (std::count(kSearchable.begin(), kSearchable.end(), info.kind)) {
    route("GET", base + "/search",
          [this, k](const HttpRequest& req, const PathParams&) { return search(*k, req); });
  }
  static const std::vector<std::string> kDeletable = {"customers", "products", "invoiceitems",
                                                      "invoices", "terminal/locations"};
  if (std::count(kDeletable.begin(), kDeletable.end(), info.kind)) {
    route("DELETE", base + "/{id}", [this, k](const HttpRequest& req, const PathParams& p) {
      return handle(req, [&](const rapidjson::Value&) { return remove(*k, p.at("id")); });
    });
  }
}

void FakeStripe::registerRoutes() {
  for (const KindInfo& info : kinds()) registerCrud(info);
  registerActions();
}

void FakeStripe::registerActions() {
  auto action = [this](const std::string& pattern,
                       std::function<rapidjson::Document(const std::string&, const Params&)> fn) {
    route("POST", pattern, [this, fn](const HttpRequest& req, const PathParams& p) {
      return handle(req, [&](const rapidjson::Value& params) {
        return HttpResponse::json(200, fn(p.at("id"), params));
      });
    });
  };
  action("/v1/payment_intents/{id}/confirm",
         [this](const std::string& id, const Params& p) { return confirmPaymentIntent(id, p); });
  action("/v1/payment_intents/{id}/capture",
         [this](const std::string& id, const Params&) { return capturePaymentIntent(id); });
  action("/v1/payment_intents/{id}/cancel",
         [this](const std::string& id, const Params&) { return cancelPaymentIntent(id); });
  for (const char* verb : {"finalize", "send", "void", "pay", "mark_uncollectible"}) {
    std::string v = verb;
    action("/v1/invoices/{id}/" + v,
           [this, v](const std::string& id, const Params& p) { return invoiceAction(id, v, p); });
  }
  action("/v1/payment_methods/{id}/attach", [this](const std::string& id, const Params& p) {
    return attachPaymentMethod(id, p, true);
  });
  action("/v1/payment_methods/{id}/detach", [this](const std::string& id, const Params& p) {
    return attachPaymentMethod(id, p, false);
  });
  route("DELETE", "/v1/subscriptions/{id}", [this](const HttpRequest& req, const PathParams& p) {
    return handle(req, [&](const rapidjson::Value&) {
      return HttpResponse::json(200, cancelSubscription(p.at("id")));
    });
  });
  route("GET", "/v1/balance", [this](const HttpRequest& req, const PathParams&) {
    return handle(req, [&](const rapidjson::Value&) { return balance(); });
  });
}

// --- control ---

rapidjson::Document FakeStripe::controlCreate(const std::string& kind,
                                              const rapidjson::Value& fields) {
  const KindInfo* info = kindInfo(kind);
  if (!info) throw ControlError(404, "unknown Stripe kind: " + kind);
  try {
    rapidjson::Document doc = build(*info, fields);
    // Given fields win over the defaults, except a subscription's `items` ([{price}]), which
    // the builder turned into the list object Stripe returns.
    rapidjson::Document given;
    given.CopyFrom(fields, given.GetAllocator());
    if (info->kind == "subscriptions" && given.IsObject()) given.RemoveMember("items");
    json::assign(doc, given, doc.GetAllocator());
    Record& r = insert(*info, std::move(doc));
    announce(*info, r, "created");
    return copyDoc(r.doc);
  } catch (const StripeError& e) {
    throw ControlError(e.status, e.message);
  }
}

rapidjson::Document FakeStripe::controlUpdate(const std::string& kind, const std::string& id,
                                              const rapidjson::Value& fields) {
  const KindInfo* info = kindInfo(kind);
  if (!info) throw ControlError(404, "unknown Stripe kind: " + kind);
  try {
    return update(*info, id, fields);
  } catch (const StripeError& e) {
    throw ControlError(e.status, e.message);
  }
}

void FakeStripe::controlDelete(const std::string& kind, const std::string& id) {
  if (kind == "accounts") return deauthorizeAccount(id);
  const KindInfo* info = kindInfo(kind);
  if (!info) throw ControlError(404, "unknown Stripe kind: " + kind);
  try {
    remove(*info, id);
  } catch (const StripeError& e) {
    throw ControlError(e.status, e.message);
  }
}

bool FakeStripe::handleControl(const HttpRequest& req, const std::vector<std::string>& segs,
                               HttpResponse& resp) {
  if (req.method != "POST") return false;
  if (segs.size() == 1 && segs[0] == "accounts") {
    rapidjson::Document b = parseFields(req.body);
    const std::string metadata = b.HasMember("metadata") ? json::dump(b["metadata"]) : "{}";
    const std::string id = createAccount(json::getString(b, "name"), metadata);
    SpaceGuard platform(store_, "");
    resp = HttpResponse::json(201, find("accounts", id).doc);
    return true;
  }
  if (segs.size() == 3 && segs[0] == "accounts" && segs[2] == "deauthorize") {
    deauthorizeAccount(segs[1]);
    resp = HttpResponse::json(200, "{\"deauthorized\":true}");
    return true;
  }
  if (segs.size() != 2 || segs[0] != "actions") return false;
  return handleActionControl(segs[1], parseFields(req.body), req.header("Stripe-Account"), resp);
}

// POST /_control/actions/NAME: the helper of that name, in the account of the request.
bool FakeStripe::handleActionControl(const std::string& name, const rapidjson::Value& b,
                                     const std::string& account, HttpResponse& resp) {
  std::string customer = json::getString(b, "customer");
  std::int64_t amount = json::getInt(b, "amount", 1000);
  std::string currency = json::getString(b, "currency", "usd");
  std::string out;
  if (name == "create_customer") {
    std::string metadata = b.HasMember("metadata") ? json::dump(b["metadata"]) : "{}";
    out =
        createCustomer(json::getString(b, "email"), json::getString(b, "name"), metadata, account);
  } else if (name == "update_customer") {
    rapidjson::Document fields;
    fields.CopyFrom(b, fields.GetAllocator());
    fields.RemoveMember("id");
    out = updateCustomer(json::getString(b, "id"), json::dump(fields), account);
  } else if (name == "payment_succeeded") {
    out = succeedPayment(customer, amount, currency, account);
  } else if (name == "payment_failed") {
    out = failPayment(customer, amount, currency, account);
  } else if (name == "invoice_paid") {
    out = payInvoice(customer, amount, account);
  } else if (name == "invoice_failed") {
    out = failInvoice(customer, amount, account);
  } else if (name == "refund") {
    out = refundCharge(json::getString(b, "charge"), json::getInt(b, "amount", 0), account);
  } else {
    throw ControlError(404, "unknown action: " + name);
  }
  resp = HttpResponse::json(200, out);
  return true;
}

std::vector<std::string> FakeStripe::eventTypes(const std::string& account) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  RecordStore& store = const_cast<RecordStore&>(store_);
  SpaceGuard space(store, account.empty() ? store.space() : account);
  std::vector<std::string> types;
  for (Record* r : store.all("events")) types.push_back(json::getString(r->doc, "type"));
  return types;
}

}  // namespace sluice::fakes
