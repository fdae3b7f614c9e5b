#include "core/yaml_list_parts.h"

#include <algorithm>
#include <exception>
#include <string_view>
#include <utility>

#include "core/parallel_for.h"

namespace sluice {

namespace {

constexpr auto npos = std::string_view::npos;

// Where an item of the list starts: its offset in the text and its line (0-based).
struct ItemStart {
  size_t offset = 0;
  int line = 0;
};

// Spaces before the line's content; -1 for a blank line or a comment.
int indentation(std::string_view line) {
  const size_t i = line.find_first_not_of(' ');
  if (i == npos || line[i] == '#') return -1;
  return static_cast<int>(i);
}

bool startsItem(std::string_view line, int indent) {
  const auto i = static_cast<size_t>(indent);
  return line.size() > i && line[i] == '-' && (line.size() == i + 1 || line[i + 1] == ' ');
}

// `KEY:` at the start of the line, then nothing but spaces or a comment.
bool isKeyLine(std::string_view line, const std::string& key) {
  if (line.size() <= key.size() || line.substr(0, key.size()) != key || line[key.size()] != ':')
    return false;
  const std::string_view rest = line.substr(key.size() + 1);
  const size_t i = rest.find_first_not_of(' ');
  return i == npos || rest[i] == '#';
}

// A directive or a document marker, which changes how the lines after it read. Only a "---"
// alone on the text's first line is let through.
bool marksDocument(std::string_view line, bool firstContent) {
  if (firstContent && line.find_last_not_of(' ') == 2 && line.substr(0, 3) == "---") return false;
  return line.substr(0, 1) == "%" || line.substr(0, 3) == "---" || line.substr(0, 3) == "...";
}

// Whether a quoted scalar starts on the line and does not end on it. yaml-cpp reads a quoted
// scalar left open at the end of the text without a failure, so a part cut inside one would
// read as something else; a text with such a line is not cut at all. A quote counts as opening
// one at the line's content start or after a space or one of [ { , : - ? (so after a key, an
// item, a tag or an anchor), not inside a word (it's). Taking a quote that is only text for
// one (in a block scalar, or `say "hi`) costs the cut, never a wrong one.
bool leavesQuoteOpen(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '#' && (i == 0 || line[i - 1] == ' ')) return false;  // a comment to the end
    if (c != '"' && c != '\'') continue;
    const bool opens = i == 0 || std::string_view(" [{,:-?").find(line[i - 1]) != npos;
    if (!opens) continue;
    size_t j = i + 1;
    for (;; ++j) {
      if (j >= line.size()) return true;
      if (c == '"' && line[j] == '\\') {
        ++j;  // an escaped character, a quote included
      } else if (line[j] == c) {
        if (c == '"' || j + 1 == line.size() || line[j + 1] != '\'') break;
        ++j;  // '' is a quote inside a single-quoted scalar
      }
    }
    i = j;
  }
  return false;
}

// The items of the list under key, when it is a block list that runs to the end of the text
// and every line after its key is an item at its indentation or more indented than that (at
// least one item).
std::optional<std::vector<ItemStart>> itemStarts(const std::string& text, const std::string& key) {
  // Tabs and carriage returns would need rules of indentation this reading does not follow.
  if (text.find_first_of("\t\r") != std::string::npos) return std::nullopt;
  enum class Where { Head, AfterKey, List } where = Where::Head;
  std::vector<ItemStart> starts;
  int listIndent = -1;
  bool firstContent = true;
  int number = 0;
  for (size_t pos = 0; pos < text.size(); ++number) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    const std::string_view line(text.data() + pos, eol - pos);
    const size_t begin = pos;
    pos = eol + 1;
    const int indent = indentation(line);
    if (indent < 0) continue;
    if (marksDocument(line, firstContent) || leavesQuoteOpen(line)) return std::nullopt;
    firstContent = false;
    if (where == Where::Head) {
      if (isKeyLine(line, key)) where = Where::AfterKey;
    } else if (where == Where::AfterKey) {
      if (!startsItem(line, indent)) return std::nullopt;
      listIndent = indent;
      where = Where::List;
      starts.push_back({begin, number});
    } else if (indent == listIndent && startsItem(line, indent)) {
      starts.push_back({begin, number});
    } else if (indent <= listIndent) {
      return std::nullopt;  // the list ends before the text does
    }
  }
  if (starts.empty()) return std::nullopt;
  return starts;
}

}  // namespace

std::vector<YamlTextPart> cutStreamedList(const std::string& text, const std::string& key,
                                          size_t parts, size_t minBytes) {
  const std::vector<YamlTextPart> whole{{0, text.size(), 0}};
  minBytes = std::max<size_t>(minBytes, 1);
  parts = std::min(parts, text.size() / minBytes);
  if (parts < 2) return whole;
  const auto starts = itemStarts(text, key);
  if (!starts || starts->size() < 2) return whole;
  std::vector<YamlTextPart> out{{0, 0, 0}};
  for (size_t i = 1; i < parts; ++i) {
    const size_t target = text.size() * i / parts;
    // Never before the list's second item: the first part holds at least one.
    const auto cut =
        std::lower_bound(starts->begin() + 1, starts->end(), target,
                         [](const ItemStart& s, size_t offset) { return s.offset < offset; });
    if (cut == starts->end() || cut->offset <= out.back().begin) continue;
    out.back().end = cut->offset;
    out.push_back({cut->offset, 0, cut->line});
  }
  out.back().end = text.size();
  return out;
}

std::optional<YamlTextPart> streamedListStart(const std::string& text, const std::string& key) {
  const auto starts = itemStarts(text, key);
  if (!starts) return std::nullopt;
  return YamlTextPart{starts->front().offset, text.size(), starts->front().line};
}

std::optional<YamlNode> readListParts(
    const std::string& text, const std::string& file, YamlDomain domain, const std::string& key,
    const std::vector<YamlTextPart>& parts,
    const std::function<void(size_t part, const YamlNode& item)>& onItem) {
  std::vector<YamlNode> roots(parts.size());
  std::vector<std::exception_ptr> failures(parts.size());
  auto readPart = [&](size_t i) {
    try {
      const YamlTextPart& part = parts[i];
      const std::string_view lines =
          std::string_view(text).substr(part.begin, part.end - part.begin);
      // A part after the first is read in place as a list of its own, at the root.
      YamlStreamedList list{i == 0 ? key : std::string(),
                            [&onItem, i](const YamlNode& item) { onItem(i, item); }};
      roots[i] = loadYamlText(lines, file, domain, std::move(list), part.firstLine);
    } catch (...) {
      failures[i] = std::current_exception();
    }
  };
  parallelFor(parts.size(), parts.size(), readPart);
  for (const auto& failure : failures)
    if (failure) return std::nullopt;
  return roots.front();
}

}  // namespace sluice
