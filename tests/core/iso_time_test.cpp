#include "core/iso_time.h"

#include <gtest/gtest.h>

namespace sluice {
namespace iso_time_test {

constexpr int64_t kAt = 1738074900000;  // 2025-01-28T14:35:00Z

TEST(IsoInstant, ReadsUtcFractionsAndOffsets) {
  EXPECT_EQ(parseIsoInstantMs("2025-01-28T14:35:00Z"), kAt);
  EXPECT_EQ(parseIsoInstantMs("2025-01-28T14:35:00z"), kAt);
  EXPECT_EQ(parseIsoInstantMs("2025-01-28T14:35:00.250Z"), kAt + 250);
  EXPECT_EQ(parseIsoInstantMs("2025-01-28T14:35:00.2Z"), kAt + 200);
  EXPECT_EQ(parseIsoInstantMs("2025-01-28T14:35:00.123456Z"), kAt + 123);
  EXPECT_EQ(parseIsoInstantMs("2025-01-28T16:35:00+02:00"), kAt);
  EXPECT_EQ(parseIsoInstantMs("2025-01-28T09:35:00-0500"), kAt);
  EXPECT_EQ(parseIsoInstantMs("2025-01-28 14:35:00Z"), kAt);  // SQL-style separator
}

TEST(IsoInstant, RefusesTextWithoutAZoneOrWithAnythingAfterIt) {
  for (const char* bad :
       {"2025-01-28T14:35:00", "2025-01-28 14:35:00", "2025-01-28", "yesterday", "",
        "2025-01-28T14:35:00Zjunk", "2025-01-28T14:35:00+02", "2025-01-28T14:35:00+2:00",
        "2025-01-28T14:35:00+24:00", "2025-01-28T14:35:00.Z", "2025-13-28T14:35:00Z",
        "2025-01-28T25:35:00Z", "-2147483648-01-28T14:35:00Z", "2025-01-28X14:35:00Z"})
    EXPECT_FALSE(parseIsoInstantMs(bad)) << bad;
}

}  // namespace iso_time_test
}  // namespace sluice
