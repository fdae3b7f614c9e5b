// http/api_client.cpp: what one call puts on the wire around the built request. Here: the
// app's idempotency header only on methods that are not idempotent by themselves.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "config/config.h"
#include "http/api_client.h"
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

}  // namespace api_client_test
}  // namespace sluice
