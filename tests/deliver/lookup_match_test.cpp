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

// What an upsert sent, against the record read back: `record` holds the field at /f.
bool sentMatches(const std::string& recordJson, const std::string& sentJson, bool contain = false) {
  JsonDoc record, sent;
  EXPECT_FALSE(parseJson(recordJson, record));
  EXPECT_FALSE(parseJson(sentJson, sent));
  return sentValueMatches(jsonAt(record, "/f"), sent, contain);
}

TEST(LookupMatchTest, ASentScalarComparesAsText) {
  EXPECT_TRUE(sentMatches(R"({"f":"Ann"})", R"("Ann")"));
  EXPECT_FALSE(sentMatches(R"({"f":"Ann B"})", R"("Ann")"));
  EXPECT_TRUE(sentMatches(R"({"f":true})", "true"));
  EXPECT_TRUE(sentMatches(R"({"f":12.5})", "12.5"));
  EXPECT_FALSE(sentMatches(R"({})", R"("Ann")"));             // not there: not landed
  EXPECT_FALSE(sentMatches(R"({"f":["Ann"]})", R"("Ann")"));  // a list is no text
}

TEST(LookupMatchTest, ASentObjectMatchesKeyByKeyAndTheRecordMayHoldMore) {
  const char* record =
      R"({"f":{"Call":{"status":"active","code":"x"},"SMS":{"status":"inactive"}}})";
  EXPECT_TRUE(sentMatches(record, R"({"Call":{"status":"active"}})"));
  EXPECT_FALSE(sentMatches(record, R"({"Call":{"status":"inactive"}})"));
  EXPECT_FALSE(sentMatches(record, R"({"Email":{"status":"active"}})"));
  EXPECT_FALSE(sentMatches(R"({"f":"active"})", R"({"Call":{"status":"active"}})"));
}

TEST(LookupMatchTest, ASentListMatchesTheSameMembersInAnyOrderOrWithContainAtLeastThem) {
  // The call replaces the list: exactly these members, any order.
  EXPECT_TRUE(sentMatches(R"({"f":["b","a"]})", R"(["a","b"])"));
  EXPECT_FALSE(sentMatches(R"({"f":["a","b","c"]})", R"(["a","b"])"));  // c would go
  EXPECT_FALSE(sentMatches(R"({"f":["a","b"]})", R"(["a","a"])"));      // each member once
  EXPECT_TRUE(
      sentMatches(R"({"f":[{"id":"cf1","value":"7","t":1}]})", R"([{"id":"cf1","value":"7"}])"));
  EXPECT_FALSE(sentMatches(R"({"f":[{"id":"cf1","value":"8"}]})", R"([{"id":"cf1","value":"7"}])"));
  // The call adds to a set (tags): the record holds at least them.
  EXPECT_TRUE(sentMatches(R"({"f":["vip","stripe","old"]})", R"(["stripe"])", true));
  EXPECT_FALSE(sentMatches(R"({"f":["vip"]})", R"(["stripe"])", true));
  EXPECT_FALSE(sentMatches(R"({})", R"(["stripe"])", true));
  EXPECT_TRUE(sentMatches(R"({"f":[]})", R"([])"));
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
