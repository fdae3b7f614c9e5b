// http/api_client.cpp: what one call puts on the wire around the built request. Here: the
// app's idempotency header only on methods that are not idempotent by themselves, and the
// shared rate budget taken in the slice the request is sent in, after the credentials.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "apps/connector.h"
#include "apps/registry.h"
#include "catalog/catalog.h"
#include "config/config.h"
#include "core/clock.h"
#include "http/api_client.h"
#include "state/rate_budget_store.h"
#include "test_support.h"

namespace sluice {
namespace api_client_test {

std::string header(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers)
    if (key == name) return value;
  return "(absent)";
}

TEST(ApiClient, StripesIdempotencyKeyGoesOnPostOnly) {
  const Catalog catalog = Catalog::load(test::catalogRoot());
  const std::map<std::string, std::string> env = {{"K", "sk_test_123"}};
  const Config config = loadConfigText(
      "connections:\n  stripe: { app: stripe, api_key: \"${K}\", base_url: http://127.0.0.1:9 }\n",
      "c.yaml", catalog, &env);
  test::RecordingTransport transport(R"({"id":"x","deleted":true})");
  ManualClock clock(1'800'000'000'000);
  ApiClient client(*catalog.app("stripe"), config.connections.at("stripe"), transport, nullptr,
                   clock, [](int64_t) { return true; });
  JsonDoc inputs;
  inputs.Parse(R"({"customer":"cus_1","email":"a@b.c"})");
  for (const char* op : {"stripe.customers.create_customer", "stripe.customers.delete_customer",
                         "stripe.customers.get_customer_by_id"})
    EXPECT_TRUE(client.call(*catalog.find(op), inputs, nullptr, "sluice-key-1").outcome ==
                Outcome::Ok)
        << op;
  ASSERT_EQ(transport.sent.size(), 3u);
  EXPECT_EQ(transport.sent[0].method, "POST");
  EXPECT_EQ(header(transport.sent[0], "Idempotency-Key"), "sluice-key-1");
  EXPECT_EQ(transport.sent[1].method, "DELETE");
  EXPECT_EQ(header(transport.sent[1], "Idempotency-Key"), "(absent)");
  EXPECT_EQ(transport.sent[2].method, "GET");
  EXPECT_EQ(header(transport.sent[2], "Idempotency-Key"), "(absent)");
}

// Credentials that take 300 ms to get (a token fetched or refreshed over the network).
class SlowTokenConnector : public Connector {
 public:
  SlowTokenConnector(const App& app, const Connection& connection, ManualClock& clock)
      : Connector(app, connection), clock_(clock) {}
  bool authorize(HttpRequest& request, HttpTransport&, bool) override {
    clock_.advance(300);
    request.headers.emplace_back("Authorization", "Bearer fetched");
    return true;
  }

 private:
  ManualClock& clock_;
};

// When each request went, on the test's clock.
class TimedTransport : public HttpTransport {
 public:
  explicit TimedTransport(const Clock& clock) : clock_(clock) {}
  HttpResponse send(const HttpRequest&) override {
    sentAtMs.push_back(clock_.nowMs());
    return HttpResponse{200, {}, R"({"id":"cus_1"})"};
  }
  std::vector<int64_t> sentAtMs;

 private:
  const Clock& clock_;
};

// The slices the budget was taken in (every grant is available).
class SliceLog : public RateBudgetStore {
 public:
  int64_t takeBudget(const std::string&, int64_t sliceStartMs, int64_t, int, int64_t,
                     int64_t want) override {
    slices.push_back(sliceStartMs);
    return want;
  }
  std::vector<int64_t> slices;
};

// A grant counts in the slice it was taken in. Taken before a slow token fetch, it would be
// spent in a later slice, and a window could hold more than the limit.
TEST(ApiClient, TheSharedBudgetIsTakenAfterTheCredentialsInTheSliceTheRequestGoesIn) {
  const Catalog catalog = Catalog::load(test::catalogRoot());
  const std::map<std::string, std::string> env = {{"K", "sk_test_123"}};
  const Config config = loadConfigText(
      "connections:\n  stripe: { app: stripe, api_key: \"${K}\", base_url: http://127.0.0.1:9,"
      " rate_limit: { requests: 10, per: 2s } }\n",
      "c.yaml", catalog, &env);
  ManualClock clock(1'800'000'000'000 + 150);  // 150 ms into a 200 ms slice
  AppRegistry apps = AppRegistry::builtIn();
  apps.add("stripe", {[&clock](const App& app, const Connection& c, TokenStore*,
                               const Clock&) -> std::unique_ptr<Connector> {
                        return std::make_unique<SlowTokenConnector>(app, c, clock);
                      },
                      nullptr});
  TimedTransport transport(clock);
  ApiClient client(
      *catalog.app("stripe"), config.connections.at("stripe"), transport, nullptr, clock,
      [](int64_t) { return true; }, apps);
  SliceLog budget;
  client.shareBudget(budget);
  JsonDoc inputs;
  inputs.Parse(R"({"customer":"cus_1"})");
  ASSERT_TRUE(client.call(*catalog.find("stripe.customers.get_customer_by_id"), inputs).outcome ==
              Outcome::Ok);
  ASSERT_EQ(transport.sentAtMs.size(), 1u);
  ASSERT_EQ(budget.slices.size(), 1u);
  const int64_t sent = transport.sentAtMs[0];
  EXPECT_EQ(budget.slices[0], sent - sent % 200) << "taken in the slice before the send";
}

}  // namespace api_client_test
}  // namespace sluice
