// Issue 6's "full disk" fault: the state database sits on a small tmpfs that the test fills to
// the last byte, so SQLite gets the real ENOSPC (SQLITE_FULL) from the kernel. A poll must then
// leave the cursor and the outbox as they were, a delivery must stay pending, the log must say
// what happened and to which flow, and both must recover by themselves once space is freed.
#include <SQLiteCpp/SQLiteCpp.h>
#include <gmock/gmock.h>
#include <rapidjson/document.h>
#include <sys/mount.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "service/pipeline_fixture.h"

namespace sluice::test {
namespace full_disk_test {

using ::testing::HasSubstr;

// A 4 MiB tmpfs mounted for the test's lifetime. Mounting needs CAP_SYS_ADMIN (CI runs as
// root); elsewhere the test is skipped and says why.
class SmallDisk {
 public:
  explicit SmallDisk(const std::string& dir) : dir_(dir) {
    std::filesystem::create_directories(dir);
    mounted_ =
        ::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=4m,mode=0700") == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
  }
  SmallDisk(const SmallDisk&) = delete;
  SmallDisk& operator=(const SmallDisk&) = delete;

  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }
  const std::string& path() const { return dir_; }

  // Writes a filler file until the kernel says no space is left; returns the bytes written.
  size_t fill() {
    std::FILE* f = std::fopen((dir_ + "/filler").c_str(), "ab");
    if (!f) return 0;
    std::setvbuf(f, nullptr, _IONBF, 0);
    const std::string block(512, 'x');
    size_t written = 0;
    while (true) {
      const size_t n = std::fwrite(block.data(), 1, block.size(), f);
      written += n;
      if (n < block.size()) break;
    }
    std::fclose(f);
    return written;
  }
  void release() { std::filesystem::remove(dir_ + "/filler"); }

 private:
  std::string dir_;
  bool mounted_ = false;
  std::string error_;
};

class FullDiskTest : public PipelineTest {
 protected:
  // The state database moves onto the small disk (skipped where no tmpfs can be mounted).
  void SetUp() override {
    PipelineTest::SetUp();
    disk_ = std::make_unique<SmallDisk>(dir_.path() + "/disk");
    if (!disk_->mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk_->error();
    db_ = disk_->path() + "/state.db";
    state_.reset();
    state_ = openStateStore("sqlite:" + db_);
  }
  void TearDown() override {
    state_.reset();  // closed before the disk goes
    disk_.reset();
    PipelineTest::TearDown();
  }
  // Fills the disk to the last byte. The write-ahead log is emptied first so that the next
  // commit has to take new space (a WAL with room left would absorb it without asking).
  void fillDisk() {
    SQLite::Database(db_, SQLite::OPEN_READWRITE).exec("PRAGMA wal_checkpoint(TRUNCATE)");
    ASSERT_GT(disk_->fill(), 0u);
  }

  std::unique_ptr<SmallDisk> disk_;
  std::string db_;
};

TEST_F(FullDiskTest, APollOnAFullDiskMovesNothingAndRecoversWhenSpaceIsFreed) {
  configure(customerToContactFlow());
  runOnce();  // seeds the cursor
  const std::string cursor = state_->triggers().at(0).cursorJson;
  newCustomer("full@x.test");
  fillDisk();

  runOnce();
  EXPECT_EQ(state_->triggers().at(0).cursorJson, cursor);
  EXPECT_EQ(state_->pendingCount(), 0);
  EXPECT_EQ(contactCount(), 0);
  EXPECT_THAT(log_.str(), HasSubstr("disk is full"));
  EXPECT_THAT(log_.str(), HasSubstr("poll.failed flow=customers")) << log_.str();

  disk_->release();
  clock_.advance(60 * 60'000);
  runOnce();
  EXPECT_NE(state_->triggers().at(0).cursorJson, cursor);
  EXPECT_EQ(contactCount(), 1);
  EXPECT_EQ(state_->pendingCount(), 0);
}

TEST_F(FullDiskTest, ADeliveryOnAFullDiskStaysPendingAndIsDeliveredOnceLater) {
  // A create GHL cannot dedupe: whatever the dispatcher must write before its call (the claim,
  // the step's started mark) fails first, so a full disk stops it before the call goes out.
  rapidjson::Document created;
  created.Parse(ghl_.createContact(R"({"email":"a@x.test"})").c_str());
  const std::string contact = created["id"].GetString();
  configure(
      "  - name: notes\n"
      "    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 2s }\n"
      "    steps:\n"
      "      - op: ghl.contacts.create_contact_note\n"
      "        connection: ghl\n"
      "        with: { contactId: " +
      contact + ", body: \"{{trigger.email}}\" }\n");
  runOnce();
  newCustomer("note@x.test");
  Runner(*catalog_, *config_, *state_, *transport_, clock_).pollAllNow();
  ASSERT_EQ(state_->pendingCount(), 1);
  fillDisk();

  Runner(*catalog_, *config_, *state_, *transport_, clock_).drainOutbox();
  EXPECT_EQ(ghlEffects("/contacts/" + contact + "/notes"), 0);
  EXPECT_THAT(log_.str(),
              HasSubstr("delivery.claim_failed error=\"state: claimDeliveries: disk is full"));
  EXPECT_EQ(state_->pendingCount(), 1);

  disk_->release();
  clock_.advance(60 * 60'000);
  runOnce();
  EXPECT_EQ(ghlEffects("/contacts/" + contact + "/notes"), 1) << log_.str();
  EXPECT_EQ(state_->pendingCount(), 0);
}

}  // namespace full_disk_test
}  // namespace sluice::test
