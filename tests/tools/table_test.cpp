// The CLI's tables: columns as wide as their content, never run together, cut with "…" on a
// narrow terminal (widest shrinkable column first), widths in UTF-8 code points, colour only
// on a terminal without NO_COLOR.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tools/sluice/table.h"

namespace sluice::cli {
namespace table_test {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> linesOf(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
    lines.push_back(text.substr(start, end - start));
  return lines;
}

// Where each column starts on a line, in code points: after two or more spaces.
std::vector<size_t> columnStarts(const std::string& line) {
  std::vector<size_t> starts;
  size_t at = 0, spaces = 2;
  for (size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if ((c & 0xC0) == 0x80) continue;
    if (c == ' ') {
      ++spaces;
    } else {
      if (spaces >= 2) starts.push_back(at);
      spaces = 0;
    }
    ++at;
  }
  return starts;
}

const std::string kLongFlow = "stripe-customers-to-ghl-contacts-with-tags-and-notes-for-sales";

Table flowTable() {
  Table t({Column::shrink("FLOW", 10), Column::fixed("ERRORS"), Column::fixed("STATE"),
           Column::shrink("LAST ERROR", 8)});
  t.add({"short", "0", "ok", ""});
  t.add({kLongFlow, "12", "STALE", "GET /v1/customers: 503 Service Unavailable"});
  t.add({"mid-sized-flow", "1", "failing", "timeout"});
  return t;
}

TEST(Table, DisplayWidthCountsCodePointsNotBytes) {
  EXPECT_EQ(displayWidth("abc"), 3u);
  EXPECT_EQ(displayWidth("café"), 4u);
  EXPECT_EQ(displayWidth("…"), 1u);
  EXPECT_EQ(displayWidth("日本語"), 3u);
  EXPECT_EQ(displayWidth(""), 0u);
}

TEST(Table, TruncateEndsWithAnEllipsis) {
  EXPECT_EQ(truncateTo("createNewIfDuplicateAllowed", 10), "createNew…");
  EXPECT_EQ(displayWidth(truncateTo("createNewIfDuplicateAllowed", 10)), 10u);
  EXPECT_EQ(truncateTo("fits", 4), "fits");
  EXPECT_EQ(truncateTo("fits", 10), "fits");
  EXPECT_EQ(truncateTo("cut", 1), "…");
  EXPECT_EQ(truncateTo("cut", 0), "");
}

TEST(Table, TruncateNeverSplitsACodePoint) {
  EXPECT_EQ(truncateTo("ééééé", 3), "éé…");
  EXPECT_EQ(truncateTo("日本語テキスト", 4), "日本語…");
}

TEST(Table, ColumnsAreAsWideAsTheirWidestCell) {
  const Table t = flowTable();
  const auto widths = t.widths(Terminal{});
  EXPECT_EQ(widths, (std::vector<size_t>{kLongFlow.size(), 6, 7, 42}));
}

// The issue: a name longer than a fixed width pushed the rest of its row out of line.
TEST(Table, LongCellsKeepEveryRowAligned) {
  const auto lines = linesOf(flowTable().render(Terminal{}));
  ASSERT_EQ(lines.size(), 4u);
  const auto header = columnStarts(lines[0]);
  ASSERT_EQ(header.size(), 4u) << lines[0];
  EXPECT_EQ(header[1], kLongFlow.size() + 2);
  for (const auto& line : lines) {
    const auto starts = columnStarts(line);
    for (size_t i = 0; i < starts.size(); ++i) EXPECT_EQ(starts[i], header[i]) << line;
    EXPECT_THAT(line, Not(::testing::EndsWith(" ")));
  }
  EXPECT_THAT(lines[2], HasSubstr(kLongFlow + "  12"));
}

TEST(Table, NarrowTerminalCutsTheWidestShrinkableColumnFirst) {
  const Table t = flowTable();
  // Natural: 62 + 6 + 7 + 42 + 3 gaps of 2 = 123. At 110, only FLOW (the widest) is cut.
  EXPECT_EQ(t.widths(Terminal{110, false}), (std::vector<size_t>{49, 6, 7, 42}));
  // At 80 both are cut to the same width.
  EXPECT_EQ(t.widths(Terminal{80, false}), (std::vector<size_t>{30, 6, 7, 31}));
  const auto lines = linesOf(t.render(Terminal{80, false}));
  for (const auto& line : lines) EXPECT_LE(displayWidth(line), 80u) << line;
  EXPECT_THAT(lines[2], HasSubstr(kLongFlow.substr(0, 29) + "…  12"));
  EXPECT_THAT(lines[2], HasSubstr("GET /v1/customers: 503 Service…"));
  const auto header = columnStarts(lines[0]);
  for (const auto& line : lines) EXPECT_EQ(columnStarts(line)[1], header[1]) << line;
}

TEST(Table, ShrinkableColumnsStopAtTheirMinimumAndFixedOnesAreNeverCut) {
  const Table t = flowTable();
  EXPECT_EQ(t.widths(Terminal{20, false}), (std::vector<size_t>{10, 6, 7, 8}));
  const auto lines = linesOf(t.render(Terminal{20, false}));
  // Wider than the terminal, but the columns still stand apart.
  EXPECT_EQ(lines[0], "FLOW        ERRORS  STATE    LAST ER…");
  EXPECT_EQ(lines[2], "stripe-cu…  12      STALE    GET /v1…");
}

TEST(Table, Utf8CellsAlignByCodePoints) {
  Table t({Column::fixed("NAME"), Column::fixed("VALUE")});
  t.add({"café", "1"});
  t.add({"日本語テキスト", "2"});
  t.add({"plain", "3"});
  const auto lines = linesOf(t.render(Terminal{}));
  EXPECT_EQ(lines[1], "café     1");
  EXPECT_EQ(lines[2], "日本語テキスト  2");
  EXPECT_EQ(lines[3], "plain    3");
}

TEST(Table, ControlCharactersInCellsBecomeSpaces) {
  Table t({Column::fixed("A"), Column::fixed("B")});
  t.add({"line\none\ttab",
         "esc\x1b[31mred\xC2\x9B"
         "c1"});
  const auto lines = linesOf(t.render(Terminal{}));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1], "line one tab  esc [31mred c1");
}

TEST(Table, ColourOnlyWhenTheTerminalTakesIt) {
  Table t({Column::fixed("FLOW"), Column::fixed("STATE"), Column::fixed("N")});
  t.add({"a", Cell("ok", Color::Green), "1"});
  t.add({"b", Cell("STALE", Color::Red), "2"});
  const std::string coloured = t.render(Terminal{0, true});
  EXPECT_THAT(coloured, HasSubstr("\x1b[32mok\x1b[0m     1"));  // padding outside the colour
  EXPECT_THAT(coloured, HasSubstr("\x1b[31mSTALE\x1b[0m  2"));
  EXPECT_THAT(t.render(Terminal{0, false}), Not(HasSubstr("\x1b")));
}

TEST(Table, EmptyHideableColumnsAreLeftOutAndLinesHaveNoTrailingSpace) {
  Table t({Column::fixed("FLOW"), Column::shrink("POLLED BY").orHidden(), Column::fixed("STATE"),
           Column::shrink("LAST ERROR").orHidden()});
  t.add({"a", "", "ok", ""});
  EXPECT_EQ(t.render(Terminal{}), "FLOW  STATE\na     ok\n");
  t.add({"b", "", "failing", "boom"});
  EXPECT_EQ(t.render(Terminal{}), "FLOW  STATE    LAST ERROR\na     ok\nb     failing  boom\n");
}

TEST(Table, IndentCountsAgainstTheTerminalWidth) {
  Table t({Column::fixed("NAME"), Column::shrink("DESCRIPTION", 4)}, 4);
  t.add({"email", "The contact's email address, lower-cased by the API"});
  const auto lines = linesOf(t.render(Terminal{30, false}));
  EXPECT_EQ(lines[0], "    NAME   DESCRIPTION");
  EXPECT_EQ(lines[1], "    email  The contact's emai…");
  EXPECT_EQ(displayWidth(lines[1]), 30u);
}

TEST(Table, ARowWithMoreCellsThanColumnsIsAnError) {
  Table t({Column::fixed("A")});
  EXPECT_THROW(t.add({"1", "2"}), std::logic_error);
}

TEST(Table, TimesAndAges) {
  EXPECT_EQ(utcTime(0), "-");
  EXPECT_EQ(utcTime(1764756720123), "2025-12-03 10:12:00Z");
  EXPECT_EQ(shortAge(-1), "-");
  EXPECT_EQ(shortAge(45'000), "45s");
  EXPECT_EQ(shortAge(12 * 60'000), "12m");
  EXPECT_EQ(shortAge(3 * 3'600'000), "3h");
  EXPECT_EQ(shortAge(3 * 86'400'000LL), "3d");
}

// ---------------------------------------------------------------- which terminal

// A pseudo-terminal `columns` wide; closes both ends when it goes.
class Pty {
 public:
  explicit Pty(unsigned short columns) {
    master_ = posix_openpt(O_RDWR | O_NOCTTY);
    if (master_ < 0 || grantpt(master_) != 0 || unlockpt(master_) != 0) return;
    slave_ = ::open(ptsname(master_), O_RDWR | O_NOCTTY);
    winsize size{};
    size.ws_col = columns;
    size.ws_row = 24;
    if (slave_ >= 0) ::ioctl(slave_, TIOCSWINSZ, &size);
  }
  ~Pty() {
    if (slave_ >= 0) ::close(slave_);
    if (master_ >= 0) ::close(master_);
  }
  int fd() const { return slave_; }

 private:
  int master_ = -1;
  int slave_ = -1;
};

TEST(Terminal, NotATerminalHasNoLimitAndNoColour) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const Terminal t = terminalOf(fds[1], TerminalEnv{"40", nullptr, "xterm"});
  EXPECT_EQ(t.width, 0u);  // COLUMNS only counts on a terminal
  EXPECT_FALSE(t.color);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(Terminal, ATerminalGivesItsWidthAndTakesColour) {
  Pty pty(57);
  if (pty.fd() < 0) GTEST_SKIP() << "no pseudo-terminals here";
  const Terminal t = terminalOf(pty.fd(), TerminalEnv{nullptr, nullptr, "xterm"});
  EXPECT_EQ(t.width, 57u);
  EXPECT_TRUE(t.color);
  EXPECT_EQ(terminalOf(pty.fd(), TerminalEnv{"132", nullptr, "xterm"}).width, 132u);
  EXPECT_EQ(terminalOf(pty.fd(), TerminalEnv{"wide", nullptr, "xterm"}).width, 57u);
}

// https://no-color.org: set and not empty means no colour, whatever its value.
TEST(Terminal, NoColorAndDumbTerminalsTurnColourOff) {
  Pty pty(80);
  if (pty.fd() < 0) GTEST_SKIP() << "no pseudo-terminals here";
  EXPECT_FALSE(terminalOf(pty.fd(), TerminalEnv{nullptr, "1", "xterm"}).color);
  EXPECT_FALSE(terminalOf(pty.fd(), TerminalEnv{nullptr, "0", "xterm"}).color);
  EXPECT_TRUE(terminalOf(pty.fd(), TerminalEnv{nullptr, "", "xterm"}).color);
  EXPECT_FALSE(terminalOf(pty.fd(), TerminalEnv{nullptr, nullptr, "dumb"}).color);
  EXPECT_EQ(terminalOf(pty.fd(), TerminalEnv{nullptr, "1", "xterm"}).width, 80u);
}

}  // namespace table_test
}  // namespace sluice::cli
