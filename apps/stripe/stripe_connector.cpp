#include "apps/stripe/stripe_connector.h"

namespace sluice {

bool StripeConnector::isTestKey(const std::string& key) {
  return key.rfind("sk_test_", 0) == 0 || key.rfind("rk_test_", 0) == 0;
}

bool StripeConnector::authorize(HttpRequest& request, HttpTransport& transport, bool forceRefresh) {
  if (!Connector::authorize(request, transport, forceRefresh)) return false;
  const std::string account = setting("account");
  if (!account.empty()) request.headers.emplace_back("Stripe-Account", account);
  return true;
}

}  // namespace sluice
