// Stripe: a secret or restricted key as Bearer, optional Stripe-Account for Connect, test
// keys get the test-mode rate limit. Stripe-Should-Retry is honoured by the generic classify.
#pragma once

#include "apps/connector.h"

namespace sluice {

class StripeConnector : public Connector {
 public:
  using Connector::Connector;
  bool authorize(HttpRequest& request, HttpTransport& transport, bool forceRefresh) override;
  // sk_test_ / rk_test_ keys run against Stripe's test mode, limited to 25 requests/s.
  static bool isTestKey(const std::string& key);
  bool testMode() const override { return isTestKey(setting("api_key")); }
};

}  // namespace sluice
