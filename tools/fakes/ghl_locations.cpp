// FakeGhl locations: the company's locations and where the marketplace app is installed
// (GET /oauth/installedLocations, oauth.json), and the location and user endpoints.
#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_json.h"
#include "tools/fakes/ghl_util.h"

namespace sluice::fakes {

namespace {

// The agency owner (user_fake_0001) works in every location of the company.
void addUserLocation(Record& user, const std::string& location) {
  auto& a = user.doc.GetAllocator();
  if (!user.doc.HasMember("roles") || !user.doc["roles"].IsObject()) return;
  rapidjson::Value& roles = user.doc["roles"];
  if (!roles.HasMember("locationIds") || !roles["locationIds"].IsArray())
    json::set(roles, "locationIds", rapidjson::Value(rapidjson::kArrayType), a);
  for (const auto& id : roles["locationIds"].GetArray())
    if (id.IsString() && location == id.GetString()) return;
  roles["locationIds"].PushBack(json::str(location, a), a);
}

bool hasLocation(const rapidjson::Value& user, const std::string& location) {
  if (!user.HasMember("roles") || !user["roles"].IsObject()) return false;
  const rapidjson::Value& roles = user["roles"];
  if (!roles.HasMember("locationIds") || !roles["locationIds"].IsArray()) return false;
  for (const auto& id : roles["locationIds"].GetArray())
    if (id.IsString() && location == id.GetString()) return true;
  return false;
}

// isInstalled=true|false as a filter; absent = every location of the company.
bool installedFilterPasses(const HttpRequest& req, bool installed) {
  const std::string want = req.param("isInstalled");
  return want.empty() || (want == "true") == installed;
}

}  // namespace

// A location record as GET /locations/{id} answers it.
void FakeGhl::insertLocation(const std::string& id, const std::string& name,
                             const std::string& email) {
  rapidjson::Document loc;
  loc.SetObject();
  auto& a = loc.GetAllocator();
  json::setString(loc, "id", id, a);
  json::setString(loc, "companyId", companyId(), a);
  json::setString(loc, "name", name, a);
  json::setString(loc, "address", "1 Main St", a);
  json::setString(loc, "email", email, a);
  json::setString(loc, "timezone", "UTC", a);
  rapidjson::Value settings(rapidjson::kObjectType);
  json::setBool(settings, "allowDuplicateContact", false, a);
  json::setBool(settings, "allowDuplicateOpportunity", false, a);
  json::set(loc, "settings", std::move(settings), a);
  json::setString(loc, "dateAdded", isoNow(), a);
  insert("locations", std::move(loc));
}

void FakeGhl::addLocation(const std::string& id, const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  if (id.empty()) throw ControlError(400, "a location needs an id");
  if (!store_.find("locations", id))
    insertLocation(id, name.empty() ? "Location " + id : name, "owner@" + id + ".test");
  if (Record* owner = store_.find("users", "user_fake_0001")) addUserLocation(*owner, id);
  installLocation(id);
}

void FakeGhl::installLocation(const std::string& id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  if (!store_.find("locations", id)) throw ControlError(404, "no location " + id);
  Install& in = installs_[id];
  in.installed = true;
  in.revoked = false;
  in.installedAt = isoNow();
}

void FakeGhl::uninstallLocation(const std::string& id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  Install& in = installs_[id];
  in.installed = false;
  in.revoked = false;
  forgetLocationTokens(id);
}

void FakeGhl::revokeLocationTokens(const std::string& locationId) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  installs_[locationId].revoked = true;
  forgetLocationTokens(locationId);
}

std::vector<std::string> FakeGhl::installedLocationIds() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  std::vector<std::string> ids;
  for (const Record* r : const_cast<RecordStore&>(store_).all("locations"))
    if (installedNow(r->id)) ids.push_back(r->id);
  return ids;
}

// Installed as the listing shows it: a revoked install still is.
bool FakeGhl::installedNow(const std::string& location) const {
  auto it = installs_.find(location);
  return it != installs_.end() && it->second.installed;
}

// GetInstalledLocationsSuccessfulResponseDto: the company's locations in a stable order (as
// they were added), each with isInstalled; skip/limit pages, count is the total that matched.
HttpResponse FakeGhl::installedLocations(const HttpRequest& req) {
  const Token* token = tokenOf(req);
  if (!token || token->userType != "Company")
    throw GhlError{401, "This route is not yet supported by the IAM Service.", {}};
  if (!ghl::hasScope(token->scopes, "oauth.readonly"))
    throw GhlError{401, "The token is not authorized for this scope.", {}};
  ghl::requireParams(req, {"companyId", "appId"});
  if (req.param("companyId") != companyId())
    throw GhlError{400, "companyId " + req.param("companyId") + " is not the token's company", {}};
  if (req.param("appId") != appId_)
    throw GhlError{400, "appId " + req.param("appId") + " is not the token's app", {}};
  const std::int64_t skip = ghl::intParam(req, "skip", 0, 0, 1 << 30);
  const std::int64_t limit = ghl::intParam(req, "limit", 20, 1, 1000);
  const std::string query = lower(req.param("query")), only = req.param("locationId");
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  std::int64_t count = 0;
  for (const Record* loc : store_.all("locations")) {
    const bool installed = installedNow(loc->id);
    const std::string name = json::getString(loc->doc, "name");
    if (!ghl::fieldEquals(loc->doc, "companyId", companyId())) continue;
    if (!installedFilterPasses(req, installed) || (!only.empty() && loc->id != only)) continue;
    if (!query.empty() && lower(name).find(query) == std::string::npos) continue;
    if (count++ < skip || static_cast<std::int64_t>(list.Size()) >= limit) continue;
    rapidjson::Value row(rapidjson::kObjectType);
    json::setString(row, "_id", loc->id, a);
    json::setString(row, "name", name, a);
    json::setString(row, "address", json::getString(loc->doc, "address"), a);
    json::setBool(row, "isInstalled", installed, a);
    if (installed) json::setString(row, "installedAt", installs_.at(loc->id).installedAt, a);
    list.PushBack(row, a);
  }
  json::set(d, "locations", std::move(list), a);
  json::setInt(d, "count", count, a);
  json::setBool(d, "installToFutureLocations", false, a);
  return HttpResponse::json(200, d);
}

// A Location token finds only its own location.
HttpResponse FakeGhl::searchLocations(const HttpRequest& req) {
  const Token* token = tokenOf(req);
  const std::string own = token && token->userType == "Location" ? token->location : "";
  std::int64_t skip = ghl::intParam(req, "skip", 0, 0, 1 << 30);
  std::int64_t limit = ghl::intParam(req, "limit", 10, 1, 100);
  std::string company = req.param("companyId"), email = lower(req.param("email"));
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  std::int64_t seen = 0;
  for (Record* r : store_.all("locations")) {
    if (!own.empty() && r->id != own) continue;
    if (!company.empty() && !ghl::fieldEquals(r->doc, "companyId", company)) continue;
    if (!email.empty() && lower(json::getString(r->doc, "email")) != email) continue;
    if (seen++ < skip || static_cast<std::int64_t>(list.Size()) >= limit) continue;
    list.PushBack(json::copy(r->doc, a), a);
  }
  json::set(d, "locations", std::move(list), a);
  return HttpResponse::json(200, d);
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
    return searchLocations(req);
  });
  on("GET", "/locations/{locationId}",
     [this](const HttpRequest&, const Body&, const PathParams& p) {
       return HttpResponse::json(
           200, ghl::wrap("location", require("locations", p.at("locationId"), "Location").doc));
     });
  on("GET", "/users/", [this](const HttpRequest& req, const Body&, const PathParams&) {
    ghl::requireParams(req, {"locationId"});
    rapidjson::Document d;
    d.SetObject();
    auto& a = d.GetAllocator();
    rapidjson::Value list(rapidjson::kArrayType);
    for (Record* r : store_.all("users"))
      if (hasLocation(r->doc, req.param("locationId"))) list.PushBack(json::copy(r->doc, a), a);
    json::set(d, "users", std::move(list), a);
    return HttpResponse::json(200, d);
  });
}

void FakeGhl::registerAgencyRoutes() {
  on("GET", "/oauth/installedLocations",
     [this](const HttpRequest& req, const Body&, const PathParams&) {
       return installedLocations(req);
     });
  // Form-encoded, so not through on(), which reads JSON bodies.
  route("POST", "/oauth/locationToken", [this](const HttpRequest& req, const PathParams&) {
    try {
      return locationToken(req);
    } catch (const GhlError& e) {
      return errorResponse(e);
    }
  });
}

}  // namespace sluice::fakes
