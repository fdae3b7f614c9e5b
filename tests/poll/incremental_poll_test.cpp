// Polls that read what is new, not what exists, counted in records fetched: GHL's contact search
// sorted newest first stops at the first contact the last sweep had passed; GHL's transactions
// list is asked only from the newest transaction seen (catalog `since`).
#include <gmock/gmock.h>

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
  runOnce();  // the first sweep: three pages of 100
  EXPECT_EQ(lastPoll().fetched, 300);
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

}  // namespace incremental_poll_test
}  // namespace sluice::test
