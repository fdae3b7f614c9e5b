// FakeStripe: request plumbing (auth, form bodies, idempotency), records and events, routes.
// Lists and search live in stripe_lists.cpp, control in stripe_control.cpp, Connect in
// stripe_accounts.cpp, the resources in stripe_builders.cpp, stripe_resources.cpp and
// stripe_invoices.cpp.
#include "tools/fakes/fake_stripe.h"

#include <algorithm>
#include <sstream>

#include <Poco/Base64Decoder.h>

#include "tools/fakes/fake_json.h"
#include "tools/fakes/form_decode.h"
#include "tools/fakes/stripe_util.h"

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

}  // namespace

FakeStripe::FakeStripe(std::string apiKey) : apiKey_(std::move(apiKey)) {
  store_.indexField("customers", "email");  // GET /v1/customers?email=
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
  if (!r || (stripe::isDeleted(*r) && param != "id")) {
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
  if (stripe::isDeleted(r)) {
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

}  // namespace sluice::fakes
