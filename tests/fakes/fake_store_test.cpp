// The fakes' record store: its field index must find exactly what a scan of every record finds,
// however the records were changed, or the fakes answer lists and upserts wrongly.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tools/fakes/fake_json.h"
#include "tools/fakes/fake_store.h"

namespace sluice::fakes {
namespace {

rapidjson::Document withEmail(const std::string& email) {
  rapidjson::Document doc;
  doc.SetObject();
  json::setString(doc, "email", email, doc.GetAllocator());
  return doc;
}

void setEmail(Record& r, const std::string& email) {
  json::setString(r.doc, "email", email, r.doc.GetAllocator());
}

std::vector<std::string> idsWith(RecordStore& store, const std::string& email) {
  std::vector<std::string> ids;
  for (Record* r : store.withField("customers", "email", email)) ids.push_back(r->id);
  return ids;
}

using Ids = std::vector<std::string>;

class FakeStoreIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store.indexField("customers", "email");
    store.insert("customers", "c1", 0, withEmail("a@x"));
    store.insert("customers", "c2", 0, withEmail("b@x"));
    store.insert("customers", "c3", 0, withEmail("a@x"));
  }
  RecordStore store;
};

TEST_F(FakeStoreIndexTest, FindsTheRecordsWithTheValueInInsertionOrder) {
  EXPECT_TRUE(store.indexed("customers", "email"));
  EXPECT_FALSE(store.indexed("customers", "name"));
  EXPECT_EQ(idsWith(store, "a@x"), (Ids{"c1", "c3"}));
  EXPECT_EQ(idsWith(store, "b@x"), (Ids{"c2"}));
  EXPECT_EQ(idsWith(store, "A@x"), Ids{});
}

TEST_F(FakeStoreIndexTest, ARecordChangedThroughFindIsFoundByWhatItHoldsNow) {
  setEmail(*store.find("customers", "c2"), "a@x");
  setEmail(*store.find("customers", "c1"), "c@x");
  EXPECT_EQ(idsWith(store, "a@x"), (Ids{"c2", "c3"}));
  EXPECT_EQ(idsWith(store, "c@x"), (Ids{"c1"}));
  EXPECT_EQ(idsWith(store, "b@x"), Ids{});
}

TEST_F(FakeStoreIndexTest, ARecordChangedAfterItsInsertIsFoundByWhatItHoldsNow) {
  Record& r = store.insert("customers", "c4", 0, withEmail(""));
  setEmail(r, "b@x");
  EXPECT_EQ(idsWith(store, "b@x"), (Ids{"c2", "c4"}));
}

TEST_F(FakeStoreIndexTest, ARecordChangedThroughAllCountsOnceTouched) {
  Record* r = store.all("customers").front();
  setEmail(*r, "d@x");
  store.touch("customers", *r);
  EXPECT_EQ(idsWith(store, "d@x"), (Ids{"c1"}));
  EXPECT_EQ(idsWith(store, "a@x"), (Ids{"c3"}));
}

TEST_F(FakeStoreIndexTest, ErasedReplacedAndClearedRecordsLeaveTheIndex) {
  EXPECT_TRUE(store.erase("customers", "c1"));
  store.insert("customers", "c3", 0, withEmail("b@x"));  // the same id again replaces it
  EXPECT_EQ(idsWith(store, "a@x"), Ids{});
  EXPECT_EQ(idsWith(store, "b@x"), (Ids{"c2", "c3"}));
  store.clear();
  EXPECT_EQ(idsWith(store, "b@x"), Ids{});
  store.insert("customers", "c5", 0, withEmail("b@x"));
  EXPECT_EQ(idsWith(store, "b@x"), (Ids{"c5"}));
}

TEST_F(FakeStoreIndexTest, ASpaceSeesOnlyItsOwnRecords) {
  {
    SpaceGuard account(store, "acct_1");
    store.insert("customers", "c9", 0, withEmail("a@x"));
    EXPECT_EQ(idsWith(store, "a@x"), (Ids{"c9"}));
  }
  EXPECT_EQ(idsWith(store, "a@x"), (Ids{"c1", "c3"}));
}

TEST_F(FakeStoreIndexTest, AValueThatIsNotAStringIsNotIndexed) {
  Record* r = store.find("customers", "c2");
  json::setInt(r->doc, "email", 7, r->doc.GetAllocator());
  EXPECT_EQ(idsWith(store, "b@x"), Ids{});
  EXPECT_EQ(idsWith(store, "7"), Ids{});
}

}  // namespace
}  // namespace sluice::fakes
