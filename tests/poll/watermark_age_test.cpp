// A trigger's watermark age (status, /metrics) says how long it has gone without progress: new
// items count as progress even for a trigger read by full sweeps, whose cursor does not change.
#include <gtest/gtest.h>

#include "service/pipeline_fixture.h"

namespace sluice::test {
namespace watermark_age_test {

class WatermarkAgeTest : public PipelineTest {
 protected:
  int64_t watermarkMovedMs() { return state_->triggers().at(0).watermarkMovedMs; }
};

TEST_F(WatermarkAgeTest, AFullSweepThatFindsNewItemsMovesTheWatermark) {
  ghl_.createContact(R"({"email":"old@x.test"})");
  configure(
      "  - name: contacts\n"
      "    trigger: { op: ghl.contacts.list_contacts_deprecated, connection: ghl, every: 2s }\n"
      "    steps:\n"
      "      - op: ghl.contacts.add_tags_to_contact\n"
      "        connection: ghl\n"
      "        with: { contactId: \"{{trigger.id}}\", tags: [\"new\"] }\n");
  runOnce();  // seeds
  const int64_t seeded = watermarkMovedMs();
  ASSERT_GT(seeded, 0);

  clock_.advance(60'000);
  runOnce();  // nothing new: no progress
  EXPECT_EQ(watermarkMovedMs(), seeded);

  ghl_.createContact(R"({"email":"new@x.test"})");
  clock_.advance(60'000);
  const std::string cursorBefore = state_->triggers().at(0).cursorJson;
  runOnce();
  EXPECT_EQ(state_->triggers().at(0).cursorJson, cursorBefore) << "a full sweep keeps its cursor";
  EXPECT_EQ(watermarkMovedMs(), clock_.nowMs()) << "but the new contact was progress";
}

}  // namespace watermark_age_test
}  // namespace sluice::test
