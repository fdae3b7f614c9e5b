// Every table the `sluice` binary prints keeps its columns apart and aligned, however long a
// flow or input name (issue 15: `status` misaligned flow names over 33 characters, `ops show`
// ran createNewIfDuplicateAllowed into its type); each has a --json that parses; on a terminal
// the tables fit its width and colour follows NO_COLOR.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/json.h"
#include "state/state_store.h"
#include "test_support.h"

namespace sluice {
namespace cli_tables_test {

using ::testing::HasSubstr;
using ::testing::Not;

// 60 characters.
const std::string kLongFlow = "stripe-customers-to-ghl-contacts-for-the-berlin-sales-team-a";

test::CommandResult sluice(const std::vector<std::string>& args) {
  return test::runSluice(args, {"SLUICE_CATALOG=" + test::catalogRoot(), "CT_KEY=sk_test_tables",
                                "CT_TOKEN=pit-tables"});
}

std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(text.substr(start, end - start));
  return lines;
}

size_t codePoints(const std::string& text) {
  size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// The code point offsets where a line's columns start (text after two or more spaces).
std::vector<size_t> columnStarts(const std::string& line) {
  std::vector<size_t> starts;
  size_t at = 0, spaces = 2;
  for (const char ch : line) {
    if ((static_cast<unsigned char>(ch) & 0xC0) == 0x80) continue;
    if (ch == ' ') {
      ++spaces;
    } else {
      if (spaces >= 2) starts.push_back(at);
      spaces = 0;
    }
    ++at;
  }
  return starts;
}

// The table at the top of text (up to the first empty line): every row's columns start where
// a header column starts, with two spaces before it.
void expectAligned(const std::string& text, size_t expectedColumns) {
  const auto lines = linesOf(text);
  ASSERT_FALSE(lines.empty());
  const std::vector<size_t> header = columnStarts(lines[0]);
  EXPECT_EQ(header.size(), expectedColumns) << lines[0];
  for (size_t i = 1; i < lines.size() && !lines[i].empty(); ++i) {
    const std::string& row = lines[i];
    for (const size_t start : columnStarts(row))
      EXPECT_THAT(header, ::testing::Contains(start)) << "row " << i << ":\n"
                                                      << lines[0] << "\n"
                                                      << row;
    for (size_t h = 1; h < header.size() && header[h] < row.size(); ++h)
      EXPECT_EQ(row.substr(header[h] - 2, 2), "  ")
          << "column " << h << " runs into the one before it:\n"
          << lines[0] << "\n"
          << row;
  }
}

// A config with a 60-character flow name, and a state file where that flow polled and has a
// dead letter and a pending delivery, another flow failed three times (STALE), and a third
// was never polled.
class CliTablesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<test::TempDir>();
    const std::string flow = R"(
    steps:
      - op: ghl.contacts.upsert_contact
        connection: ghl
        with: { email: "{{trigger.email}}" }
)";
    file_ = dir_->write("sluice.yaml", R"(state: sqlite:state.db
connections:
  stripe: { app: stripe, api_key: "${CT_KEY}" }
  ghl: { app: ghl, token: "${CT_TOKEN}", location_id: loc_1 }
flows:
  - name: )" + kLongFlow + R"(
    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 5m })" +
                                           flow + R"(  - name: paid
    trigger: { op: stripe.events.invoice_paid, connection: stripe, every: 5m })" +
                                           flow + R"(  - name: fresh
    trigger: { op: stripe.invoices.new_invoice, connection: stripe, every: 5m })" +
                                           flow);
    const test::CommandResult keys = sluice({"cursor", "show", "-c", file_, "--json"});
    ASSERT_EQ(keys.exitCode, 0) << keys.err;
    JsonDoc doc;
    ASSERT_FALSE(parseJson(keys.out, doc).has_value()) << keys.out;
    ASSERT_EQ(doc.Size(), 3u);
    fillState(doc[0]["trigger_key"].GetString(), doc[1]["trigger_key"].GetString());
  }
  static void TearDownTestSuite() { dir_.reset(); }

  static void fillState(const std::string& longKey, const std::string& paidKey) {
    auto state = openStateStore("sqlite:" + dir_->path() + "/state.db");
    const int64_t now = SystemClock().nowMs();
    PollCommit commit;
    commit.triggerKey = longKey;
    commit.op = "stripe.customers.new_customer";
    commit.connection = "stripe";
    commit.cursorJson = R"({"watermark":1764756720})";
    commit.cursorMoved = true;
    commit.items = {{kLongFlow, "cus_1", "{}", ""}, {kLongFlow, "cus_2", "{}", ""}};
    commit.history = {longKey, now - 5000, now - 4200, 1, 2, 2, 0, "", "", ""};
    commit.nextDueMs = now + 300000;
    state->commitPoll(commit);
    const auto pending = state->deliveries(DeliveryStatus::Pending, 10);
    ASSERT_EQ(pending.size(), 2u);
    const Delivery& first = pending[0].itemKey == "cus_1" ? pending[0] : pending[1];
    state->markDead(first.id, 8, "ghl.contacts.upsert_contact: HTTP 400 email is invalid");
    for (int i = 0; i < 3; ++i)
      state->recordPollFailure(paidKey, "stripe.events.invoice_paid", "stripe",
                               {paidKey, now - 3000, now - 2900, 0, 0, 0, 0,
                                "stripe.events.invoice_paid: HTTP 503 Service Unavailable", "", ""},
                               now + 60000);
  }

  static std::unique_ptr<test::TempDir> dir_;
  static std::string file_;
};
std::unique_ptr<test::TempDir> CliTablesTest::dir_;
std::string CliTablesTest::file_;

TEST_F(CliTablesTest, StatusKeepsEveryRowAlignedWithASixtyCharacterFlowName) {
  const test::CommandResult r = sluice({"status", "-c", file_});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  // FLOW .. STATE and LAST ERROR; no process has polled under a lease, so no POLLED BY.
  expectAligned(r.out, 9);
  const auto lines = linesOf(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  EXPECT_THAT(lines[0], Not(HasSubstr("POLLED BY")));
  EXPECT_EQ(columnStarts(lines[0])[1], kLongFlow.size() + 2) << r.out;
  EXPECT_THAT(lines[1], HasSubstr(kLongFlow + "  20"));  // then its last poll
  EXPECT_THAT(lines[1], HasSubstr("ok"));
  EXPECT_THAT(lines[2], HasSubstr("STALE"));
  EXPECT_THAT(lines[2], HasSubstr("HTTP 503 Service Unavailable"));
  EXPECT_THAT(lines[3], HasSubstr("never polled"));
  EXPECT_THAT(r.out, Not(HasSubstr("\x1b[")));  // not a terminal: no colour
}

TEST_F(CliTablesTest, StatusJsonParses) {
  const test::CommandResult r = sluice({"status", "-c", file_, "--json"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  JsonDoc doc;
  ASSERT_FALSE(parseJson(r.out, doc).has_value()) << r.out;
  ASSERT_TRUE(doc.IsArray());
  ASSERT_EQ(doc.Size(), 3u);
  EXPECT_EQ(doc[0]["flow"].GetString(), kLongFlow);
  EXPECT_EQ(doc[0]["backlog"].GetInt(), 1);
  EXPECT_EQ(doc[0]["dead"].GetInt(), 1);
  EXPECT_STREQ(doc[1]["state"].GetString(), "STALE");
  EXPECT_EQ(doc[1]["consecutive_errors"].GetInt(), 3);
  EXPECT_STREQ(doc[2]["state"].GetString(), "never polled");
}

TEST_F(CliTablesTest, HistoryIsOneAlignedTableAndHasJson) {
  const test::CommandResult r = sluice({"history", "-c", file_});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  expectAligned(r.out, 8);  // FLOW STARTED PAGES FETCHED NEW DUP MS ERROR
  EXPECT_EQ(linesOf(r.out).size(), 1u + 1 + 3 + 1) << r.out;  // 1 poll, 3 failures, 1 never
  EXPECT_THAT(r.out, ::testing::ContainsRegex("\nfresh +never polled\n"));
  const test::CommandResult json = sluice({"history", "-c", file_, "--json"});
  ASSERT_EQ(json.exitCode, 0) << json.err;
  JsonDoc doc;
  ASSERT_FALSE(parseJson(json.out, doc).has_value()) << json.out;
  ASSERT_EQ(doc.Size(), 4u);
  EXPECT_EQ(doc[0]["flow"].GetString(), kLongFlow);
  EXPECT_STREQ(doc[0]["trigger"].GetString(), "stripe.customers.new_customer");
  EXPECT_EQ(doc[0]["new"].GetInt(), 2);
  EXPECT_EQ(doc[0]["duration_ms"].GetInt64(), 800);
  EXPECT_STREQ(doc[0]["error"].GetString(), "");
  EXPECT_THAT(doc[3]["error"].GetString(), HasSubstr("503"));
  for (const char* key :
       {"trigger_key", "started_ms", "finished_ms", "pages", "fetched", "duplicates"})
    EXPECT_TRUE(doc[1].HasMember(key)) << key;
  // One flow, and a flow that does not exist.
  EXPECT_EQ(linesOf(sluice({"history", "-c", file_, "paid"}).out).size(), 4u);
  EXPECT_EQ(sluice({"history", "-c", file_, "nope"}).exitCode, 64);
  EXPECT_EQ(sluice({"history", "-c", file_, "-n", "ten"}).exitCode, 64);
}

TEST_F(CliTablesTest, DlqListIsAlignedAndHasJson) {
  const test::CommandResult r = sluice({"dlq", "list", "-c", file_});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  expectAligned(r.out, 5);  // ID FLOW ITEM ATTEMPTS ERROR
  EXPECT_THAT(r.out, HasSubstr(kLongFlow + "  cus_1"));
  EXPECT_THAT(r.out, HasSubstr("\n\n1 dead letter\n"));
  const test::CommandResult json = sluice({"dlq", "list", "-c", file_, "--json"});
  JsonDoc doc;
  ASSERT_FALSE(parseJson(json.out, doc).has_value()) << json.out;
  ASSERT_EQ(doc.Size(), 1u);
  EXPECT_STREQ(doc[0]["item"].GetString(), "cus_1");
  EXPECT_EQ(doc[0]["attempts"].GetInt(), 8);
}

// More dead letters than --limit reads: the list says how many there are in all, never a
// silent cut (on stderr under --json, which stays an array); with --tenant, of that tenant.
TEST(DlqListTest, MoreDeadLettersThanTheLimitAreCountedNotCutSilently) {
  test::TempDir dir;
  const std::string file = dir.write("sluice.yaml", "state: sqlite:" + dir.path() + R"(/s.db
connections:
  stripe: { app: stripe, api_key: "${CT_KEY}" }
flows: []
)");
  {
    auto state = openStateStore("sqlite:" + dir.path() + "/s.db");
    PollCommit commit;
    commit.triggerKey = "t";
    commit.op = "stripe.customers.new_customer";
    commit.connection = "stripe";
    for (const char* flow : {"f@loc_a", "f@loc_b", "f@loc_b", "g"})
      commit.items.push_back(
          {flow, std::string("item-") + std::to_string(commit.items.size()), "{}", ""});
    commit.nextDueMs = SystemClock().nowMs() + 60000;
    state->commitPoll(commit);
    for (const auto& d : state->deliveries(DeliveryStatus::Pending, 10))
      state->markDead(d.id, 8, "HTTP 400");
  }
  const auto all = sluice({"dlq", "list", "-c", file});
  EXPECT_THAT(all.out, ::testing::EndsWith("\n4 dead letters\n")) << all.out;
  const auto cut = sluice({"dlq", "list", "-c", file, "-n", "2"});
  EXPECT_THAT(cut.out, ::testing::EndsWith(
                           "\n2 of 4 dead letters shown, the newest; --limit N reads more\n"))
      << cut.out;
  const auto json = sluice({"dlq", "list", "-c", file, "-n", "2", "--json"});
  JsonDoc doc;
  ASSERT_FALSE(parseJson(json.out, doc).has_value()) << json.out;
  EXPECT_EQ(doc.Size(), 2u);
  EXPECT_THAT(json.err, HasSubstr("2 of 4 dead letters shown"));
  // The newest two are g's and one of loc_b's: loc_a's is beyond them.
  const auto tenant = sluice({"dlq", "list", "-c", file, "-n", "2", "--tenant", "loc_b"});
  EXPECT_THAT(tenant.out, ::testing::EndsWith("\nthe newest 2 dead letters hold 1 of the 2 of "
                                              "tenant loc_b; --limit N reads more\n"))
      << tenant.out;
  const auto whole = sluice({"dlq", "list", "-c", file, "--tenant", "loc_b"});
  EXPECT_THAT(whole.out, ::testing::EndsWith("\n2 dead letters\n")) << whole.out;
}

// dlq replay: the ids given, --all, or one flow's; a flow with none replays nothing (the store
// takes "no ids" as "every dead letter", so the verb must not pass it on).
TEST(DlqReplayTest, ReplaysTheIdsOrAFlowsDeadLettersAndNothingElse) {
  test::TempDir dir;
  const std::string flow = R"(
    steps: [ { op: ghl.contacts.upsert_contact, connection: ghl, with: { email: "{{trigger.email}}" } } ]
)";
  const std::string file = dir.write("sluice.yaml", "state: sqlite:" + dir.path() + R"(/s.db
connections:
  stripe: { app: stripe, api_key: "${CT_KEY}" }
  ghl: { app: ghl, token: "${CT_TOKEN}", location_id: loc_1 }
flows:
  - name: a
    trigger: { op: stripe.customers.new_customer, connection: stripe })" +
                                                        flow + R"(  - name: b
    trigger: { op: stripe.invoices.new_invoice, connection: stripe })" +
                                                        flow);
  auto state = openStateStore("sqlite:" + dir.path() + "/s.db");
  PollCommit commit;
  commit.triggerKey = "t";
  commit.op = "stripe.customers.new_customer";
  commit.connection = "stripe";
  commit.items = {{"a", "a1", "{}", ""}, {"a", "a2", "{}", ""}, {"b", "b1", "{}", ""}};
  commit.nextDueMs = SystemClock().nowMs() + 60000;
  state->commitPoll(commit);
  int64_t bId = 0;
  for (const auto& d : state->deliveries(DeliveryStatus::Pending, 10)) {
    state->markDead(d.id, 8, "HTTP 400");
    if (d.flow == "b") bId = d.id;
  }
  const auto deadFlows = [&] {
    std::vector<std::string> flows;
    for (const auto& d : state->deliveries(DeliveryStatus::Dead, 10)) flows.push_back(d.flow);
    return flows;
  };

  EXPECT_EQ(sluice({"dlq", "replay", "-c", file}).exitCode, 64);
  EXPECT_EQ(sluice({"dlq", "replay", "-c", file, "--all", "--flow", "a"}).exitCode, 64);
  EXPECT_EQ(sluice({"dlq", "replay", "-c", file, "--flow", "nope"}).exitCode, 64);
  EXPECT_THAT(sluice({"dlq", "replay", "-c", file, "--flow", "a"}).out,
              HasSubstr("2 dead letters queued again"));
  EXPECT_THAT(deadFlows(), ::testing::ElementsAre("b"));
  EXPECT_THAT(sluice({"dlq", "replay", "-c", file, "--flow", "a"}).out,
              HasSubstr("no dead letters of those flows"));
  EXPECT_THAT(deadFlows(), ::testing::ElementsAre("b"));  // not every dead letter
  EXPECT_THAT(sluice({"dlq", "replay", "-c", file, std::to_string(bId)}).out,
              HasSubstr("1 dead letter queued again"));
  EXPECT_THAT(deadFlows(), ::testing::IsEmpty());
}

TEST_F(CliTablesTest, CursorShowIsAlignedAndHasJson) {
  const test::CommandResult r = sluice({"cursor", "show", "-c", file_});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  expectAligned(r.out, 4);  // FLOW TRIGGER KEY OPERATION CURSOR
  EXPECT_THAT(r.out, HasSubstr(R"({"watermark":1764756720})"));
  EXPECT_THAT(r.out, HasSubstr("(none: the first poll seeds)"));
  const test::CommandResult json = sluice({"cursor", "show", "-c", file_, "--json", kLongFlow});
  JsonDoc doc;
  ASSERT_FALSE(parseJson(json.out, doc).has_value()) << json.out;
  ASSERT_EQ(doc.Size(), 1u);
  EXPECT_EQ(doc[0]["cursor"]["watermark"].GetInt64(), 1764756720);
  EXPECT_STREQ(doc[0]["trigger"].GetString(), "stripe.customers.new_customer");
}

// The issue: `createNewIfDuplicateAllobody`.
TEST(CliTables, OpsShowKeepsALongInputNameApartFromItsType) {
  const test::CommandResult r = sluice({"ops", "show", "ghl.contacts.upsert_contact"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::ContainsRegex("createNewIfDuplicateAllowed  +body  +boolean  +no"));
  const size_t table = r.out.find("    NAME ");
  ASSERT_NE(table, std::string::npos) << r.out;
  expectAligned(r.out.substr(table, r.out.find("  if interrupted") - table), 5);
}

TEST(CliTables, OpsListIsAligned) {
  const test::CommandResult r = sluice({"ops", "list"});
  ASSERT_EQ(r.exitCode, 0) << r.err;
  expectAligned(r.out, 5);  // ID KIND METHOD PATH NAME
}

// On an 80-column terminal the inputs table fits: descriptions are cut, names are whole.
TEST(CliTables, OnANarrowTerminalTablesFitAndCutWithAnEllipsis) {
  const test::CommandResult r = test::runSluiceOnTerminal(
      {"ops", "show", "ghl.contacts.upsert_contact"}, 80,
      {"SLUICE_CATALOG=" + test::catalogRoot(), "COLUMNS=", "NO_COLOR=", "TERM=xterm"});
  if (r.exitCode == -1) GTEST_SKIP() << "no pseudo-terminals here";
  ASSERT_EQ(r.exitCode, 0) << r.err;
  const size_t from = r.out.find("    NAME ");
  ASSERT_NE(from, std::string::npos) << r.out;
  const auto lines = linesOf(r.out.substr(from, r.out.find("  if interrupted") - from));
  for (const auto& line : lines) EXPECT_LE(codePoints(line), 80u) << line;
  EXPECT_THAT(r.out, ::testing::ContainsRegex("createNewIfDuplicateAllowed  +body  +boolean  +no  "
                                              "+Create a new contact [^\n]*…\n"));
  // COLUMNS, when set, wins over the window's width.
  const test::CommandResult wide = test::runSluiceOnTerminal(
      {"ops", "show", "ghl.contacts.upsert_contact"}, 80,
      {"SLUICE_CATALOG=" + test::catalogRoot(), "COLUMNS=300", "TERM=xterm"});
  EXPECT_THAT(wide.out, HasSubstr("(if the location allows duplicates)\n"));
}

TEST_F(CliTablesTest, StatusOnATerminalIsColouredUnlessNoColor) {
  const std::vector<std::string> env = {"SLUICE_CATALOG=" + test::catalogRoot(),
                                        "CT_KEY=sk_test_tables", "CT_TOKEN=pit-tables",
                                        "COLUMNS=", "TERM=xterm"};
  auto with = [&](const std::string& noColor) {
    std::vector<std::string> e = env;
    e.push_back("NO_COLOR=" + noColor);
    return test::runSluiceOnTerminal({"status", "-c", file_}, 250, e);
  };
  const test::CommandResult coloured = with("");
  if (coloured.exitCode == -1) GTEST_SKIP() << "no pseudo-terminals here";
  ASSERT_EQ(coloured.exitCode, 0) << coloured.err;
  EXPECT_THAT(coloured.out, HasSubstr("\x1b[31mSTALE\x1b[0m"));
  EXPECT_THAT(coloured.out, HasSubstr("\x1b[32mok\x1b[0m"));
  const test::CommandResult plain = with("1");
  ASSERT_EQ(plain.exitCode, 0) << plain.err;
  EXPECT_THAT(plain.out, Not(HasSubstr("\x1b")));
  expectAligned(plain.out, 9);
  // JSON on a terminal is JSON: no colour, nothing cut.
  const test::CommandResult json =
      test::runSluiceOnTerminal({"status", "-c", file_, "--json"}, 40, env);
  JsonDoc doc;
  EXPECT_FALSE(parseJson(json.out, doc).has_value()) << json.out;
}

}  // namespace cli_tables_test
}  // namespace sluice
