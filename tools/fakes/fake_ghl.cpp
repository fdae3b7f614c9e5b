// FakeGhl plumbing: headers, auth, OAuth refresh rotation, rate limits, control, and the
// location and user endpoints. The other areas live in ghl_contacts.cpp,
// ghl_conversations.cpp and ghl_payments.cpp.
#include "tools/fakes/fake_ghl.h"

#include <algorithm>
#include <chrono>

#include "tools/fakes/fake_json.h"
#include "tools/fakes/ghl_util.h"

namespace sluice::fakes {

namespace {

std::int64_t steadyMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

const char* reasonOf(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 422:
      return "Unprocessable Entity";
    default:
      return "";
  }
}

}  // namespace

FakeGhl::FakeGhl(std::string locationId) : locationId_(std::move(locationId)) {
  registerRoutes();
  seedDefaults();
}

FakeGhl::~FakeGhl() {
  stop();
}

void FakeGhl::setStaticToken(const std::string& token) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  staticToken_ = token;
}

void FakeGhl::setOAuthClient(const std::string& clientId, const std::string& clientSecret,
                             const std::string& refreshToken) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  clientId_ = clientId;
  clientSecret_ = clientSecret;
  refreshToken_ = refreshToken;
}

void FakeGhl::setTokenLifetime(std::int64_t seconds) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  tokenLifetime_ = seconds;
}

std::string FakeGhl::issueAccessToken() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  // JWT-shaped, like GHL's, so redaction of "eyJ..." strings gets exercised.
  std::string token =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + ids_.next("", 40) + "." + ids_.next("", 32);
  Token info;
  info.expiresAtMs = steadyMs() + tokenLifetime_ * 1000;
  accessTokens_[token] = info;
  return token;
}

void FakeGhl::expireAccessTokens() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (auto& [token, info] : accessTokens_) info.expiresAtMs = steadyMs() - 1;
}

std::string FakeGhl::currentRefreshToken() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return refreshToken_;
}

std::int64_t FakeGhl::refreshCount() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return refreshCount_;
}

std::int64_t FakeGhl::rateLimitedCount() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return rateLimited_;
}

void FakeGhl::setRateLimit(int maxPerWindow, int windowMs) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  windowMax_ = maxPerWindow;
  windowMs_ = windowMs;
  windows_.clear();
  rateLimited_ = 0;
  rateLimitedBy_.clear();
}

void FakeGhl::setDailyLimit(std::int64_t perDay) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  dailyLimit_ = perDay;
  for (auto& [location, w] : windows_) w.daily = 0;
}

void FakeGhl::setAllowDuplicateContacts(bool allow) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  Record& loc = requireRecord("locations", locationId_);
  json::setBool(loc.doc["settings"], "allowDuplicateContact", allow, loc.doc.GetAllocator());
}

// --- plumbing ---

HttpResponse FakeGhl::errorResponse(const GhlError& e) {
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  json::setInt(d, "statusCode", e.status, a);
  if (!e.messages.empty()) {
    rapidjson::Value list(rapidjson::kArrayType);
    for (const std::string& m : e.messages) list.PushBack(json::str(m, a), a);
    json::set(d, "message", std::move(list), a);
  } else {
    json::setString(d, "message", e.message, a);
  }
  if (e.status == 422) json::setString(d, "error", reasonOf(e.status), a);
  HttpResponse r = HttpResponse::json(e.status, d);
  r.effect = false;
  return r;
}

HttpResponse FakeGhl::apiError(int status, const std::string& message) const {
  return errorResponse(GhlError{status, message, {}});
}

std::string FakeGhl::requiredVersion(const std::string& path) {
  if (path.rfind("/conversations", 0) == 0 || path.rfind("/calendars", 0) == 0) {
    return "2021-04-15";
  }
  return "2021-07-28";
}

bool FakeGhl::tokenValid(const std::string& token) const {
  if (token.empty()) return false;
  if (!staticToken_.empty() && token == staticToken_) return true;
  auto it = accessTokens_.find(token);
  return it != accessTokens_.end() &&
         (it->second.expiresAtMs == 0 || it->second.expiresAtMs > steadyMs());
}

std::optional<HttpResponse> FakeGhl::checkRateLimit(const std::string& location) {
  std::int64_t now = steadyMs();
  Window& w = windows_[location];
  lastLocation_ = location;
  if (w.startMs == 0 || now - w.startMs >= windowMs_) {
    w.startMs = now;
    w.used = 0;
  }
  if (w.used >= windowMax_ || w.daily >= dailyLimit_) {
    ++rateLimited_;
    ++rateLimitedBy_[location];
    return apiError(429, "Too Many Requests");
  }
  ++w.used;
  ++w.daily;
  ++w.total;
  w.most = std::max(w.most, w.used);
  return std::nullopt;
}

std::optional<HttpResponse> FakeGhl::preflight(const HttpRequest& req) {
  if (req.header("User-Agent").empty()) {
    return apiError(403, "Forbidden: a User-Agent header is required");
  }
  if (req.path == "/oauth/token") return std::nullopt;
  std::string auth = req.header("Authorization");
  std::string token = auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "";
  auto known = accessTokens_.find(token);
  const Token* info = known == accessTokens_.end() ? nullptr : &known->second;
  if (auto limited = checkRateLimit(requestLocation(req, info))) return limited;
  if (!tokenValid(token)) return apiError(401, "Invalid JWT");
  std::string version = req.header("Version");
  if (version.empty()) return apiError(400, "version header was not found");
  if (version != requiredVersion(req.path)) {
    return apiError(
        400, "version header is invalid: " + req.path + " expects " + requiredVersion(req.path));
  }
  if (info) return checkTokenScope(req, *info);
  return std::nullopt;
}

void FakeGhl::decorate(HttpResponse& resp) {
  const Window& w = windows_[lastLocation_];
  resp.setHeader("X-RateLimit-Limit-Daily", std::to_string(dailyLimit_));
  resp.setHeader("X-RateLimit-Daily-Remaining",
                 std::to_string(std::max<std::int64_t>(0, dailyLimit_ - w.daily)));
  resp.setHeader("X-RateLimit-Interval-Milliseconds", std::to_string(windowMs_));
  resp.setHeader("X-RateLimit-Max", std::to_string(windowMax_));
  resp.setHeader("X-RateLimit-Remaining", std::to_string(std::max(0, windowMax_ - w.used)));
}

void FakeGhl::on(const std::string& method, const std::string& pattern, Handler handler) {
  route(method, pattern, [handler](const HttpRequest& req, const PathParams& params) {
    try {
      rapidjson::Document body;
      body.SetObject();
      if (!req.body.empty() && !json::parseObject(req.body, body)) {
        throw GhlError{400, "Unexpected token in JSON body", {}};
      }
      return handler(req, body, params);
    } catch (const GhlError& e) {
      return errorResponse(e);
    }
  });
}

std::string FakeGhl::isoNow() const {
  return ghl::isoTime(clock_.nowMillis());
}

Record& FakeGhl::insert(const std::string& kind, rapidjson::Document doc) {
  std::string id = json::getString(doc, "id", json::getString(doc, "_id"));
  if (id.empty()) id = ids_.next("", 20);
  if (!doc.HasMember("_id")) {
    // GHL ids are 20-character alphanumerics; id goes first like the API prints it.
    rapidjson::Document out;
    out.SetObject();
    json::setString(out, "id", id, out.GetAllocator());
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
      if (std::string(it->name.GetString()) != "id") {
        json::set(out, it->name.GetString(), json::copy(it->value, out.GetAllocator()),
                  out.GetAllocator());
      }
    }
    doc.Swap(out);
  }
  return store_.insert(kind, id, clock_.nowMillis(), std::move(doc));
}

Record& FakeGhl::require(const std::string& kind, const std::string& id, const std::string& what) {
  Record* r = store_.find(kind, id);
  if (!r) throw GhlError{404, what + " not found", {}};
  return *r;
}

void FakeGhl::seedDefaults() {
  rapidjson::Document loc;
  loc.SetObject();
  auto& a = loc.GetAllocator();
  json::setString(loc, "id", locationId_, a);
  json::setString(loc, "companyId", companyId(), a);
  json::setString(loc, "name", "Fake Location", a);
  json::setString(loc, "email", "owner@fake-location.test", a);
  json::setString(loc, "timezone", "UTC", a);
  rapidjson::Value settings(rapidjson::kObjectType);
  json::setBool(settings, "allowDuplicateContact", false, a);
  json::setBool(settings, "allowDuplicateOpportunity", false, a);
  json::set(loc, "settings", std::move(settings), a);
  json::setString(loc, "dateAdded", isoNow(), a);
  insert("locations", std::move(loc));

  rapidjson::Document user;
  user.SetObject();
  auto& ua = user.GetAllocator();
  json::setString(user, "id", "user_fake_0001", ua);
  json::setString(user, "name", "Fake Owner", ua);
  json::setString(user, "firstName", "Fake", ua);
  json::setString(user, "lastName", "Owner", ua);
  json::setString(user, "email", "owner@fake-location.test", ua);
  rapidjson::Value roles(rapidjson::kObjectType);
  json::setString(roles, "type", "account", ua);
  json::setString(roles, "role", "admin", ua);
  rapidjson::Value ids(rapidjson::kArrayType);
  ids.PushBack(json::str(locationId_, ua), ua);
  json::set(roles, "locationIds", std::move(ids), ua);
  json::set(user, "roles", std::move(roles), ua);
  insert("users", std::move(user));
}

void FakeGhl::onReset() {
  accessTokens_.clear();
  windows_.clear();
  rateLimited_ = 0;
  rateLimitedBy_.clear();
  refreshCount_ = 0;
  codes_.clear();
  companyRefresh_.clear();
  codeGrants_ = 0;
  locationGrants_.clear();
  installed_.clear();
  installedAt_.clear();
  revoked_.clear();
  seedDefaults();
}

// --- OAuth ---

HttpResponse FakeGhl::tokenGrant(const HttpRequest& req) {
  if (req.header("Content-Type").rfind("application/x-www-form-urlencoded", 0) != 0) {
    return ghl::oauthError(400, "invalid_request",
                           "Content-Type must be application/x-www-form-urlencoded");
  }
  HttpRequest form = req;
  form.query = parseUrlEncoded(req.body);
  const bool appClient = !appClientId_.empty() && form.param("client_id") == appClientId_ &&
                         form.param("client_secret") == appSecret_;
  if (appClient && form.param("grant_type") == "authorization_code") return codeGrant(form);
  if (appClient && companyRefresh_.count(form.param("refresh_token"))) return codeGrant(form);
  if (clientId_.empty() || form.param("client_id") != clientId_ ||
      form.param("client_secret") != clientSecret_) {
    return ghl::oauthError(401, "invalid_client", "Invalid client credentials");
  }
  if (form.param("grant_type") != "refresh_token") {
    return ghl::oauthError(400, "unsupported_grant_type", "grant_type must be refresh_token");
  }
  if (form.param("refresh_token").empty() || form.param("refresh_token") != refreshToken_) {
    return ghl::oauthError(400, "invalid_grant", "Invalid grant: refresh token is invalid");
  }
  // Rotation: the refresh token just used is gone; only the new one works.
  refreshToken_ = "eyJhbGciOiJIUzI1NiJ9.rt" + ids_.next("", 40) + "." + ids_.next("", 24);
  ++refreshCount_;
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  json::setString(d, "access_token", issueAccessToken(), a);
  json::setString(d, "token_type", "Bearer", a);
  json::setInt(d, "expires_in", tokenLifetime_, a);
  json::setString(d, "refresh_token", refreshToken_, a);
  json::setString(d, "scope",
                  "contacts.readonly contacts.write conversations.readonly "
                  "conversations/message.readonly conversations/message.write "
                  "opportunities.readonly opportunities.write payments/orders.readonly "
                  "payments/transactions.readonly locations.readonly users.readonly",
                  a);
  json::setString(d, "userType", form.param("user_type", "Location"), a);
  json::setString(d, "companyId", companyId(), a);
  json::setString(d, "locationId", locationId_, a);
  json::setString(d, "userId", "user_fake_0001", a);
  HttpResponse r = HttpResponse::json(200, d);
  // Token grants stay out of the effects ledger: its bodies carry secrets.
  r.effect = false;
  return r;
}

// --- routes ---

void FakeGhl::registerRoutes() {
  route("POST", "/oauth/token",
        [this](const HttpRequest& req, const PathParams&) { return tokenGrant(req); });
  registerContactRoutes();
  registerContactChildRoutes();
  registerConversationRoutes();
  registerPaymentRoutes();
  registerOpportunityRoutes();
  registerLocationRoutes();
  registerAgencyRoutes();
}

void FakeGhl::registerLocationRoutes() {
  on("POST", "/locations/", [this](const HttpRequest&, const Body& b, const PathParams&) {
    ghl::requireFields(b, {"name", "companyId"});
    rapidjson::Document loc;
    loc.CopyFrom(b, loc.GetAllocator());
    auto& a = loc.GetAllocator();
    if (!loc.HasMember("settings")) {
      rapidjson::Value settings(rapidjson::kObjectType);
      json::setBool(settings, "allowDuplicateContact", false, a);
      json::set(loc, "settings", std::move(settings), a);
    }
    json::setString(loc, "dateAdded", isoNow(), a);
    return HttpResponse::json(201, insert("locations", std::move(loc)).doc);
  });
  on("GET", "/locations/search", [this](const HttpRequest& req, const Body&, const PathParams&) {
    std::int64_t skip = ghl::intParam(req, "skip", 0, 0, 1 << 30);
    std::int64_t limit = ghl::intParam(req, "limit", 10, 1, 100);
    std::string company = req.param("companyId"), email = lower(req.param("email"));
    rapidjson::Document d;
    d.SetObject();
    auto& a = d.GetAllocator();
    rapidjson::Value list(rapidjson::kArrayType);
    std::int64_t seen = 0;
    for (Record* r : store_.all("locations")) {
      if (!company.empty() && !ghl::fieldEquals(r->doc, "companyId", company)) continue;
      if (!email.empty() && lower(json::getString(r->doc, "email")) != email) continue;
      if (seen++ < skip || static_cast<std::int64_t>(list.Size()) >= limit) continue;
      list.PushBack(json::copy(r->doc, a), a);
    }
    json::set(d, "locations", std::move(list), a);
    return HttpResponse::json(200, d);
  });
  on("GET", "/locations/{locationId}",
     [this](const HttpRequest&, const Body&, const PathParams& p) {
       return HttpResponse::json(
           200, ghl::wrap("location", require("locations", p.at("locationId"), "Location").doc));
     });
  on("GET", "/users/", [this](const HttpRequest& req, const Body&, const PathParams&) {
    ghl::requireParams(req, {"locationId"});
    std::string location = req.param("locationId");
    rapidjson::Document d;
    d.SetObject();
    auto& a = d.GetAllocator();
    rapidjson::Value list(rapidjson::kArrayType);
    for (Record* r : store_.all("users")) {
      bool member = false;
      const rapidjson::Value& roles = r->doc["roles"];
      if (roles.IsObject() && roles.HasMember("locationIds")) {
        for (const auto& id : roles["locationIds"].GetArray()) {
          member = member || (id.IsString() && location == id.GetString());
        }
      }
      if (member) list.PushBack(json::copy(r->doc, a), a);
    }
    json::set(d, "users", std::move(list), a);
    return HttpResponse::json(200, d);
  });
}

// --- control ---

rapidjson::Document FakeGhl::controlCreate(const std::string& kind,
                                           const rapidjson::Value& fields) {
  try {
    std::string contactId = json::getString(fields, "contactId");
    Record* r = nullptr;
    if (kind == "contacts") {
      r = &createContactRecord(fields);
    } else if (kind == "notes") {
      r = &insert("notes", buildNote(contactId, fields));
    } else if (kind == "tasks") {
      r = &insert("tasks", buildTask(contactId, fields));
    } else if (kind == "conversations") {
      r = &conversationFor(contactId, true);
    } else if (kind == "messages") {
      r = &addMessage(contactId, fields, json::getString(fields, "direction", "inbound"));
    } else if (kind == "orders") {
      r = &insert("orders", buildOrder(fields));
    } else if (kind == "transactions") {
      r = &insert("transactions", buildTransaction(fields));
    } else if (kind == "opportunities") {
      r = &insert("opportunities", buildOpportunity(fields));
    } else if (kind == "locations" || kind == "users") {
      rapidjson::Document doc;
      doc.CopyFrom(fields, doc.GetAllocator());
      r = &insert(kind, std::move(doc));
    } else {
      throw ControlError(404, "unknown GHL kind: " + kind);
    }
    // Any field given wins over the defaults (tests set dateAdded, status...).
    for (auto it = fields.MemberBegin(); it != fields.MemberEnd(); ++it) {
      std::string name = it->name.GetString();
      if (kind == "messages" || name == "contactId") continue;
      if (kind == "contacts" && (name == "email" || name == "tags" || name == "customFields")) {
        continue;
      }
      json::set(r->doc, name, json::copy(it->value, r->doc.GetAllocator()), r->doc.GetAllocator());
    }
    // A given creation time also moves the record in the lists, which sort on it.
    for (const char* timeField : {"dateAdded", "createdAt"}) {
      std::int64_t ms = ghl::parseIsoTime(json::getString(fields, timeField));
      if (ms >= 0) r->createdMs = ms;
    }
    return copyDoc(r->doc);
  } catch (const GhlError& e) {
    throw ControlError(e.status, e.messages.empty() ? e.message : e.messages.front());
  }
}

rapidjson::Document FakeGhl::controlUpdate(const std::string& kind, const std::string& id,
                                           const rapidjson::Value& fields) {
  if (kind != "contacts") return FakeServer::controlUpdate(kind, id, fields);
  try {
    // Through the API's own rules: lower-cased email, derived names, dateUpdated.
    Record& c = require("contacts", id, "Contact");
    applyContactFields(c.doc, fields);
    return copyDoc(c.doc);
  } catch (const GhlError& e) {
    throw ControlError(e.status, e.messages.empty() ? e.message : e.messages.front());
  }
}

bool FakeGhl::handleControl(const HttpRequest& req, const std::vector<std::string>& segs,
                            HttpResponse& resp) {
  rapidjson::Document b = parseFields(req.method == "GET" ? "" : req.body);
  rapidjson::Document out;
  out.SetObject();
  auto& a = out.GetAllocator();
  if (handleAgencyControl(req, segs, b, out)) {
    resp = HttpResponse::json(200, out);
    return true;
  }
  if (segs.size() == 1 && segs[0] == "oauth") {
    if (json::getBool(b, "expire_now")) expireAccessTokens();
    if (json::has(b, "lifetime")) tokenLifetime_ = json::getInt(b, "lifetime");
    if (json::has(b, "static_token")) staticToken_ = json::getString(b, "static_token");
    if (json::has(b, "refresh_token")) refreshToken_ = json::getString(b, "refresh_token");
    if (json::getBool(b, "issue")) json::setString(out, "access_token", issueAccessToken(), a);
    json::setString(out, "refresh_token", refreshToken_, a);
    json::setInt(out, "refresh_count", refreshCount_, a);
    json::setInt(out, "lifetime", tokenLifetime_, a);
  } else if (segs.size() == 1 && segs[0] == "rate_limit") {
    if (json::has(b, "max")) {
      setRateLimit(static_cast<int>(json::getInt(b, "max")),
                   static_cast<int>(json::getInt(b, "interval_ms", windowMs_)));
    }
    if (json::has(b, "daily")) setDailyLimit(json::getInt(b, "daily"));
    json::setInt(out, "max", windowMax_, a);
    json::setInt(out, "limited", rateLimited_, a);
    json::setInt(out, "interval_ms", windowMs_, a);
    json::setInt(out, "daily", dailyLimit_, a);
  } else if (segs.size() == 1 && segs[0] == "settings") {
    if (json::has(b, "allow_duplicate_contacts")) {
      setAllowDuplicateContacts(json::getBool(b, "allow_duplicate_contacts"));
    }
    json::set(out, "location", json::copy(requireRecord("locations", locationId_).doc, a), a);
  } else if (segs.size() == 2 && segs[0] == "actions" && req.method == "POST") {
    std::string contactId = json::getString(b, "contactId");
    const std::string& name = segs[1];
    std::string text;
    if (name == "receive_message") {
      text = receiveMessage(contactId, json::getString(b, "body", json::getString(b, "message")),
                            json::getString(b, "type", "SMS"));
    } else if (name == "order") {
      text = createOrder(contactId, static_cast<double>(json::getInt(b, "amount", 100)),
                         json::getString(b, "status", "completed"));
    } else if (name == "transaction") {
      text = createTransaction(contactId, static_cast<double>(json::getInt(b, "amount", 100)),
                               json::getString(b, "status", "succeeded"));
    } else if (name == "opportunity") {
      text = createOpportunity(contactId, json::getString(b, "name", "Deal"),
                               static_cast<double>(json::getInt(b, "monetaryValue", 0)));
    } else {
      throw ControlError(404, "unknown action: " + name);
    }
    resp = HttpResponse::json(200, text);
    return true;
  } else {
    return false;
  }
  resp = HttpResponse::json(200, out);
  return true;
}

}  // namespace sluice::fakes
