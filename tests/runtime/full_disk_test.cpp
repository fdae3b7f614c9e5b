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

#include "pipeline_fixture.h"

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
  // Empties the write-ahead log so that the next commit has to take new space on the disk (a
  // WAL that still has room would absorb a commit without asking the kernel for space).
  void truncateWal(const std::string& db) {
    SQLite::Database other(db, SQLite::OPEN_READWRITE);
    other.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  }
};

TEST_F(FullDiskTest, APollOnAFullDiskMovesNothingAndRecoversWhenSpaceIsFreed) {
  SmallDisk disk(dir_.path() + "/disk");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.error();
  const std::string db = disk.path() + "/state.db";
  state_.reset();
  state_ = openStateStore("sqlite:" + db);

  configure(customerToContactFlow());
  runOnce();  // seeds the cursor
  const std::string cursor = state_->triggers().at(0).cursorJson;
  newCustomer("full@x.test");
  truncateWal(db);
  ASSERT_GT(disk.fill(), 0u);

  runOnce();
  EXPECT_EQ(state_->triggers().at(0).cursorJson, cursor);
  EXPECT_EQ(state_->pendingCount(), 0);
  EXPECT_EQ(contactCount(), 0);
  EXPECT_THAT(log_.str(), HasSubstr("disk is full"));
  EXPECT_THAT(log_.str(), HasSubstr("poll.failed flow=customers")) << log_.str();

  disk.release();
  clock_.advance(60 * 60'000);
  runOnce();
  EXPECT_NE(state_->triggers().at(0).cursorJson, cursor);
  EXPECT_EQ(contactCount(), 1);
  EXPECT_EQ(state_->pendingCount(), 0);
  state_.reset();
}

TEST_F(FullDiskTest, ADeliveryOnAFullDiskStaysPendingAndIsDeliveredOnceLater) {
  SmallDisk disk(dir_.path() + "/disk");
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.error();
  const std::string db = disk.path() + "/state.db";
  state_.reset();
  state_ = openStateStore("sqlite:" + db);

  // A non-idempotent create: its "started" mark must reach the disk before the call is sent,
  // so a full disk stops it before it goes out rather than after.
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
  truncateWal(db);
  ASSERT_GT(disk.fill(), 0u);

  Runner(*catalog_, *config_, *state_, *transport_, clock_).drainOutbox();
  EXPECT_EQ(ghlEffects("/contacts/" + contact + "/notes"), 0);
  EXPECT_THAT(log_.str(),
              HasSubstr("delivery.claim_failed error=\"state: claimDeliveries: disk is full"));
  EXPECT_EQ(state_->pendingCount(), 1);

  disk.release();
  clock_.advance(60 * 60'000);
  runOnce();
  EXPECT_EQ(ghlEffects("/contacts/" + contact + "/notes"), 1) << log_.str();
  EXPECT_EQ(state_->pendingCount(), 0);
  state_.reset();
}

}  // namespace full_disk_test
}  // namespace sluice::test
