// The tables the CLI prints (`ops list`, `ops show`, `status`, `history`, `dlq list`,
// `cursor show`): each column as wide as its widest cell, at least two spaces between columns,
// and on a terminal narrower than that the widest shrinkable columns cut first, with "…".
// Widths count UTF-8 code points, not bytes. Colour only on a terminal, and never when NO_COLOR
// is set (https://no-color.org) or TERM is dumb.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::cli {

// Where a table goes: its width (0 = no limit) and whether it may be coloured.
struct Terminal {
  size_t width = 0;
  bool color = false;
};

// The environment a terminal is judged by (nullptr = unset).
struct TerminalEnv {
  const char* columns = nullptr;  // COLUMNS
  const char* noColor = nullptr;  // NO_COLOR
  const char* term = nullptr;     // TERM
};

// fd's terminal: not a terminal → no width limit, no colour; a terminal → COLUMNS when it is a
// positive number, else the window's width (TIOCGWINSZ); colour unless NO_COLOR is non-empty
// or TERM is dumb.
Terminal terminalOf(int fd, const TerminalEnv& env);
// Standard output's, by the process environment.
Terminal stdoutTerminal();

// Code points in UTF-8 text (a continuation byte adds nothing).
size_t displayWidth(std::string_view text);
// text in at most width code points: cut ones end with "…"; never splits a code point.
std::string truncateTo(std::string_view text, size_t width);

enum class Color { None, Green, Yellow, Red, Dim };

struct Cell {
  Cell(std::string text = "", Color color = Color::None)  // NOLINT: cells are built from text
      : text(std::move(text)), color(color) {}
  Cell(const char* text) : text(text) {}  // NOLINT
  std::string text;
  Color color = Color::None;
};

struct Column {
  std::string header;
  // A shrinkable column may be cut to fit the terminal, down to minWidth (ids, times and
  // numbers are not: a cut one is useless).
  bool shrinkable = false;
  size_t minWidth = 8;
  // Left out when no row has anything in it.
  bool hideWhenEmpty = false;

  static Column fixed(std::string header) { return {std::move(header), false, 0, false}; }
  static Column shrink(std::string header, size_t minWidth = 8) {
    return {std::move(header), true, minWidth, false};
  }
  Column orHidden() && {
    hideWhenEmpty = true;
    return std::move(*this);
  }
};

class Table {
 public:
  explicit Table(std::vector<Column> columns, size_t indent = 0)
      : columns_(std::move(columns)), indent_(indent) {}

  // One row, a cell per column (missing cells are empty; extra ones are an error).
  void add(std::vector<Cell> row);
  bool empty() const { return rows_.empty(); }

  // The header and the rows, one line each, sized for terminal.
  std::string render(const Terminal& terminal) const;
  void print(std::ostream& out, const Terminal& terminal) const;

  // The width of each shown column (hidden ones: 0) for terminal.
  std::vector<size_t> widths(const Terminal& terminal) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<Cell>> rows_;
  size_t indent_;
};

// Cell text helpers shared by the verbs: a UTC time "2026-12-03 10:12:00Z" ("-" for 0 or less)
// and a duration in its largest unit (45s, 12m, 3h, 2d; "-" when negative).
std::string utcTime(int64_t ms);
std::string shortAge(int64_t ms);

}  // namespace sluice::cli
