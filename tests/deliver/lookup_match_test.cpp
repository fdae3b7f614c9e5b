// How a lookup compares a found record's fields with what the interrupted call was sent, and
// where it puts the record it found.
#include <gtest/gtest.h>

#include "deliver/dispatcher.h"

namespace sluice {
namespace lookup_match_test {

bool fieldMatches(const std::string& recordJson, const std::string& pointer,
                  const std::string& expected) {
  JsonDoc record;
  EXPECT_FALSE(parseJson(recordJson, record));
  return lookupFieldMatches(jsonAt(record, pointer), expected);
}

TEST(LookupMatchTest, ComparesText) {
  EXPECT_TRUE(
      fieldMatches(R"({"body":"Stripe customer cus_1"})", "/body", "Stripe customer cus_1"));
  EXPECT_FALSE(fieldMatches(R"({"body":"Stripe customer cus_1"})", "/body", "Stripe customer"));
  EXPECT_TRUE(fieldMatches(R"({"n":3})", "/n", "3"));
  EXPECT_TRUE(fieldMatches(R"({"a":{"b":[{"c":"x"}]}})", "/a/b/0/c", "x"));
}

TEST(LookupMatchTest, AMissingFieldAndNullReadAsEmpty) {
  // An input the call was not given renders "": a record without the field agrees with it.
  EXPECT_TRUE(fieldMatches(R"({"email":null})", "/email", ""));
  EXPECT_TRUE(fieldMatches(R"({})", "/email", ""));
  EXPECT_FALSE(fieldMatches(R"({})", "/email", "a@x.test"));
  EXPECT_FALSE(fieldMatches(R"({"email":"a@x.test"})", "/email", ""));
}

TEST(LookupMatchTest, DateTimesWithZonesCompareAsInstants) {
  const char* record = R"({"startTime":"2024-03-10T15:00:00.000Z"})";
  EXPECT_TRUE(fieldMatches(record, "/startTime", "2024-03-10T10:00:00-05:00"));
  EXPECT_TRUE(fieldMatches(record, "/startTime", "2024-03-10T20:30:00+05:30"));
  EXPECT_TRUE(fieldMatches(record, "/startTime", "2024-03-10T15:00:00Z"));
  EXPECT_TRUE(fieldMatches(record, "/startTime", "2024-03-10T16:00:00+0100"));
  EXPECT_FALSE(fieldMatches(record, "/startTime", "2024-03-10T10:00:00-04:00"));
  EXPECT_FALSE(fieldMatches(record, "/startTime", "2024-03-10T15:00:00.001Z"));
  // Without a zone the instant is unknown: only the same text matches.
  EXPECT_FALSE(fieldMatches(record, "/startTime", "2024-03-10T15:00:00"));
  EXPECT_FALSE(fieldMatches(R"({"t":"2024-03-10 15:00:00"})", "/t", "2024-03-10T15:00:00Z"));
  EXPECT_TRUE(fieldMatches(R"({"t":"2024-03-10 15:00:00"})", "/t", "2024-03-10 15:00:00"));
  EXPECT_FALSE(fieldMatches(record, "/startTime", "2024-03-10T15:00:00+5"));
}

TEST(LookupMatchTest, TheRecordGoesWhereTheActionsOwnAnswerHoldsIt) {
  JsonDoc record;
  ASSERT_FALSE(parseJson(R"({"id":"c1","email":"a@x.test"})", record));
  EXPECT_EQ(lookupResult(record, ""), R"({"id":"c1","email":"a@x.test"})");
  EXPECT_EQ(lookupResult(record, "/contact"), R"({"contact":{"id":"c1","email":"a@x.test"}})");
  EXPECT_EQ(lookupResult(record, "/data/item"),
            R"({"data":{"item":{"id":"c1","email":"a@x.test"}}})");
  // An answer that is a list (Create Calendar Notification): /0 is its first element.
  EXPECT_EQ(lookupResult(record, "/0"), R"([{"id":"c1","email":"a@x.test"}])");
}

}  // namespace lookup_match_test
}  // namespace sluice
