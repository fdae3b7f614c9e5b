// FakeStripe for Connect platforms: connected accounts (GET /v1/accounts, a kind like the
// others), and the Stripe-Account header, which puts a request in that account's own space:
// its customers, events and idempotency keys are invisible to the platform and to every other
// account. An unknown or deauthorized account is refused as Stripe does (403, account_invalid).
#include "tools/fakes/fake_json.h"
#include "tools/fakes/fake_stripe.h"

namespace sluice::fakes {

namespace {

// What Stripe answers when an account that is not a platform (here: a connected account, by
// its Stripe-Account header) asks for connected accounts.
constexpr const char* kNotAPlatform =
    "Only Stripe Connect platforms can work with other accounts. If you specified a client_id "
    "parameter, make sure it's correct. If you need to setup a Stripe Connect platform, you can "
    "do so at https://dashboard.stripe.com/account/applications/settings.";

bool isAccountsPath(const std::string& path) {
  return path == "/v1/accounts" || path.rfind("/v1/accounts/", 0) == 0;
}

}  // namespace

std::string FakeStripe::createAccount(const std::string& name, const std::string& metadataJson) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  SpaceGuard platform(store_, "");
  rapidjson::Document p = parseFields("{}");
  auto& a = p.GetAllocator();
  rapidjson::Value profile(rapidjson::kObjectType);
  json::setString(profile, "name", name, a);
  json::set(p, "business_profile", std::move(profile), a);
  json::set(p, "metadata", json::copy(parseFields(metadataJson), a), a);
  const rapidjson::Document account = createResource(*kindInfo("accounts"), p);
  return json::getString(account, "id");
}

void FakeStripe::deauthorizeAccount(const std::string& id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  SpaceGuard platform(store_, "");
  if (!store_.erase("accounts", id)) throw ControlError(404, "no connected account " + id);
}

std::string FakeStripe::inAccount(const std::string& account,
                                  const std::function<std::string()>& fn) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  requireAccount(account);
  SpaceGuard space(store_, account);
  return fn();
}

std::int64_t FakeStripe::accountRequestCount(const std::string& account) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = accountRequests_.find(account);
  return it == accountRequests_.end() ? 0 : it->second;
}

std::int64_t FakeStripe::requestCount(const std::string& accountOrRouteKey) const {
  if (accountOrRouteKey.find(' ') != std::string::npos)
    return FakeServer::requestCount(accountOrRouteKey);
  return accountRequestCount(accountOrRouteKey);
}

bool FakeStripe::accountActive(const std::string& account) {
  SpaceGuard platform(store_, "");
  return store_.find("accounts", account) != nullptr;
}

void FakeStripe::requireAccount(const std::string& account) {
  if (!account.empty() && !accountActive(account))
    throw ControlError(404, "no connected account " + account + " (unknown or deauthorized)");
}

std::string FakeStripe::helperSpace(const std::string& account) {
  requireAccount(account);
  return account.empty() ? store_.space() : account;
}

std::optional<HttpResponse> FakeStripe::refuseAccount(const HttpRequest& req) {
  const std::string account = req.header("Stripe-Account");
  if (account.empty()) return std::nullopt;
  if (!accountActive(account)) {
    return errorResponse(StripeError{
        403, "invalid_request_error",
        "The provided key '" + maskKey(apiKey_) + "' does not have access to account '" + account +
            "' (or that account does not exist). Application access may have been revoked.",
        "account_invalid", ""});
  }
  if (isAccountsPath(req.path))
    return errorResponse(StripeError{403, "invalid_request_error", kNotAPlatform, "", ""});
  return std::nullopt;
}

HttpResponse FakeStripe::dispatch(const HttpRequest& req) {
  const std::string account = req.header("Stripe-Account");
  ++accountRequests_[account];
  if (account.empty()) return dispatchInAccount(req);
  // The key first: a wrong key is a 401 whatever the account.
  std::optional<HttpResponse> early = preflight(req);
  if (!early) early = refuseAccount(req);
  if (early) {
    early->effect = false;
    return *early;
  }
  SpaceGuard space(store_, account);
  return dispatchInAccount(req);
}

HttpResponse FakeStripe::scopeControl(const HttpRequest& req,
                                      const std::function<HttpResponse()>& handle) {
  const std::string account = req.header("Stripe-Account");
  requireAccount(account);
  SpaceGuard space(store_, account);
  return handle();
}

// spec3.json `account`: a Standard account that finished onboarding.
rapidjson::Document FakeStripe::buildAccount(const Params& p) {
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  const bool hasProfile = p.HasMember("business_profile") && p["business_profile"].IsObject();
  const std::string name = hasProfile ? json::getString(p["business_profile"], "name") : "";
  rapidjson::Value profile(rapidjson::kObjectType);
  for (const char* field : {"mcc", "product_description", "support_email", "url"})
    json::setNull(profile, field, a);
  if (hasProfile) json::assign(profile, p["business_profile"], a);
  json::set(d, "business_profile", std::move(profile), a);
  json::setNull(d, "business_type", a);
  rapidjson::Value capabilities(rapidjson::kObjectType);
  json::setString(capabilities, "card_payments", "active", a);
  json::setString(capabilities, "transfers", "active", a);
  json::set(d, "capabilities", std::move(capabilities), a);
  json::setBool(d, "charges_enabled", true, a);
  json::setString(d, "country", json::getString(p, "country", "US"), a);
  json::setString(d, "default_currency", json::getString(p, "default_currency", "usd"), a);
  json::setBool(d, "details_submitted", true, a);
  json::set(d, "email", p.HasMember("email") ? json::copy(p["email"], a) : rapidjson::Value(), a);
  const bool hasMetadata = p.HasMember("metadata") && p["metadata"].IsObject();
  json::set(d, "metadata",
            hasMetadata ? json::copy(p["metadata"], a) : rapidjson::Value(rapidjson::kObjectType),
            a);
  json::setBool(d, "payouts_enabled", true, a);
  rapidjson::Value dashboard(rapidjson::kObjectType);
  json::setString(dashboard, "display_name", name, a);
  json::setString(dashboard, "timezone", "Etc/UTC", a);
  rapidjson::Value settings(rapidjson::kObjectType);
  json::set(settings, "dashboard", std::move(dashboard), a);
  json::set(d, "settings", std::move(settings), a);
  json::setString(d, "type", json::getString(p, "type", "standard"), a);
  return d;
}

}  // namespace sluice::fakes
