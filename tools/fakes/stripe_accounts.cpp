// FakeStripe for Connect platforms: connected accounts (GET /v1/accounts, a kind like the
// others), and the Stripe-Account header, which puts a request in that account's own space:
// its customers, events and idempotency keys are invisible to the platform and to every other
// account. An unknown or deauthorized account is refused as Stripe does (403, account_invalid).
#include "tools/fakes/fake_json.h"
#include "tools/fakes/fake_stripe.h"

namespace sluice::fakes {

namespace {

// Puts the store in an account's space for one request or helper, and back after.
class SpaceGuard {
 public:
  SpaceGuard(RecordStore& store, const std::string& space) : store_(store), old_(store.space()) {
    store_.setSpace(space);
  }
  ~SpaceGuard() { store_.setSpace(old_); }
  SpaceGuard(const SpaceGuard&) = delete;
  SpaceGuard& operator=(const SpaceGuard&) = delete;

 private:
  RecordStore& store_;
  std::string old_;
};

}  // namespace

std::string FakeStripe::createAccount(const std::string& name, const std::string& metadataJson) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  SpaceGuard platform(store_, "");
  rapidjson::Document p = parseFields("{}");
  auto& a = p.GetAllocator();
  rapidjson::Value profile(rapidjson::kObjectType);
  json::setString(profile, "name", name, a);
  json::set(p, "business_profile", std::move(profile), a);
  json::setString(p, "type", "standard", a);
  json::setBool(p, "charges_enabled", true, a);
  json::set(p, "metadata", json::copy(parseFields(metadataJson), a), a);
  const rapidjson::Document account = createResource(*kindInfo("accounts"), p);
  return json::getString(account, "id");
}

void FakeStripe::deauthorizeAccount(const std::string& id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  SpaceGuard platform(store_, "");
  store_.erase("accounts", id);
}

std::string FakeStripe::inAccount(const std::string& account,
                                  const std::function<std::string()>& fn) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  SpaceGuard space(store_, account);
  return fn();
}

std::int64_t FakeStripe::accountRequestCount(const std::string& account) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = accountRequests_.find(account);
  return it == accountRequests_.end() ? 0 : it->second;
}

HttpResponse FakeStripe::dispatch(const HttpRequest& req) {
  const std::string account = req.header("Stripe-Account");
  ++accountRequests_[account];
  if (account.empty()) return dispatchInAccount(req);
  if (auto early = preflight(req)) {
    early->effect = false;
    return *early;
  }
  SpaceGuard platform(store_, "");
  if (!store_.find("accounts", account) || req.path.rfind("/v1/accounts", 0) == 0) {
    HttpResponse refused = errorResponse(StripeError{
        403, "invalid_request_error",
        "The provided key '" + maskKey(apiKey_) + "' does not have access to account '" + account +
            "' (or that account does not exist). Application access may have been "
            "revoked.",
        "account_invalid", ""});
    refused.effect = false;
    return refused;
  }
  SpaceGuard space(store_, account);
  return dispatchInAccount(req);
}

}  // namespace sluice::fakes
