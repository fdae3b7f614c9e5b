// Every request sluice sends to Stripe, checked against spec3.json (catalog/spec_request_check):
// for each Stripe operation of the catalog, one request with every input set, one with only
// the required ones, one per enum value the catalog offers, and for triggers a next-page
// request with the pagination's parameters. The requests are what ApiClient puts on the wire
// (auth, Idempotency-Key on actions as the dispatcher sends them), captured by a transport.
//
// A finding fails the test unless the operation lists a spec_exception for its check:
//   path   - method and path not in the spec (RequestIssue::PathMethod)
//   body   - anything about the form body: unknown field or sub-key, type, enum, required
//            field, a body the spec takes no body for
//   params - the same about path and query parameters, and headers (Idempotency-Key)
// the names the static conformance check (spec_conformance) files the same kinds under.
#include <gtest/gtest.h>

#include <iostream>
#include <memory>
#include <set>

#include "catalog/catalog.h"
#include "catalog/spec_conformance.h"
#include "catalog/spec_index.h"
#include "catalog/spec_request_check.h"
#include "catalog/spec_samples.h"
#include "config/config.h"
#include "http/api_client.h"
#include "poll/page_walker.h"
#include "test_support.h"

namespace sluice {
namespace stripe_request_conformance_test {

// ---------------------------------------------------------------- the requests

// One request to check: which inputs it was built from, and what went on the wire.
struct Sent {
  std::string set;
  HttpRequest request;
};

Config stripeConfig(const Catalog& catalog) {
  const std::map<std::string, std::string> env = {{"KEY", "sk_test_1"}};
  return loadConfigText(
      "connections:\n  stripe: { app: stripe, api_key: \"${KEY}\", "
      "base_url: https://api.stripe.com }\n",
      "c.yaml", catalog, &env);
}

class StripeRequestConformance : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (catalog_) return;
    catalog_ = new Catalog(Catalog::load(test::catalogRoot()));
    conformance_ = new SpecConformance(test::specsRoot());
    spec_ = &conformance_->indexFor(*catalog_->app("stripe"));
  }

  StripeRequestConformance()
      : config_(stripeConfig(*catalog_)),
        transport_(R"({"object":"list","data":[],"has_more":false})"),
        client_(*catalog_->app("stripe"), config_.connections.at("stripe"), transport_, nullptr,
                clock_, [this](int64_t ms) {
                  clock_.advance(ms);
                  return true;
                }) {}

  // The inputs of a set: every one (a sample, or the catalog's first non-empty enum value), or
  // only the required ones; defaults are left to the request builder.
  JsonDoc inputs(const Operation& op, bool all) {
    return test::sampleInputs(op, spec_->find(op.request.method, op.request.path), all);
  }

  // Calls the operation as a flow would (actions with an idempotency key) and returns what
  // went out.
  HttpRequest send(const Operation& op, const JsonValue& in, const PageParams* page = nullptr) {
    const size_t before = transport_.sent.size();
    const ApiResult r =
        client_.call(op, in, page, op.kind == OpKind::Action ? "sluice-test-key" : "");
    EXPECT_TRUE(r.outcome == Outcome::Ok) << op.fullId() << ": " << r.error;
    EXPECT_EQ(transport_.sent.size(), before + 1) << op.fullId();
    return transport_.sent.empty() ? HttpRequest{} : transport_.sent.back();
  }

  std::vector<Sent> requestsFor(const Operation& op) {
    std::vector<Sent> out;
    out.push_back({"every input", send(op, inputs(op, true))});
    out.push_back({"required inputs", send(op, inputs(op, false))});
    for (const auto& in : op.inputs)
      for (const auto& value : in.enumValues) {
        JsonDoc with = inputs(op, false);
        with.RemoveMember(in.name.c_str());
        with.AddMember(jsonString(in.name, with.GetAllocator()),
                       jsonString(value, with.GetAllocator()), with.GetAllocator());
        out.push_back({"enum " + in.name + "=" + value, send(op, with)});
      }
    if (op.kind == OpKind::Trigger && op.paginate.style != PaginationStyle::None) {
      PagePosition next = firstPosition(op.paginate);
      for (const auto& [param, source] : op.paginate.next)
        next.params.AddMember(jsonString(param, next.params.GetAllocator()),
                              jsonString("obj_next", next.params.GetAllocator()),
                              next.params.GetAllocator());
      const PageParams page = pageParams(op.paginate, next);
      out.push_back({"next page, every input", send(op, inputs(op, true), &page)});
    }
    return out;
  }

  static Catalog* catalog_;
  static SpecConformance* conformance_;
  static const SpecIndex* spec_;
  Config config_;
  ManualClock clock_;
  test::RecordingTransport transport_;
  ApiClient client_;
};

Catalog* StripeRequestConformance::catalog_ = nullptr;
SpecConformance* StripeRequestConformance::conformance_ = nullptr;
const SpecIndex* StripeRequestConformance::spec_ = nullptr;

TEST_F(StripeRequestConformance, EveryRequestOfEveryOperationFitsSpec3) {
  size_t requests = 0;
  std::vector<std::string> excused;
  for (const auto& op : catalog_->app("stripe")->operations) {
    for (const auto& [set, request] : requestsFor(op)) {
      ++requests;
      for (const auto& f : checkRequest(*spec_, request)) {
        const std::string line = op.fullId() + " [" + set + "] " + toString(f.issue) + " (" +
                                 f.check() + "): " + f.message;
        if (op.hasSpecException(f.check()))
          excused.push_back(line);
        else
          ADD_FAILURE() << line << "\n  " << request.method << " " << request.url << "\n  "
                        << request.body;
      }
    }
  }
  EXPECT_GE(requests, 2 * catalog_->app("stripe")->operations.size());
  std::cout << "  " << requests << " Stripe requests checked against spec3.json\n";
  for (const auto& e : excused) std::cout << "  excused by a spec_exception: " << e << "\n";
}

// The samples are what the spec takes: a request from a schema-built object passes, so a
// finding in the test above is the catalog's, not the sampler's.
TEST_F(StripeRequestConformance, SamplesFitTheirSchemas) {
  const Operation* op = catalog_->find("stripe.subscriptions.create_subscription");
  ASSERT_NE(op, nullptr);
  const JsonDoc in = inputs(*op, true);
  ASSERT_TRUE(in.HasMember("items"));
  EXPECT_TRUE(in["items"].IsArray() && in["items"][0].IsObject()) << toJson(in["items"]);
  EXPECT_EQ(toJson(in["payment_behavior"]), "\"allow_incomplete\"");
  const HttpRequest sent = send(*op, in);
  EXPECT_TRUE(checkRequest(*spec_, sent).empty()) << sent.body;
}

// The Stripe-Version every request pins is the version spec3.json describes.
TEST_F(StripeRequestConformance, PinsTheApiVersionOfSpec3) {
  const SpecIndex::Entry* entry = spec_->find("GET", "/v1/customers");
  ASSERT_NE(entry, nullptr);
  const JsonValue* version = jsonAt(*entry->doc, "/info/version");
  ASSERT_NE(version, nullptr);
  std::string sent = "(absent)";
  for (const auto& [name, value] :
       send(*catalog_->find("stripe.balance.get_balance"), JsonValue(rapidjson::kObjectType))
           .headers)
    if (name == "Stripe-Version") sent = value;
  EXPECT_EQ(sent, version->GetString());
}

// The loop above can fail: a Create Customer with a misspelt field, a wrong type, an enum value
// Stripe lacks and a body input moved to the query yields a finding for each, under the check
// a spec_exception would have to name.
TEST_F(StripeRequestConformance, CatchesAnOperationThatDiffersFromTheSpec) {
  Operation op = *catalog_->find("stripe.customers.create_customer");
  for (auto& in : op.inputs) {
    if (in.name == "phone") in.field = "phone_number";
    if (in.name == "preferred_locales") in.type = ValueType::Integer;
    if (in.name == "tax_exempt") in.enumValues.push_back("partial");
    if (in.name == "email") in.in = InputLocation::Query;
  }
  std::set<std::string> found;
  for (const auto& [set, request] : requestsFor(op))
    for (const auto& f : checkRequest(*spec_, request))
      found.insert(f.check() + " " + toString(f.issue) + " " + f.param);
  EXPECT_EQ(found, (std::set<std::string>{"body unknown parameter phone_number",
                                          "body type preferred_locales", "body enum tax_exempt",
                                          "params unknown parameter email"}));
}

}  // namespace stripe_request_conformance_test
}  // namespace sluice
