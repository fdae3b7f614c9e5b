// What a trigger has seen is forgotten after kSeenRetentionMs without being read again, and a
// seen entry's time is refreshed only once a day (kSeenRefreshMs). Together: an item that is
// still in the list is never forgotten, so it never fires a second time however long it stays.
#include <gtest/gtest.h>

#include "poll/trigger_poller.h"
#include "service/pipeline_fixture.h"

namespace sluice::test {
namespace seen_retention_test {

// The deprecated contact list read two contacts a poll: a sweep of three contacts takes two
// polls, and the one that completes it forgets what was not seen since the retention. The
// contacts of its first page were read a poll earlier, so only their refreshed time keeps them.
class SeenRetentionTest : public PipelineTest {
 protected:
  void SetUp() override {
    PipelineTest::SetUp();
    const std::string file = dir_.path() + "/catalog/ghl/contacts.yaml";
    const std::string pages =
        "next: { startAfter: /meta/startAfter, startAfterId: /meta/startAfterId }\n"
        "      limit_param: limit\n      limit: ";
    std::string text = readFile(file);
    const size_t at = text.find(pages + "100");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, pages.size() + 3, pages + "2\n      max_pages: 1");
    std::ofstream(file) << text;
    catalog_ = std::make_unique<Catalog>(Catalog::load(dir_.path() + "/catalog"));
  }
};

TEST_F(SeenRetentionTest, AnItemStillListedIsNeverForgottenNorFiredAgain) {
  // The fake's rate limit runs on the real clock, the polls on the test's: 240 polls in well
  // under a second.
  ghl_.setRateLimit(100000);
  for (const char* email : {"a@x.test", "b@x.test", "c@x.test"})
    ghl_.createContact(std::string(R"({"email":")") + email + "\"}");
  configure(
      "  - name: contacts\n"
      "    trigger: { op: ghl.contacts.list_contacts_deprecated, connection: ghl, every: 15m }\n"
      "    steps:\n"
      "      - op: ghl.contacts.add_tags_to_contact\n"
      "        connection: ghl\n"
      "        with: { contactId: \"{{trigger.id}}\", tags: [\"new\"] }\n");
  runOnce();  // seeds: the contacts are seen, not delivered
  runOnce();
  // Polled twice a day (every poll of runOnce is due at once) for twice the retention.
  const int64_t twelveHours = 12LL * 3600 * 1000;
  const int polls = static_cast<int>(2 * TriggerPoller::kSeenRetentionMs / twelveHours);
  for (int i = 0; i < polls; ++i) {
    clock_.advance(twelveHours);
    runOnce();
  }
  EXPECT_EQ(ghlEffects("/contacts/"), 0) << "an old contact fired after " << polls << " polls";
  EXPECT_EQ(ghl_.rateLimitedCount(), 0);

  ghl_.createContact(R"({"email":"new@x.test"})");
  clock_.advance(twelveHours);
  runOnce();
  EXPECT_EQ(ghlEffects("/contacts/"), 1) << "a new contact still fires";
}

}  // namespace seen_retention_test
}  // namespace sluice::test
