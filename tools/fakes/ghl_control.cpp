// FakeGhl control: records made and changed through the API's own rules, the settings, the
// actions that drive activity, and the agency routes (locations, installs, codes) the demo
// drives over HTTP. The routes are listed in fake_ghl.h.
#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_json.h"
#include "tools/fakes/ghl_util.h"

namespace sluice::fakes {

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
  if (segs.size() == 2 && segs[0] == "actions" && req.method == "POST")
    return handleActionControl(segs[1], b, resp);
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
    rateLimitJson(out);
  } else if (segs.size() == 1 && segs[0] == "settings") {
    if (json::has(b, "allow_duplicate_contacts")) {
      setAllowDuplicateContacts(json::getBool(b, "allow_duplicate_contacts"),
                                json::getString(b, "locationId"));
    }
    json::set(out, "location", json::copy(requireRecord("locations", locationId_).doc, a), a);
  } else {
    return false;
  }
  resp = HttpResponse::json(200, out);
  return true;
}

// The limits, and per location (or company): requests, 429s, the most in one window.
void FakeGhl::rateLimitJson(rapidjson::Document& out) {
  auto& a = out.GetAllocator();
  json::setInt(out, "max", windowMax_, a);
  json::setInt(out, "limited", rateLimited_, a);
  json::setInt(out, "interval_ms", windowMs_, a);
  json::setInt(out, "daily", dailyLimit_, a);
  rapidjson::Value locations(rapidjson::kObjectType);
  for (const auto& [location, w] : windows_) {
    rapidjson::Value one(rapidjson::kObjectType);
    json::setInt(one, "requests", w.requests, a);
    json::setInt(one, "limited", w.limited, a);
    json::setInt(one, "max_in_window", w.most, a);
    json::set(locations, location, std::move(one), a);
  }
  json::set(out, "locations", std::move(locations), a);
}

// POST /_control/actions/NAME {"contactId", ...}: the helper of that name; its record out.
bool FakeGhl::handleActionControl(const std::string& name, const rapidjson::Value& b,
                                  HttpResponse& resp) {
  std::string contactId = json::getString(b, "contactId");
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
                             static_cast<double>(json::getInt(b, "monetaryValue", 0)),
                             json::getString(b, "locationId"));
  } else {
    throw ControlError(404, "unknown action: " + name);
  }
  resp = HttpResponse::json(200, text);
  return true;
}

// POST /_control/locations {"id","name"}, /_control/locations/ID/uninstall|install|revoke,
// POST /_control/oauth/app {"client_id","client_secret","redirect_uri","app_id"},
// POST /_control/oauth/code {"userType","scopes","locationId"} -> {"code"}; each answers with
// the installed location ids too.
bool FakeGhl::handleAgencyControl(const HttpRequest& req, const std::vector<std::string>& segs,
                                  const rapidjson::Value& b, rapidjson::Document& out) {
  if (req.method != "POST") return false;
  auto& a = out.GetAllocator();
  const bool locations = !segs.empty() && segs[0] == "locations";
  const bool oauth = segs.size() == 2 && segs[0] == "oauth";
  if (locations && segs.size() == 1) {
    const std::string id = json::getString(b, "id", ids_.next("", 20));
    addLocation(id, json::getString(b, "name"));
    json::setString(out, "id", id, a);
  } else if (locations && segs.size() == 3 && segs[2] == "uninstall") {
    uninstallLocation(segs[1]);
  } else if (locations && segs.size() == 3 && segs[2] == "install") {
    installLocation(segs[1]);
  } else if (locations && segs.size() == 3 && segs[2] == "revoke") {
    revokeLocationTokens(segs[1]);
  } else if (oauth && segs[1] == "app") {
    setOAuthApp(json::getString(b, "client_id"), json::getString(b, "client_secret"),
                json::getString(b, "redirect_uri"), json::getString(b, "app_id", "app_fake_0001"));
  } else if (oauth && segs[1] == "code") {
    const std::string userType = json::getString(b, "userType", "Company");
    const std::string location = json::getString(b, "locationId");
    const std::string code =
        authorizationCode(userType, json::getString(b, "scopes", kAppScopes), location);
    json::setString(out, "code", code, a);
  } else {
    return false;
  }
  rapidjson::Value ids(rapidjson::kArrayType);
  for (const auto& id : installedLocationIds()) ids.PushBack(json::str(id, a), a);
  json::set(out, "installed", std::move(ids), a);
  return true;
}

}  // namespace sluice::fakes
