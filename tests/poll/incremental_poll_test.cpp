// Polls that read what is new, not what exists, counted in records fetched: GHL's contact search
// sorted newest first stops at the first contact the last sweep had passed; GHL's transactions
// list is asked only from the newest transaction seen (catalog `since`).
#include <gmock/gmock.h>

#include <set>

#include "core/iso_time.h"
#include "service/pipeline_fixture.h"

namespace sluice::test {
namespace incremental_poll_test {

JsonDoc json(const std::string& text) {
  JsonDoc doc;
  EXPECT_FALSE(parseJson(text, doc)) << text;
  return doc;
}

class IncrementalPollTest : public PipelineTest {
 protected:
  std::string contactId() {
    const JsonDoc doc = json(ghl_.createContact(R"({"email":"payer@x.test"})"));
    return doc.HasMember("contact") ? doc["contact"]["id"].GetString() : doc["id"].GetString();
  }
  void transaction(const std::string& contact, int64_t createdMs) {
    ghl_.createRecord("transactions", R"({"contactId":")" + contact +
                                          R"(","amount":5,"createdAt":")" +
                                          formatIsoSeconds(createdMs) + R"("})");
  }
  PollRecord lastPoll() { return state_->history(state_->triggers().at(0).key, 1).at(0); }
};

TEST_F(IncrementalPollTest, APollOfTransactionsReadsTheNewOnesNotTheWholeList) {
  const std::string contact = contactId();
  const int64_t now = clock_.nowMs(), day = 86'400'000;
  std::vector<int64_t> old;
  for (int i = 0; i < 150; ++i) old.push_back(now - (40 + i % 20) * day);
  for (int64_t at : old) transaction(contact, at);
  configure(
      "  - name: payments\n"
      "    trigger: { op: ghl.payments.list_transactions, connection: ghl, every: 2s }\n"
      "    steps:\n"
      "      - op: ghl.contacts.add_tags_to_contact\n"
      "        connection: ghl\n"
      "        with: { contactId: \"{{trigger.contactId}}\", tags: [\"paid\"] }\n");
  runOnce();  // the first sweep reads everything once, and fires nothing
  EXPECT_EQ(lastPoll().fetched, 150);
  transaction(contact, now - 1000);
  transaction(contact, now - 500);
  clock_.advance(2'000);
  runOnce();
  // From the day before the newest transaction seen (40 days ago): the two new ones and the
  // old ones of those two days, not all 152.
  const int64_t from = (now - 40 * day) / day * day - day;
  int margin = 0;
  for (int64_t at : old) margin += at >= from;
  EXPECT_EQ(lastPoll().fetched, 2 + margin);
  EXPECT_LT(margin, 20);
  EXPECT_EQ(lastPoll().newItems, 2);
  EXPECT_EQ(ghlEffects("/contacts/" + contact + "/tags"), 2);
  clock_.advance(2'000);
  runOnce();  // nothing new: the newest day's two are read again and dropped as seen
  EXPECT_EQ(lastPoll().fetched, 2);
  EXPECT_EQ(lastPoll().newItems, 0);
  EXPECT_EQ(ghlEffects("/contacts/" + contact + "/tags"), 2);
}

TEST_F(IncrementalPollTest, AContactSearchNewestFirstStopsAtTheFirstKnownContact) {
  const int64_t now = clock_.nowMs();
  for (int i = 0; i < 300; ++i)
    ghl_.createRecord("contacts", R"({"locationId":")" + ghl_.locationId() + R"(","email":"old)" +
                                      std::to_string(i) + R"(@x.test","dateAdded":")" +
                                      formatIsoSeconds(now - (300 - i) * 60'000LL) + R"("})");
  configure(
      "  - name: contacts\n"
      "    trigger: { op: ghl.contacts.search_contacts, connection: ghl, every: 2s }\n"
      "    steps:\n"
      "      - op: ghl.contacts.add_tags_to_contact\n"
      "        connection: ghl\n"
      "        with: { contactId: \"{{trigger.id}}\", tags: [\"new\"] }\n");
  runOnce();  // the first poll seeds from the newest page: 300 contacts exist, 100 are read
  EXPECT_EQ(lastPoll().pages, 1);
  EXPECT_EQ(lastPoll().fetched, 100);
  ghl_.createContact(R"({"email":"new1@x.test"})");
  ghl_.createContact(R"({"email":"new2@x.test"})");
  clock_.advance(2'000);
  runOnce();
  // One page: the two new contacts first, then known ones, where the poll stops.
  EXPECT_EQ(lastPoll().pages, 1);
  EXPECT_EQ(lastPoll().newItems, 2);
  int tagged = 0;
  for (const auto& e : ghl_.effects()) tagged += e.path.find("/tags") != std::string::npos;
  EXPECT_EQ(tagged, 2);
}

TEST_F(IncrementalPollTest, AFirstPollOfANewestFirstListReadsWhatItsBackfillNeedsAndTheTies) {
  // 250 contacts: the newest 120 were all added in the same second, the rest before.
  const int64_t now = clock_.nowMs() / 1000 * 1000;
  for (int i = 0; i < 250; ++i) {
    const int64_t added = i < 130 ? now - (200 - i) * 60'000LL : now - 60'000;
    ghl_.createRecord("contacts", R"({"locationId":")" + ghl_.locationId() + R"(","email":"c)" +
                                      std::to_string(i) + R"(@x.test","dateAdded":")" +
                                      formatIsoSeconds(added) + R"("})");
  }
  const std::string flow =
      "    trigger: { op: ghl.contacts.search_contacts, connection: ghl, every: 2s%s }\n"
      "    steps:\n"
      "      - op: ghl.contacts.add_tags_to_contact\n"
      "        connection: ghl\n"
      "        with: { contactId: \"{{trigger.id}}\", tags: [\"new\"] }\n";
  auto named = [&](const std::string& name, const std::string& extra) {
    std::string f = flow;
    f.replace(f.find("%s"), 2, extra);
    return "  - name: " + name + "\n" + f;
  };
  // No backfill: the 120 tied with the newest span two pages, so the seed reads two, not three.
  configure(named("seed", ""));
  runOnce();
  EXPECT_EQ(lastPoll().pages, 2);
  EXPECT_EQ(lastPoll().newItems, 0);
  ghl_.createContact(R"({"email":"fresh@x.test"})");
  clock_.advance(2'000);
  runOnce();
  EXPECT_EQ(lastPoll().pages, 2);     // down to the first contact older than the watermark
  EXPECT_EQ(lastPoll().newItems, 1);  // none of the 120 tied ones fires again
  EXPECT_EQ(ghlEffects("/contacts/"), 1);
}

TEST_F(IncrementalPollTest, ABackfillReadsAsManyNewestRecordsAsItFires) {
  const int64_t now = clock_.nowMs();
  for (int i = 0; i < 450; ++i)
    ghl_.createRecord("contacts", R"({"locationId":")" + ghl_.locationId() + R"(","email":"b)" +
                                      std::to_string(i) + R"(@x.test","dateAdded":")" +
                                      formatIsoSeconds(now - (450 - i) * 60'000LL) + R"("})");
  configure(
      "  - name: backfill\n"
      "    trigger: { op: ghl.contacts.search_contacts, connection: ghl, every: 2s,\n"
      "               first_poll: backfill, backfill: 150 }\n"
      "    steps:\n"
      "      - op: ghl.contacts.add_tags_to_contact\n"
      "        connection: ghl\n"
      "        with: { contactId: \"{{trigger.id}}\", tags: [\"old\"] }\n");
  Runner(*catalog_, *config_, *state_, *transport_, clock_).pollAllNow();
  EXPECT_EQ(lastPoll().pages, 2);  // 150 of 450: two pages of 100
  EXPECT_EQ(state_->pendingCount(), 150);
  const auto queued = state_->deliveries(std::nullopt, 1000);
  std::set<std::string> emails;
  for (const auto& d : queued) {
    JsonDoc item = json(d.itemJson);
    emails.insert(item["email"].GetString());
  }
  EXPECT_EQ(emails.size(), 150u);
  EXPECT_EQ(emails.count("b449@x.test"), 1u);  // the newest
  EXPECT_EQ(emails.count("b300@x.test"), 1u);  // the 150th newest
  EXPECT_EQ(emails.count("b299@x.test"), 0u);
}

}  // namespace incremental_poll_test
}  // namespace sluice::test
