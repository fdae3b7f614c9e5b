// The catalog's `since` filter: once a trigger has a watermark, a poll asks its list only from
// there (tests/poll/incremental_poll_test.cpp runs it end to end).
#include <gtest/gtest.h>

#include "poll/since_filter.h"

namespace sluice {
namespace since_filter_test {

JsonDoc json(const std::string& text) {
  JsonDoc doc;
  EXPECT_FALSE(parseJson(text, doc)) << text;
  return doc;
}

TEST(SinceFilterTest, AWatermarkReadsAsAnInstant) {
  EXPECT_EQ(watermarkMs(json("1700000000")), 1'700'000'000'000);     // epoch seconds
  EXPECT_EQ(watermarkMs(json("1700000000123")), 1'700'000'000'123);  // epoch ms
  EXPECT_EQ(watermarkMs(json(R"("2023-11-14T22:13:20.000Z")")), 1'700'000'000'000);
  EXPECT_EQ(watermarkMs(json(R"("not a time")")), std::nullopt);
  EXPECT_EQ(watermarkMs(json("null")), std::nullopt);
}

TEST(SinceFilterTest, TheStartGoesInUnlessTheFlowSetIt) {
  Operation op;
  InputSpec start;
  start.name = "startAt";
  op.inputs.push_back(start);
  op.since = SinceFilter();
  op.since->input = "startAt";
  op.since->format = "date";
  op.since->backMs = 86'400'000;
  const JsonDoc watermark = json(R"("2024-02-13T03:00:00.000Z")");
  JsonDoc out;
  ASSERT_TRUE(sinceInputs(op, json(R"({"status":"paid"})"), &watermark, out));
  EXPECT_EQ(jsonText(out["startAt"]), "2024-02-12");  // a day back, for zones
  EXPECT_EQ(jsonText(out["status"]), "paid");
  JsonDoc own;
  ASSERT_TRUE(sinceInputs(op, json(R"({"startAt":"2020-01-01"})"), &watermark, own));
  EXPECT_EQ(jsonText(own["startAt"]), "2020-01-01");
  // No watermark yet (the first sweep), or none readable: the whole list.
  JsonDoc none;
  EXPECT_FALSE(sinceInputs(op, json("{}"), nullptr, none));
  const JsonDoc unreadable = json(R"("soon")");
  EXPECT_FALSE(sinceInputs(op, json("{}"), &unreadable, none));
  op.since.reset();
  EXPECT_FALSE(sinceInputs(op, json("{}"), &watermark, none));
}

}  // namespace since_filter_test
}  // namespace sluice
