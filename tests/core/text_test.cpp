// core/text.h: the edit distance behind every "did you mean".
#include "core/text.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(TextTest, EditDistanceCountsASwapOfNeighboursAsOneEdit) {
  EXPECT_EQ(editDistance("email", "email"), 0u);
  EXPECT_EQ(editDistance("emial", "email"), 1u);
  EXPECT_EQ(editDistance("stepz", "steps"), 1u);
  EXPECT_EQ(editDistance("", "abc"), 3u);
  EXPECT_EQ(editDistance("kitten", "sitting"), 3u);
}

TEST(TextTest, ClosestMatchSuggestsOnlyWhatIsCloseEnoughToBeATypo) {
  const std::vector<std::string> keys = {"name", "trigger", "steps", "filter", "enabled"};
  EXPECT_EQ(closestMatch("filtr", keys), "filter");
  EXPECT_EQ(closestMatch("Steps", keys), "");  // the same word, case aside: not a suggestion
  EXPECT_EQ(closestMatch("trigers", keys), "trigger");
  EXPECT_EQ(closestMatch("schedule", keys), "");
}

}  // namespace
}  // namespace sluice
