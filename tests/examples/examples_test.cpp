// Issue 5's proof: every flow in examples/*.yaml runs through the real pipeline against the
// in-process fake Stripe and GHL, and the fake GHL ends with the right contacts, fields,
// tags, notes, tasks and locations, each exactly once, including across restarts of the
// state store between polls. Also: `sluice check` accepts every example file as it is.
#include <gmock/gmock.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include "service/pipeline_fixture.h"

namespace sluice::test {
namespace examples_test {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::string examplesDir() {
  return std::string(SLUICE_SOURCE_DIR) + "/examples";
}

std::vector<std::string> exampleFiles() {
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(examplesDir()))
    if (e.path().extension() == ".yaml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

// The environment an example file reads, pointing at the fakes.
std::vector<std::string> exampleEnv(const std::string& stripeUrl, const std::string& ghlUrl,
                                    const std::string& location, const std::string& company) {
  return {"STRIPE_SECRET_KEY=" + std::string(kStripeKey),
          "STRIPE_BASE_URL=" + stripeUrl,
          "GHL_TOKEN=" + std::string(kGhlToken),
          "GHL_LOCATION_ID=" + location,
          "GHL_COMPANY_ID=" + company,
          "GHL_BASE_URL=" + ghlUrl};
}

class ExampleFlowsTest : public PipelineTest {
 protected:
  // Loads examples/<file> the way the demo runs it: demo settings first (polls may be
  // seconds apart), every interval at 2s, connections on the fakes through the environment.
  void loadExample(const std::string& file) {
    std::string text = readFile(examplesDir() + "/" + file);
    ASSERT_THAT(text, HasSubstr("every: 5m"));
    text = std::regex_replace(text, std::regex(R"(every: \d+m)"), "every: 2s");
    text = "settings: { demo_mode: true, workers: 2, max_attempts: 4 }\n" + text;
    env_.clear();
    for (const auto& kv :
         exampleEnv(stripe_.baseUrl(), ghl_.baseUrl(), ghl_.locationId(), ghl_.companyId()))
      env_[kv.substr(0, kv.find('='))] = kv.substr(kv.find('=') + 1);
    config_ = std::make_unique<Config>(loadConfigText(text, file, *catalog_, &env_));
  }

  // Polls and delivers, restarts (the state store is reopened), and does it again: the
  // second pass must find nothing new.
  void runWithRestart() {
    runOnce();
    reopen();
    runOnce();
    EXPECT_EQ(state_->deliveries(DeliveryStatus::Dead, 10).size(), 0u) << log_.str();
    EXPECT_EQ(state_->deliveries(DeliveryStatus::Pending, 10).size(), 0u) << log_.str();
  }

  // Records of a kind on the fake GHL, oldest first.
  JsonDoc records(const std::string& kind) const {
    JsonDoc doc;
    EXPECT_FALSE(parseJson(ghl_.listRecords(kind), doc).has_value());
    return doc;
  }
  // The one contact with this email (a failure when there are none or several).
  JsonDoc contact(const std::string& email) const {
    JsonDoc all = records("contacts"), out;
    int found = 0;
    for (const auto& c : all.GetArray())
      if (c.HasMember("email") && c["email"].IsString() && email == c["email"].GetString()) {
        out.CopyFrom(c, out.GetAllocator());
        ++found;
      }
    EXPECT_EQ(found, 1) << "contacts with email " << email << ": " << ghl_.listRecords("contacts");
    return out;
  }
  std::string contactId(const std::string& email) const {
    JsonDoc c = contact(email);
    return c.IsObject() ? c["id"].GetString() : "";
  }
  std::vector<std::string> tags(const std::string& email) const {
    std::vector<std::string> out;
    JsonDoc c = contact(email);
    if (c.IsObject())
      for (const auto& t : c["tags"].GetArray()) out.push_back(t.GetString());
    return out;
  }
  // The `field` of every note or task of the contact.
  std::vector<std::string> children(const std::string& kind, const std::string& email,
                                    const char* field) const {
    const std::string id = contactId(email);
    std::vector<std::string> out;
    JsonDoc all = records(kind);
    for (const auto& r : all.GetArray())
      if (id == r["contactId"].GetString()) out.push_back(r[field].GetString());
    return out;
  }
  std::vector<std::string> notes(const std::string& email) const {
    return children("notes", email, "body");
  }
  std::vector<std::string> tasks(const std::string& email) const {
    return children("tasks", email, "title");
  }
  std::string stripeId(const std::string& json) const {
    JsonDoc doc;
    EXPECT_FALSE(parseJson(json, doc).has_value());
    return doc["id"].GetString();
  }
  std::string customer(const std::string& email, const std::string& name,
                       const std::string& metadata = "{}") {
    return stripeId(stripe_.createCustomer(email, name, metadata));
  }
};

TEST_F(ExampleFlowsTest, CheckAcceptsEveryExampleFile) {
  const auto files = exampleFiles();
  ASSERT_GE(files.size(), 7u);
  for (const auto& file : files) {
    auto r = runSluice({"check", "-c", file},
                       exampleEnv("https://api.stripe.com", "https://services.leadconnectorhq.com",
                                  "loc_example", "comp_example"));
    EXPECT_EQ(r.exitCode, 0) << file << "\n" << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr(": ok:")) << file;
    // No warning: real intervals (not demo configs), and every template reads a field the
    // vendor's spec describes.
    EXPECT_EQ(r.err, "") << file;
  }
}

TEST_F(ExampleFlowsTest, CustomersCreateAndUpdateTheContact) {
  customer("old@x.test", "Old Customer");  // exists before the first poll: not carried over
  loadExample("01-stripe-customers-to-ghl-contacts.yaml");
  runOnce();
  const std::string ada = customer("ada@x.test", "Ada Lovelace");
  customer("", "No Email");  // skipped by the filter
  runWithRestart();
  JsonDoc c = contact("ada@x.test");
  EXPECT_STREQ(c["name"].GetString(), "Ada Lovelace");
  EXPECT_EQ(toJson(c["customFields"]),
            R"([{"id":"stripe_customer_id","key":"stripe_customer_id","value":")" + ada + R"("}])");
  EXPECT_STREQ(c["source"].GetString(), "stripe");

  stripe_.updateCustomer(ada, R"({"name":"Ada King","phone":"+15550100"})");
  runWithRestart();
  c = contact("ada@x.test");
  EXPECT_STREQ(c["name"].GetString(), "Ada King");
  EXPECT_STREQ(c["phone"].GetString(), "+15550100");
  EXPECT_EQ(contactCount(), 1);
  EXPECT_EQ(ghlEffects("/contacts/upsert"), 2);  // one per Stripe event, never repeated
}

TEST_F(ExampleFlowsTest, MetadataTagsFollowStripeWithANote) {
  loadExample("02-stripe-tags-and-notes.yaml");
  runOnce();
  const std::string id = customer("tags@x.test", "Tag Person", R"({"tags":"vip, newsletter"})");
  runWithRestart();  // creation is example 1's business
  EXPECT_EQ(contactCount(), 0);

  stripe_.updateCustomer(id, R"({"metadata":{"tags":"vip, beta"}})");
  runWithRestart();
  EXPECT_THAT(tags("tags@x.test"), UnorderedElementsAre("vip", "beta"));
  EXPECT_THAT(notes("tags@x.test"),
              ElementsAre(HasSubstr("Stripe tags changed from 'vip, newsletter' to 'vip, beta'")));

  // Changes that do not touch the tags do nothing.
  stripe_.updateCustomer(id, R"({"name":"Tag Person Jr"})");
  stripe_.updateCustomer(id, R"({"metadata":{"plan":"pro"}})");
  runWithRestart();
  EXPECT_EQ(notes("tags@x.test").size(), 1u);

  // All tags dropped in Stripe (an empty value deletes the metadata key).
  stripe_.updateCustomer(id, R"({"metadata":{"tags":""}})");
  runWithRestart();
  EXPECT_THAT(tags("tags@x.test"), IsEmpty());
  EXPECT_EQ(notes("tags@x.test").size(), 2u);
  EXPECT_THAT(notes("tags@x.test")[1], HasSubstr("from 'vip, beta' to '(none)'"));

  // Tags added to a customer that had none.
  stripe_.updateCustomer(id, R"({"metadata":{"tags":"Gold"}})");
  runWithRestart();
  EXPECT_THAT(tags("tags@x.test"), ElementsAre("gold"));
  EXPECT_EQ(notes("tags@x.test").size(), 3u);
  EXPECT_EQ(ghlEffects("/contacts/" + contactId("tags@x.test") + "/notes"), 3);
}

TEST_F(ExampleFlowsTest, PaymentsPostANoteOrCreateATask) {
  loadExample("03-stripe-payments-to-notes-and-tasks.yaml");
  runOnce();
  const std::string pay = customer("payer@x.test", "Pat Payer");
  stripe_.succeedPayment(pay, 4900, "usd");
  stripe_.failPayment(pay, 1250, "eur");
  stripe_.succeedPayment("", 100, "usd");  // a guest payment: no customer, skipped
  runWithRestart();
  EXPECT_THAT(notes("payer@x.test"), ElementsAre(HasSubstr("Payment received: 49.00 USD")));
  EXPECT_THAT(tasks("payer@x.test"), ElementsAre(HasSubstr("payment of 12.50 EUR failed")));
  EXPECT_STREQ(contact("payer@x.test")["name"].GetString(), "Pat Payer");

  stripe_.succeedPayment(pay, 1000, "usd");
  runWithRestart();
  EXPECT_THAT(notes("payer@x.test"), ElementsAre(HasSubstr("49.00 USD"), HasSubstr("10.00 USD")));
  EXPECT_EQ(tasks("payer@x.test").size(), 1u);
  EXPECT_EQ(contactCount(), 1);
}

TEST_F(ExampleFlowsTest, SubscriptionsTagThePlanAndFailedInvoicesCreateATask) {
  loadExample("04-subscriptions-and-failed-invoices.yaml");
  runOnce();
  const std::string sub = customer("sub@x.test", "Sue Scriber");
  const std::string product = stripeId(stripe_.createRecord("products", R"({"name":"Sluice"})"));
  const std::string price = stripeId(stripe_.createRecord(
      "prices",
      R"({"product":")" + product +
          R"(","unit_amount":2900,"currency":"usd","nickname":"Pro","recurring":{"interval":"month"}})"));
  const std::string subscription = stripeId(stripe_.createRecord(
      "subscriptions", R"({"customer":")" + sub + R"(","items":[{"price":")" + price + R"("}]})"));
  stripe_.failInvoice(sub, 12000);
  runWithRestart();
  EXPECT_THAT(tags("sub@x.test"), ElementsAre("plan:pro"));
  EXPECT_THAT(tasks("sub@x.test"), ElementsAre(HasSubstr("(120.00 USD) could not be collected")));

  stripe_.updateRecord("subscriptions", subscription, R"({"metadata":{"seats":"5"}})");
  runWithRestart();
  EXPECT_THAT(tags("sub@x.test"), ElementsAre("plan:pro"));
  EXPECT_EQ(tasks("sub@x.test").size(), 1u);
  EXPECT_EQ(ghlEffects("/contacts/" + contactId("sub@x.test") + "/tags"), 2);  // one per event
}

TEST_F(ExampleFlowsTest, SnapshotsCarryCustomersInvoicesAndTerminalLocations) {
  loadExample("05-stripe-to-snapshots.yaml");
  runOnce();
  const std::string id = customer("shop@x.test", "Shop Owner");
  stripe_.payInvoice(id, 2500);
  stripe_.createRecord("terminal/locations", R"({"display_name":"Main Street Store",
      "address":{"line1":"1 Main St","city":"Springfield","state":"IL","postal_code":"62701","country":"US"}})");
  runWithRestart();
  runOnce();
  JsonDoc c = contact("shop@x.test");
  EXPECT_STREQ(c["name"].GetString(), "Shop Owner");
  EXPECT_THAT(toJson(c["customFields"]), HasSubstr(id));
  EXPECT_THAT(tags("shop@x.test"), ElementsAre("paid"));
  EXPECT_THAT(notes("shop@x.test"), UnorderedElementsAre(HasSubstr("created in Stripe: 25.00 USD"),
                                                         HasSubstr("paid: 25.00 USD")));
  JsonDoc locations = records("locations");
  int stores = 0;
  for (const auto& l : locations.GetArray())
    if (l["name"] == "Main Street Store") {
      ++stores;
      EXPECT_STREQ(l["city"].GetString(), "Springfield");
      EXPECT_STREQ(l["postalCode"].GetString(), "62701");
      EXPECT_STREQ(l["country"].GetString(), "US");
      EXPECT_STREQ(l["companyId"].GetString(), ghl_.companyId().c_str());
    }
  EXPECT_EQ(stores, 1);
  EXPECT_EQ(contactCount(), 1);
}

TEST_F(ExampleFlowsTest, LoopFourFailedInvoiceBranchesOnTheAmount) {
  loadExample("06-loopfour-failed-invoice.yaml");
  runOnce();
  const std::string big = customer("big@x.test", "Big Spender");
  const std::string small = customer("small@x.test", "Small Spender");
  stripe_.failInvoice(big, 75000);
  stripe_.failInvoice(small, 4000);
  runWithRestart();
  EXPECT_THAT(tasks("big@x.test"), ElementsAre("Call Big Spender: invoice of 750.00 USD failed"));
  EXPECT_THAT(tags("big@x.test"), IsEmpty());
  EXPECT_THAT(tasks("small@x.test"), IsEmpty());
  EXPECT_THAT(tags("small@x.test"), ElementsAre("payment-failed"));
  EXPECT_THAT(log_.str(), HasSubstr("step.skipped"));
}

TEST_F(ExampleFlowsTest, GhlOrdersAndTransactionsPostNotes) {
  const std::string existing =
      stripeId(ghl_.createContact(R"({"email":"buyer@x.test","name":"Bo Buyer"})"));
  ghl_.createOrder(existing, 10);  // before the first poll: not carried over
  loadExample("07-ghl-payments-to-notes.yaml");
  runOnce();
  ghl_.createOrder(existing, 49);
  ghl_.createTransaction(existing, 49);
  runWithRestart();
  EXPECT_THAT(notes("buyer@x.test"),
              UnorderedElementsAre(HasSubstr(": 49.00 USD, completed (source: Fake Funnel)"),
                                   HasSubstr(": 49.00 USD succeeded (stripe)")));
  ghl_.createTransaction(existing, 5, "failed");
  runWithRestart();
  EXPECT_EQ(notes("buyer@x.test").size(), 3u);
  EXPECT_THAT(notes("buyer@x.test")[2], HasSubstr("5.00 USD failed"));
}

}  // namespace examples_test
}  // namespace sluice::test
