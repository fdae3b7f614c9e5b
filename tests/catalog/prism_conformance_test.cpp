// Every GHL request sluice makes, through a third-party validator: Stoplight Prism in proxy
// mode, on the merged GHL specs, in front of the fake GHL (scripts/prism.sh starts both and sets
// SLUICE_PRISM_URL; without it this test skips). Each operation is called twice, with every
// input and with only the required ones, and a request violation Prism reports in its
// sl-violations header fails the test unless the operation (or its app) lists a spec_exception
// for it:
//   body    - anything under the request body
//   params  - path and query parameters
//   headers - request headers
// the check names of the static conformance check (catalog/spec_conformance.h).
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>

#include "catalog/catalog.h"
#include "catalog/spec_conformance.h"
#include "catalog/spec_samples.h"
#include "config/config.h"
#include "core/text.h"
#include "http/api_client.h"
#include "http/poco_http_transport.h"
#include "test_support.h"

namespace sluice {
namespace prism_conformance_test {

// The exception check a Prism violation's location falls under: ["request", "body", ...];
// a missing body is reported on ["request"] alone ("Body parameter is required").
std::string checkOf(const JsonValue& violation) {
  const JsonValue* where = jsonAt(violation, "/location/1");
  const JsonValue* message = jsonAt(violation, "/message");
  const std::string part = where ? jsonText(*where) : "";
  if (part == "body" || (!where && message && jsonText(*message).rfind("Body", 0) == 0))
    return "body";
  if (part == "header") return "headers";
  return "params";
}

bool excused(const App& app, const Operation& op, const std::string& check) {
  for (const auto& e : app.specExceptions)
    if (e.check == check) return true;
  return op.hasSpecException(check);
}

Config prismConfig(const Catalog& catalog, const std::string& url) {
  const std::map<std::string, std::string> env = {{"TOKEN", "ghl-prism-token"}};
  return loadConfigText(
      "connections:\n  ghl: { app: ghl, token: \"${TOKEN}\", location_id: "
      "loc_prism, company_id: comp_prism, base_url: " +
          url + ", rate_limit: { requests: 100000, per: 10s } }\n",
      "prism.yaml", catalog, &env);
}

class PrismConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* url = std::getenv("SLUICE_PRISM_URL");
    if (!url || !*url) GTEST_SKIP() << "SLUICE_PRISM_URL not set (scripts/prism.sh runs this)";
    catalog_ = std::make_unique<Catalog>(Catalog::load(test::catalogRoot()));
    conformance_ = std::make_unique<SpecConformance>(test::specsRoot());
    config_ = std::make_unique<Config>(prismConfig(*catalog_, url));
    client_ = std::make_unique<ApiClient>(app(), config_->connections.at("ghl"), *transport_,
                                          nullptr, clock_, [](int64_t) { return true; });
  }
  const App& app() const { return *catalog_->app("ghl"); }
  const SpecIndex& spec() { return conformance_->indexFor(app()); }

  // The request violations Prism reports for one call of op; answered = Prism answered.
  std::vector<JsonDoc> requestViolations(const Operation& op, const JsonValue& inputs,
                                         bool& answered) {
    const ApiResult r = client_->call(op, inputs);
    answered = r.status != 0;
    std::vector<JsonDoc> out;
    for (const auto& [name, value] : r.headers) {
      JsonDoc all;
      if (lowerAscii(name) != "sl-violations" || parseJson(value, all) || !all.IsArray()) continue;
      for (const auto& v : all.GetArray()) {
        const JsonValue* first = jsonAt(v, "/location/0");
        if (!first || jsonText(*first) != "request") continue;  // the fake's answers: not ours
        out.emplace_back();
        out.back().CopyFrom(v, out.back().GetAllocator());
      }
    }
    return out;
  }

  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<SpecConformance> conformance_;
  std::unique_ptr<Config> config_;
  std::unique_ptr<HttpTransport> transport_ = makePocoTransport();
  ManualClock clock_;
  std::unique_ptr<ApiClient> client_;
};

TEST_F(PrismConformance, EveryGhlRequestPassesPrism) {
  int requests = 0, answered = 0;
  std::vector<std::string> excusedLines;
  for (const auto& op : app().operations)
    for (const bool all : {true, false}) {
      const JsonDoc inputs =
          test::sampleInputs(op, spec().find(op.request.method, op.request.path), all);
      bool reached = false;
      for (const auto& v : requestViolations(op, inputs, reached)) {
        const std::string line = op.fullId() + (all ? " [every input] " : " [required] ") +
                                 checkOf(v) + ": " + toJson(v);
        if (excused(app(), op, checkOf(v)))
          excusedLines.push_back(line);
        else
          ADD_FAILURE() << line;
      }
      ++requests;
      answered += reached;
    }
  EXPECT_EQ(requests, static_cast<int>(2 * app().operations.size()));
  EXPECT_EQ(answered, requests) << "every request must reach Prism";
  std::cout << "  " << requests << " GHL requests validated by Prism\n";
  for (const auto& e : excusedLines) std::cout << "  excused by a spec_exception: " << e << "\n";
}

// The loop above can fail: update_contact without the `body: {}` its spec requires, called
// with nothing to change, and with a value of the wrong type (OpenAPI lets a body carry fields
// its schema does not list, so Prism does not flag those; the static check does).
TEST_F(PrismConformance, ReportsABodylessCallAndAWrongType) {
  Operation op = *app().find("contacts.update_contact");
  op.request.body = ValueTemplate();
  bool reached = false;
  JsonDoc inputs = test::sampleInputs(op, nullptr, false);
  const auto bodyless = requestViolations(op, inputs, reached);
  ASSERT_TRUE(reached);
  ASSERT_EQ(bodyless.size(), 1u);
  EXPECT_EQ(checkOf(bodyless[0]), "body");
  inputs.AddMember("dnd", "yes", inputs.GetAllocator());
  const auto wrongType = requestViolations(op, inputs, reached);
  ASSERT_EQ(wrongType.size(), 1u);
  EXPECT_EQ(checkOf(wrongType[0]), "body");
  EXPECT_NE(toJson(wrongType[0]).find("dnd"), std::string::npos) << toJson(wrongType[0]);
}

}  // namespace prism_conformance_test
}  // namespace sluice
