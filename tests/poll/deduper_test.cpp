// poll/deduper.h and poll/trigger_cursor.h: what of a sweep is new, the fan-out with backfill,
// and the cursor's text.
#include "poll/deduper.h"

#include <gtest/gtest.h>

#include "poll/trigger_cursor.h"

namespace sluice {
namespace deduper_test {

struct Case {
  const char* what;
  DetectMode detect;
  bool ordered;
  const char* watermark;                                     // JSON or nullptr
  std::vector<std::pair<const char*, const char*>> records;  // id, version
  std::vector<const char*> orders;  // JSON order values, per record ("" = none)
  std::map<std::string, std::string> seen;
  std::vector<std::string> fresh;  // ids, oldest first
  int duplicates;
};

class DeduperTable : public ::testing::TestWithParam<Case> {};

TEST_P(DeduperTable, KeepsWhatIsNew) {
  const Case& c = GetParam();
  Operation op;
  op.detect = c.detect;
  std::vector<JsonDoc> orders(c.records.size());
  std::vector<Record> records;
  for (size_t i = 0; i < c.records.size(); ++i) {
    Record r;
    r.id = c.records[i].first;
    r.version = c.records[i].second;
    if (i < c.orders.size() && *c.orders[i]) {
      ASSERT_FALSE(parseJson(c.orders[i], orders[i]));
      r.order = &orders[i];
    }
    records.push_back(r);
  }
  JsonDoc wm;
  if (c.watermark) {
    ASSERT_FALSE(parseJson(c.watermark, wm));
  }
  int duplicates = 0;
  const auto fresh =
      freshRecords(op, records, c.seen, c.watermark ? &wm : nullptr, c.ordered, duplicates);
  std::vector<std::string> ids;
  for (const Record* r : fresh) ids.push_back(r->id);
  EXPECT_EQ(ids, c.fresh) << c.what;
  EXPECT_EQ(duplicates, c.duplicates) << c.what;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DeduperTable,
    ::testing::Values(Case{"unseen ids are new",
                           DetectMode::New,
                           false,
                           nullptr,
                           {{"a", ""}, {"b", ""}},
                           {},
                           {{"a", ""}},
                           {"b"},
                           1},
                      Case{"a repeat within the sweep counts once",
                           DetectMode::New,
                           false,
                           nullptr,
                           {{"a", ""}, {"a", ""}},
                           {},
                           {},
                           {"a"},
                           1},
                      Case{"newest first is delivered oldest first",
                           DetectMode::New,
                           true,
                           nullptr,
                           {{"c", ""}, {"b", ""}},
                           {"3", "2"},
                           {},
                           {"b", "c"},
                           0},
                      Case{"below the watermark and unseen: old",
                           DetectMode::New,
                           true,
                           "5",
                           {{"n", ""}, {"o", ""}},
                           {"6", "4"},
                           {},
                           {"n"},
                           1},
                      Case{"a tie with the watermark is not below it",
                           DetectMode::New,
                           true,
                           "5",
                           {{"t", ""}},
                           {"5"},
                           {},
                           {"t"},
                           0},
                      Case{"updated: another version is new",
                           DetectMode::Updated,
                           false,
                           nullptr,
                           {{"a", "v2"}, {"b", "v1"}},
                           {},
                           {{"a", "v1"}, {"b", "v1"}},
                           {"a"},
                           1},
                      Case{"updated: a seen record below the watermark still counts",
                           DetectMode::Updated,
                           true,
                           "5",
                           {{"a", "v2"}},
                           {"1"},
                           {{"a", "v1"}},
                           {"a"},
                           0}));

TEST(Deduper, FirstPollSeedsUnlessABackfillIsAsked) {
  Operation op;
  std::vector<Record> records(3);
  records[0].id = "1";
  records[1].id = "2";
  records[2].id = "3";
  const std::vector<const Record*> fresh{&records[0], &records[1], &records[2]};
  const std::vector<Subscriber> subs{{"quiet", 0}, {"two", 2}};
  const auto ordered = fanOut(op, fresh, subs, /*firstPoll=*/true, /*ordered=*/true);
  ASSERT_EQ(ordered.size(), 2u);  // the newest two of an oldest-first list: 2, 3
  EXPECT_EQ(ordered[0].flow, "two");
  EXPECT_EQ(ordered[0].itemKey, "2");
  EXPECT_EQ(ordered[1].itemKey, "3");
  const auto unordered = fanOut(op, fresh, subs, true, false);
  ASSERT_EQ(unordered.size(), 2u);  // the first two of an unordered list
  EXPECT_EQ(unordered[0].itemKey, "1");
  EXPECT_EQ(fanOut(op, fresh, subs, false, true).size(), 6u);  // later polls: every flow
}

TEST(Deduper, UpdatedItemsAreKeyedByVersion) {
  Operation op;
  op.detect = DetectMode::Updated;
  Record r;
  r.id = "7";
  r.version = "v3";
  const auto items = fanOut(op, {&r}, {{"f", 0}}, false, false);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].itemKey, "7@v3");
}

TEST(TriggerCursor, RoundTripsAndKeepsItsText) {
  Pagination pag;
  pag.start = 1;
  const std::string unfinished =
      R"({"seeded":false,"wm":5,"sweep":{"next":{"page":3,"offset":0,"params":{"after":"x"}},"top":9}})";
  const TriggerCursor c = decodeCursor(unfinished, pag);
  EXPECT_FALSE(c.seeded);
  EXPECT_EQ(c.next.page, 3);
  EXPECT_EQ(encodeCursor(false, false, c.watermarkOrNull(), c.sweepTop, c.next), unfinished);
  // A finished sweep keeps the newer of the watermark and the sweep's top.
  EXPECT_EQ(encodeCursor(true, true, c.watermarkOrNull(), c.sweepTop, c.next),
            R"({"seeded":true,"wm":9})");
  JsonDoc older;
  ASSERT_FALSE(parseJson("2", older));
  EXPECT_EQ(encodeCursor(true, true, c.watermarkOrNull(), older, c.next),
            R"({"seeded":true,"wm":5})");
}

TEST(TriggerCursor, UnreadableTextIsANewTrigger) {
  Pagination pag;
  pag.start = 0;
  for (const char* text : {"", "[]", "{not json"}) {
    const TriggerCursor c = decodeCursor(text, pag);
    EXPECT_FALSE(c.seeded) << text;
    EXPECT_TRUE(c.watermark.IsNull()) << text;
    EXPECT_EQ(c.next.page, 0) << text;
  }
}

}  // namespace deduper_test
}  // namespace sluice
