// state/outbox_store.cpp: delivery statuses as the stores write and read them.
#include <gtest/gtest.h>

#include "core/error.h"
#include "state/outbox_store.h"

namespace sluice {
namespace outbox_store_test {

TEST(DeliveryStatus, NamesReadBackAndUnknownOnesAreRefused) {
  EXPECT_STREQ(toString(DeliveryStatus::Pending), "pending");
  EXPECT_STREQ(toString(DeliveryStatus::Done), "done");
  EXPECT_STREQ(toString(DeliveryStatus::Dead), "dead");
  EXPECT_EQ(parseDeliveryStatus("dead"), DeliveryStatus::Dead);
  EXPECT_THROW(parseDeliveryStatus("lost"), StateError);
}

}  // namespace outbox_store_test
}  // namespace sluice
