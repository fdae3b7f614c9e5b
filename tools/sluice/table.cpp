#include "tools/sluice/table.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <ostream>
#include <stdexcept>

namespace sluice::cli {

namespace {

constexpr size_t kColumnGap = 2;  // spaces between two columns, however narrow the terminal
constexpr const char* kEllipsis = "\xE2\x80\xA6";  // U+2026 …

bool isContinuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

// A cell on one line: control characters (newlines and tabs in API errors, escape sequences)
// become spaces, so a cell can neither break its row nor drive the terminal.
std::string oneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool c1 = c == 0xC2 && i + 1 < text.size() &&
                    static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9F;  // U+0080..U+009F
    if (c1) ++i;
    out += c < 0x20 || c == 0x7F || c1 ? ' ' : static_cast<char>(c);
  }
  return out;
}

const char* ansiColor(Color color) {
  switch (color) {
    case Color::Green:
      return "\x1b[32m";
    case Color::Yellow:
      return "\x1b[33m";
    case Color::Red:
      return "\x1b[31m";
    case Color::Dim:
      return "\x1b[2m";
    case Color::None:
      break;
  }
  return "";
}

// A positive number of columns, or 0.
size_t parseColumns(const char* text) {
  if (!text || !*text) return 0;
  char* end = nullptr;
  const long n = std::strtol(text, &end, 10);
  return *end == '\0' && n > 0 && n <= 100000 ? static_cast<size_t>(n) : 0;
}

}  // namespace

Terminal terminalOf(int fd, const TerminalEnv& env) {
  Terminal t;
  if (!::isatty(fd)) return t;
  t.width = parseColumns(env.columns);
  winsize size{};
  if (t.width == 0 && ::ioctl(fd, TIOCGWINSZ, &size) == 0) t.width = size.ws_col;
  const bool noColor = env.noColor && *env.noColor;
  const bool dumb = env.term && std::string_view(env.term) == "dumb";
  t.color = !noColor && !dumb;
  return t;
}

Terminal stdoutTerminal() {
  return terminalOf(STDOUT_FILENO, TerminalEnv{std::getenv("COLUMNS"), std::getenv("NO_COLOR"),
                                               std::getenv("TERM")});
}

size_t displayWidth(std::string_view text) {
  size_t n = 0;
  for (const char c : text) n += !isContinuation(static_cast<unsigned char>(c));
  return n;
}

std::string truncateTo(std::string_view text, size_t width) {
  if (displayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  // Keep width - 1 code points, then the ellipsis.
  size_t kept = 0, end = 0;
  while (end < text.size()) {
    if (!isContinuation(static_cast<unsigned char>(text[end])) && kept++ == width - 1) break;
    ++end;
  }
  return std::string(text.substr(0, end)) + kEllipsis;
}

void Table::add(std::vector<Cell> row) {
  if (row.size() > columns_.size())
    throw std::logic_error("table row with " + std::to_string(row.size()) + " cells for " +
                           std::to_string(columns_.size()) + " columns");
  row.resize(columns_.size());
  for (Cell& cell : row) cell.text = oneLine(cell.text);
  rows_.push_back(std::move(row));
}

std::vector<size_t> Table::widths(const Terminal& terminal) const {
  std::vector<size_t> width(columns_.size(), 0);
  size_t total = indent_, shown = 0;
  for (size_t i = 0; i < columns_.size(); ++i) {
    size_t widest = 0;
    for (const auto& row : rows_) widest = std::max(widest, displayWidth(row[i].text));
    if (widest == 0 && columns_[i].hideWhenEmpty) continue;
    width[i] = std::max(widest, displayWidth(columns_[i].header));
    total += width[i] + (shown++ ? kColumnGap : 0);
  }
  // Too wide for the terminal: one character off the widest shrinkable column at a time.
  while (terminal.width > 0 && total > terminal.width) {
    size_t pick = columns_.size();
    for (size_t i = 0; i < columns_.size(); ++i) {
      const size_t floor = std::max<size_t>(columns_[i].minWidth, 1);
      if (columns_[i].shrinkable && width[i] > floor &&
          (pick == columns_.size() || width[i] > width[pick]))
        pick = i;
    }
    if (pick == columns_.size()) break;  // only fixed columns left: the line overflows
    --width[pick];
    --total;
  }
  return width;
}

std::string Table::render(const Terminal& terminal) const {
  const std::vector<size_t> width = widths(terminal);
  std::vector<Cell> header;
  for (const auto& column : columns_) header.push_back(Cell(column.header));
  std::string out;
  auto line = [&](const std::vector<Cell>& cells) {
    out.append(indent_, ' ');
    size_t pending = 0;  // padding owed before the next non-empty cell (none at the end)
    bool first = true;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (width[i] == 0) continue;  // a hidden column
      if (!first) pending += kColumnGap;
      first = false;
      const std::string text = truncateTo(cells[i].text, width[i]);
      if (!text.empty()) {
        out.append(pending, ' ');
        const char* color = terminal.color ? ansiColor(cells[i].color) : "";
        out += *color ? color + text + "\x1b[0m" : text;
        pending = 0;
      }
      pending += width[i] - displayWidth(text);
    }
    out += '\n';
  };
  line(header);
  for (const auto& row : rows_) line(row);
  return out;
}

void Table::print(std::ostream& out, const Terminal& terminal) const {
  out << render(terminal);
}

std::string utcTime(int64_t ms) {
  if (ms <= 0) return "-";
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%SZ", &tm);
  return text;
}

std::string shortAge(int64_t ms) {
  if (ms < 0) return "-";
  const int64_t s = ms / 1000;
  if (s < 120) return std::to_string(s) + "s";
  if (s < 7200) return std::to_string(s / 60) + "m";
  if (s < 2 * 86400) return std::to_string(s / 3600) + "h";
  return std::to_string(s / 86400) + "d";
}

}  // namespace sluice::cli
