#include "core/libyaml_events.h"

#include <yaml-cpp/mark.h>
#include <yaml.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <vector>

namespace sluice {

namespace {

// One libyaml parser over the text, freed however the reading ends.
class LibyamlParser {
 public:
  explicit LibyamlParser(std::string_view text) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~LibyamlParser() { yaml_parser_delete(&parser_); }
  LibyamlParser(const LibyamlParser&) = delete;
  LibyamlParser& operator=(const LibyamlParser&) = delete;

  bool next(yaml_event_t& event) { return yaml_parser_parse(&parser_, &event) == 1; }

 private:
  yaml_parser_t parser_;
};

class LibyamlEvent {
 public:
  LibyamlEvent() = default;
  ~LibyamlEvent() { yaml_event_delete(&event_); }
  LibyamlEvent(const LibyamlEvent&) = delete;
  LibyamlEvent& operator=(const LibyamlEvent&) = delete;
  yaml_event_t& get() { return event_; }

 private:
  yaml_event_t event_{};
};

// yaml-cpp's marks count bytes; libyaml's count characters. They differ only on a line with
// a character outside ASCII, so only a text with one pays for the conversion.
class ByteMarks {
 public:
  explicit ByteMarks(std::string_view text) : text_(text) {
    ascii_ = std::all_of(text.begin(), text.end(),
                         [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    if (ascii_) return;
    // libyaml skips a byte order mark without counting it.
    lineStarts_.push_back(text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0);
    for (size_t at = text.find('\n'); at != std::string_view::npos; at = text.find('\n', at + 1))
      lineStarts_.push_back(at + 1);
  }

  YAML::Mark of(const yaml_mark_t& at) {
    YAML::Mark mark;
    mark.line = static_cast<int>(at.line);
    if (ascii_) {
      mark.pos = static_cast<int>(at.index);
      mark.column = static_cast<int>(at.column);
      return mark;
    }
    const size_t lineStart = at.line < lineStarts_.size() ? lineStarts_[at.line] : text_.size();
    if (at.line != walkLine_ || at.column < walkColumn_) {
      walkLine_ = at.line;
      walkColumn_ = 0;
      walkByte_ = lineStart;
    }
    // Forward from the last mark on the line: marks come in order.
    for (; walkColumn_ < at.column && walkByte_ < text_.size(); ++walkColumn_)
      walkByte_ += utf8Length(static_cast<unsigned char>(text_[walkByte_]));
    mark.pos = static_cast<int>(walkByte_);
    mark.column = static_cast<int>(walkByte_ - lineStart);
    return mark;
  }

 private:
  static size_t utf8Length(unsigned char lead) {
    if (lead >= 0xF0) return 4;
    if (lead >= 0xE0) return 3;
    if (lead >= 0xC0) return 2;
    return 1;
  }

  std::string_view text_;
  bool ascii_ = true;
  std::vector<size_t> lineStarts_;
  size_t walkLine_ = SIZE_MAX, walkColumn_ = 0, walkByte_ = 0;
};

// yaml-cpp's null words (its IsNullString); only an untagged plain scalar is read as one.
bool isNullWord(std::string_view text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

std::string libyamlText(const yaml_char_t* text) {
  return text ? std::string(reinterpret_cast<const char*>(text)) : std::string();
}

// Feeds one document's events to a handler, numbering anchors as yaml-cpp does.
class LibyamlTranslator {
 public:
  LibyamlTranslator(std::string_view text, YAML::EventHandler* handler)
      : text_(text), handler_(handler), marks_(text) {}

  // False when the event has a tag, names an anchor never defined, has an anchor or alias in
  // a flow collection or one whose name the readers end differently, or closes a flow
  // collection begun on another line.
  bool send(const yaml_event_t& event) {
    // A tag (`!!str`, `!x`): yaml-cpp refuses tag handles libyaml takes, and sluice's files
    // have none, so a text with one is yaml-cpp's.
    const Properties properties = propertiesOf(event);
    if (properties.tag) return false;
    // An anchor or alias inside a flow collection: `{ a: &x :b }` is a map of a to ":b" for
    // yaml-cpp, of a to an anchored null and then b for libyaml.
    if (properties.anchor && (openFlows_ > 0 || !namedAsInText(event, properties.anchor)))
      return false;
    switch (event.type) {
      case YAML_ALIAS_EVENT:
        return alias(event);
      case YAML_SCALAR_EVENT:
        return scalar(event);
      case YAML_SEQUENCE_START_EVENT:
        open(event, event.data.sequence_start.anchor, false,
             event.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE);
        return true;
      case YAML_MAPPING_START_EVENT:
        open(event, event.data.mapping_start.anchor, true,
             event.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE);
        return true;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        return close(event);
      default:
        return true;
    }
  }

 private:
  YAML::Mark markOf(const yaml_event_t& event) { return marks_.of(event.start_mark); }

  void open(const yaml_event_t& event, const yaml_char_t* anchorName, bool map, bool flow) {
    const YAML::anchor_t anchor = define(anchorName);
    flowOpenedOnLine_.push_back(flow ? event.start_mark.line : kBlock);
    openFlows_ += flow ? 1 : 0;
    if (!handler_) return;
    const YAML::EmitterStyle::value style =
        flow ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block;
    if (map) return handler_->OnMapStart(markOf(event), "?", anchor, style);
    handler_->OnSequenceStart(markOf(event), "?", anchor, style);
  }

  // False for a flow collection over several lines: libyaml takes continuation lines
  // indented less than the block around it, which yaml-cpp (and the YAML spec) refuse.
  bool close(const yaml_event_t& event) {
    const size_t line = flowOpenedOnLine_.back();
    flowOpenedOnLine_.pop_back();
    openFlows_ -= line != kBlock ? 1 : 0;
    if (line != kBlock && line != event.start_mark.line) return false;
    if (handler_) {
      if (event.type == YAML_MAPPING_END_EVENT)
        handler_->OnMapEnd();
      else
        handler_->OnSequenceEnd();
    }
    return true;
  }

  // Whether the anchor or alias name libyaml read is all the text after the node's `&` or
  // `*` up to a blank or flow indicator. libyaml ends a name at a character other than a
  // letter, digit, '-' or '_' (`&a?b` names "a"); yaml-cpp reads on, or takes a colon after it
  // as a map's (`- &a:`).
  bool namedAsInText(const yaml_event_t& event, const yaml_char_t* name) {
    const size_t at = static_cast<size_t>(markOf(event).pos);
    if (at >= text_.size() || (text_[at] != '&' && text_[at] != '*')) return false;
    const size_t end = text_.find_first_of(" \t\r\n,[]{}", at + 1);
    const std::string_view written =
        text_.substr(at + 1, end == std::string_view::npos ? end : end - at - 1);
    return written == reinterpret_cast<const char*>(name);
  }

  // A block scalar's header (`|`, `>-`, `|2+`) follows its key or dash on its line and ends
  // with a blank or the line's end. libyaml also takes `|#...` as an empty one, and one at the
  // start of a line under a lone dash as the item; yaml-cpp reads nothing there.
  bool blockHeaderEndsWell(const yaml_event_t& event) {
    const YAML::Mark mark = markOf(event);
    size_t at = static_cast<size_t>(mark.pos);
    if (at >= text_.size() || (text_[at] != '|' && text_[at] != '>')) return false;
    const size_t lineStart = at - static_cast<size_t>(mark.column);
    if (text_.substr(lineStart, at - lineStart).find_first_not_of(" \t") == std::string_view::npos)
      return false;
    at = text_.find_first_not_of("+-0123456789", at + 1);
    return at != std::string_view::npos && std::strchr(" \t\r\n", text_[at]);
  }

  // A node's anchor and tag (an alias's name as its anchor); null where it has none.
  struct Properties {
    const yaml_char_t* anchor = nullptr;
    const yaml_char_t* tag = nullptr;
  };
  static Properties propertiesOf(const yaml_event_t& event) {
    switch (event.type) {
      case YAML_ALIAS_EVENT:
        return {event.data.alias.anchor, nullptr};
      case YAML_SCALAR_EVENT:
        return {event.data.scalar.anchor, event.data.scalar.tag};
      case YAML_SEQUENCE_START_EVENT:
        return {event.data.sequence_start.anchor, event.data.sequence_start.tag};
      case YAML_MAPPING_START_EVENT:
        return {event.data.mapping_start.anchor, event.data.mapping_start.tag};
      default:
        return {};
    }
  }

  bool alias(const yaml_event_t& event) {
    auto known = anchors_.find(libyamlText(event.data.alias.anchor));
    if (known == anchors_.end()) return false;  // yaml-cpp refuses it; let it say so
    if (handler_) handler_->OnAlias(markOf(event), known->second);
    return true;
  }

  bool scalar(const yaml_event_t& event) {
    const auto& s = event.data.scalar;
    const YAML::anchor_t anchor = define(s.anchor);
    const std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
    const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
    const bool leftOut = plain && value.empty() && !s.anchor;
    // yaml-cpp refuses a '?' inside a plain scalar of a flow collection (`{ a?b: c }`).
    if (plain && openFlows_ > 0 && value.find('?') != std::string_view::npos) return false;
    // Over several lines, yaml-cpp refuses an indicator (`&`, `*`, `!`...) starting a plain
    // scalar's second line, and folds a quoted one's line of blanks differently; none of
    // sluice's files has either (a block scalar, `|` or `>`, reads the same in both).
    const bool quoted =
        s.style == YAML_SINGLE_QUOTED_SCALAR_STYLE || s.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    if ((plain || quoted) && event.start_mark.line != event.end_mark.line) return false;
    if (!plain && !quoted && !blockHeaderEndsWell(event)) return false;
    if (!handler_) return true;
    if (leftOut) {
      // A value left out: libyaml places it right after its colon or dash, yaml-cpp at the
      // token after it (the next key or dash, a comma, where the map ends).
      handler_->OnNull(nextTokenMark(markOf(event)), anchor);
    } else if (plain && isNullWord(value)) {
      handler_->OnNull(markOf(event), anchor);
    } else {
      handler_->OnScalar(markOf(event), plain ? "?" : "!", anchor, std::string(value));
    }
    return true;
  }

  YAML::anchor_t define(const yaml_char_t* name) {
    if (!name) return YAML::NullAnchor;
    const YAML::anchor_t id = ++lastAnchor_;
    anchors_[libyamlText(name)] = id;
    return id;
  }

  // Past the blanks, line ends and comments from mark: where the next token starts.
  YAML::Mark nextTokenMark(YAML::Mark mark) const {
    size_t at = static_cast<size_t>(mark.pos);
    while (at < text_.size()) {
      const char c = text_[at];
      if (c == '#') {
        while (at < text_.size() && text_[at] != '\n') ++at;
        continue;
      }
      if (c == '\n') {
        ++mark.line;
        mark.column = 0;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++mark.column;
      } else {
        break;
      }
      ++at;
    }
    mark.pos = static_cast<int>(at);
    if (at == text_.size()) mark.column = 0;  // yaml-cpp's mark at the end (after a line feed)
    return mark;
  }

  std::string_view text_;
  YAML::EventHandler* handler_;
  ByteMarks marks_;
  std::map<std::string, YAML::anchor_t> anchors_;
  YAML::anchor_t lastAnchor_ = YAML::NullAnchor;
  static constexpr size_t kBlock = SIZE_MAX;
  std::vector<size_t> flowOpenedOnLine_;  // per open collection; kBlock for a block one
  int openFlows_ = 0;
};

// A '?' where a token may start or end (after or before a blank, a flow indicator, the start
// or the end): an explicit key's indicator, which libyaml takes anywhere in a flow
// collection (`{ a: b,?c: d }`); or a question in a comment.
bool hasQuestionMarkIndicator(std::string_view text) {
  static constexpr const char* kAround = " \t\r\n,[]{}";
  for (size_t at = text.find('?'); at != std::string_view::npos; at = text.find('?', at + 1)) {
    if (at == 0 || at + 1 == text.size()) return true;
    if (std::strchr(kAround, text[at - 1]) || std::strchr(kAround, text[at + 1])) return true;
  }
  return false;
}

// A carriage return without a line feed after it.
bool hasLoneCarriageReturn(std::string_view text) {
  for (size_t at = text.find('\r'); at != std::string_view::npos; at = text.find('\r', at + 1))
    if (at + 1 == text.size() || text[at + 1] != '\n') return true;
  return false;
}

bool contains(std::string_view text, std::string_view what) {
  return text.find(what) != std::string_view::npos;
}

// What the two readers read differently, found by fuzzing them against each other
// (fuzz/yaml_readers_fuzz.cpp). A text with any of it is read by yaml-cpp; the tests are on
// the text, so a '?' or '&' inside a quoted string counts too and only costs speed.
bool readsDifferently(std::string_view text) {
  // An explicit key (`? key`), whose left-out value yaml-cpp places elsewhere.
  return hasQuestionMarkIndicator(text) ||
         // The escapes \N (U+0085) and \_ (U+00A0): yaml-cpp 0.7 writes them as one Latin-1
         // byte each, libyaml as UTF-8.
         contains(text, "\\N") || contains(text, "\\_") ||
         // Line breaks of YAML 1.1 (a lone CR, U+0085, U+2028, U+2029): libyaml breaks lines
         // there, yaml-cpp only at a line feed.
         hasLoneCarriageReturn(text) || contains(text, "\xC2\x85") ||
         contains(text, "\xE2\x80\xA8") || contains(text, "\xE2\x80\xA9") ||
         // A byte order mark after the first character, which yaml-cpp reads as text.
         contains(text.substr(text.empty() ? 0 : 1), "\xEF\xBB\xBF") ||
         // A last line without a line feed: the two end a block scalar's or a left-out
         // value's last line differently there. Files end with one; so do a file's parts.
         (!text.empty() && text.back() != '\n');
}

}  // namespace

bool readLibyamlEvents(std::string_view text, YAML::EventHandler* handler) {
  if (readsDifferently(text)) return false;
  LibyamlParser parser(text);
  LibyamlTranslator translator(text, handler);
  // 0: before the first document, 1: in it, 2: after it. The stream is read to its end even
  // so: yaml-cpp refuses `[a]]`, where libyaml ends the first document before the stray `]`.
  int document = 0;
  bool inCollection = false;
  for (;;) {
    LibyamlEvent event;
    if (!parser.next(event.get())) return false;
    switch (event.get().type) {
      case YAML_STREAM_END_EVENT:
        return true;
      case YAML_DOCUMENT_START_EVENT:
        if (document == 0 && handler) handler->OnDocumentStart(YAML::Mark());
        document = document == 0 ? 1 : 2;
        break;
      case YAML_DOCUMENT_END_EVENT:
        if (document == 1 && handler) handler->OnDocumentEnd();
        document = 2;
        break;
      case YAML_SCALAR_EVENT:
      case YAML_ALIAS_EVENT:
        // A document that is one scalar (an empty document is one to libyaml, a null to
        // yaml-cpp): a config or catalog file is a map, so yaml-cpp reads such a text, and
        // the reader of the map says what is wrong.
        if (document == 1 && !inCollection) return false;
        if (document == 1 && !translator.send(event.get())) return false;
        break;
      default:
        inCollection = inCollection || event.get().type == YAML_SEQUENCE_START_EVENT ||
                       event.get().type == YAML_MAPPING_START_EVENT;
        if (document == 1 && !translator.send(event.get())) return false;
    }
  }
}

}  // namespace sluice
