// The real pipeline (config -> runner -> poller -> SQLite -> dispatcher -> Poco transport)
// against the in-process fake Stripe and GHL servers on 127.0.0.1.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <string>

#include "catalog/catalog.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/logger.h"
#include "http/poco_http_transport.h"
#include "service/runner.h"
#include "state/state_store.h"
#include "test_support.h"
#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_stripe.h"

namespace sluice::test {

constexpr const char* kStripeKey = "sk_test_pipelineKey123";
constexpr const char* kGhlToken = "ghl-pit-token-987654";

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stripe_.setApiKey(kStripeKey);
    stripe_.start();
    ghl_.setStaticToken(kGhlToken);
    ghl_.start();
    // A copy of the catalog with small Stripe pages, so page boundaries and the page cap are
    // reached with a few dozen records.
    namespace fs = std::filesystem;
    fs::copy(catalogRoot(), dir_.path() + "/catalog", fs::copy_options::recursive);
    const std::string appFile = dir_.path() + "/catalog/stripe/app.yaml";
    std::string app = readFile(appFile);
    app = std::regex_replace(app, std::regex("limit: 100\n    next: \\{ starting_after"),
                             "limit: 10\n    max_pages: 3\n    next: { starting_after");
    std::ofstream(appFile) << app;
    catalog_ = std::make_unique<Catalog>(Catalog::load(dir_.path() + "/catalog"));
    env_ = {{"STRIPE_KEY", kStripeKey}, {"GHL_TOKEN", kGhlToken}};
    Logger::instance().setSink(&log_);
    // Every line, the per-step ones too: what the tests read, and more to check for secrets.
    Logger::instance().setLevel(LogLevel::Debug);
    Logger::instance().setSecrets({kStripeKey, kGhlToken});
    reopen();
  }
  void TearDown() override {
    Logger::instance().setSink(nullptr);
    Logger::instance().setLevel(LogLevel::Info);
    // No secret ever reaches a log line, whatever the test did.
    EXPECT_EQ(log_.str().find(kStripeKey), std::string::npos);
    EXPECT_EQ(log_.str().find(kGhlToken), std::string::npos);
  }

  std::string connections(const std::string& ghlExtra = "") const {
    return "connections:\n"
           "  stripe: { app: stripe, api_key: \"${STRIPE_KEY}\", base_url: " +
           stripe_.baseUrl() +
           " }\n"
           "  ghl: { app: ghl, token: \"${GHL_TOKEN}\", location_id: " +
           ghl_.locationId() + ", base_url: " + ghl_.baseUrl() + ghlExtra + " }\n";
  }

  // Loads a config made of the standard connections plus the given flows.
  void configure(const std::string& flows, const std::string& conns = "") {
    const std::string text = "settings: { demo_mode: true, workers: 2, max_attempts: 4 }\n" +
                             (conns.empty() ? connections() : conns) + "flows:\n" + flows;
    config_ = std::make_unique<Config>(loadConfigText(text, "test.yaml", *catalog_, &env_));
  }

  // A restart: the state store is closed and opened again from its file.
  void reopen() {
    state_.reset();
    state_ = openStateStore("sqlite:" + dir_.path() + "/state.db");
  }

  // One scheduler pass: poll every trigger, deliver everything due.
  void runOnce() {
    Runner runner(*catalog_, *config_, *state_, *transport_, clock_);
    runner.pollAllNow();
    runner.drainOutbox();
  }

  int contactCount() const { return static_cast<int>(ghl_.recordCount("contacts")); }
  // Effects (state-changing calls) the fake GHL recorded for a path prefix.
  int ghlEffects(const std::string& pathPrefix) const {
    int n = 0;
    for (const auto& e : ghl_.effects()) n += e.path.rfind(pathPrefix, 0) == 0;
    return n;
  }
  std::string newCustomer(const std::string& email) {
    return stripe_.createCustomer(email, "Name " + email);
  }

  TempDir dir_;
  fakes::FakeStripe stripe_;
  fakes::FakeGhl ghl_{"loc_pipeline"};
  std::unique_ptr<Catalog> catalog_;
  std::map<std::string, std::string> env_;
  std::unique_ptr<Config> config_;
  std::unique_ptr<StateStore> state_;
  std::unique_ptr<HttpTransport> transport_ = makePocoTransport();
  ManualClock clock_{std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count()};
  std::ostringstream log_;
};

// A flow from new Stripe customers to GHL contacts (upsert by email).
inline std::string customerToContactFlow(const std::string& name = "customers",
                                         const std::string& extra = "") {
  return "  - name: " + name +
         "\n"
         "    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 2s" +
         extra +
         " }\n"
         "    steps:\n"
         "      - op: ghl.contacts.upsert_contact\n"
         "        connection: ghl\n"
         "        with: { email: \"{{trigger.email}}\", name: \"{{trigger.name}}\" }\n";
}

// A flow whose second step creates a note: GHL takes no idempotency key for it.
inline std::string noteFlow(const std::string& noteOp = "ghl.contacts.create_contact_note",
                            const std::string& body = "Stripe customer {{trigger.id}}") {
  return "  - name: notes\n"
         "    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 2s }\n"
         "    steps:\n"
         "      - name: contact\n"
         "        op: ghl.contacts.upsert_contact\n"
         "        connection: ghl\n"
         "        with: { email: \"{{trigger.email}}\" }\n"
         "      - op: " +
         noteOp +
         "\n"
         "        connection: ghl\n"
         "        with: { contactId: \"{{steps.contact.contact.id}}\", body: \"" +
         body + "\" }\n";
}

}  // namespace sluice::test
