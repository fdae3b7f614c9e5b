#include "core/libyaml_events.h"

#include <yaml-cpp/mark.h>
#include <yaml.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
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
      : text_(text), handler_(handler) {
    if (handler_) marks_.emplace(text);  // a reading without a handler needs no marks
  }

  // False when the event names an anchor never defined.
  bool send(const yaml_event_t& event) {
    switch (event.type) {
      case YAML_ALIAS_EVENT:
        return alias(event);
      case YAML_SCALAR_EVENT:
        scalar(event);
        return true;
      case YAML_SEQUENCE_START_EVENT: {
        const auto& start = event.data.sequence_start;
        const YAML::anchor_t anchor = define(start.anchor);
        if (handler_)
          handler_->OnSequenceStart(markOf(event), tagOf(start.tag), anchor,
                                    styleOf(start.style == YAML_FLOW_SEQUENCE_STYLE));
        return true;
      }
      case YAML_SEQUENCE_END_EVENT:
        if (handler_) handler_->OnSequenceEnd();
        return true;
      case YAML_MAPPING_START_EVENT: {
        const auto& start = event.data.mapping_start;
        const YAML::anchor_t anchor = define(start.anchor);
        if (handler_)
          handler_->OnMapStart(markOf(event), tagOf(start.tag), anchor,
                               styleOf(start.style == YAML_FLOW_MAPPING_STYLE));
        return true;
      }
      case YAML_MAPPING_END_EVENT:
        if (handler_) handler_->OnMapEnd();
        return true;
      default:
        return true;
    }
  }

 private:
  YAML::Mark markOf(const yaml_event_t& event) { return marks_->of(event.start_mark); }

  static std::string tagOf(const yaml_char_t* tag) { return tag ? libyamlText(tag) : "?"; }
  static YAML::EmitterStyle::value styleOf(bool flow) {
    return flow ? YAML::EmitterStyle::Flow : YAML::EmitterStyle::Block;
  }

  bool alias(const yaml_event_t& event) {
    auto known = anchors_.find(nameOf(event.data.alias.anchor));
    if (known == anchors_.end()) return false;  // yaml-cpp refuses it; let it say so
    if (handler_) handler_->OnAlias(markOf(event), known->second);
    return true;
  }

  void scalar(const yaml_event_t& event) {
    const auto& s = event.data.scalar;
    const YAML::anchor_t anchor = define(s.anchor);
    if (!handler_) return;
    const std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
    const bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
    if (!s.tag && plain && value.empty() && !s.anchor) {
      // A value left out: libyaml places it right after its colon or dash, yaml-cpp at the
      // token after it (the next key or dash, a comma, where the map ends).
      return handler_->OnNull(nextTokenMark(markOf(event)), anchor);
    }
    if (!s.tag && plain && isNullWord(value)) return handler_->OnNull(markOf(event), anchor);
    std::string tag = s.tag ? libyamlText(s.tag) : plain ? "?" : "!";
    handler_->OnScalar(markOf(event), tag, anchor, std::string(value));
  }

  YAML::anchor_t define(const yaml_char_t* name) {
    if (!name) return YAML::NullAnchor;
    const YAML::anchor_t id = ++lastAnchor_;
    anchors_[nameOf(name)] = id;
    return id;
  }

  static std::string nameOf(const yaml_char_t* anchor) { return libyamlText(anchor); }

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
    return mark;
  }

  std::string_view text_;
  YAML::EventHandler* handler_;
  std::optional<ByteMarks> marks_;
  std::map<std::string, YAML::anchor_t> anchors_;
  YAML::anchor_t lastAnchor_ = YAML::NullAnchor;
};

// An anchor or alias whose name runs into a colon (`- &a:`, `*a: b`): yaml-cpp and libyaml
// read it differently (a map with the anchor; a map whose first key is empty). A '&' or '*'
// inside a quoted string counts too: such a text is only read more slowly, by yaml-cpp.
bool hasNameBeforeAColon(std::string_view text) {
  for (size_t at = text.find_first_of("&*"); at != std::string_view::npos;
       at = text.find_first_of("&*", at + 1)) {
    size_t end = text.find_first_of(" \t\r\n,[]{}:", at + 1);
    if (end != std::string_view::npos && end > at + 1 && text[end] == ':') return true;
  }
  return false;
}

// yaml-cpp 0.7 writes the escapes \N (U+0085) and \_ (U+00A0) as single Latin-1 bytes, not
// UTF-8; libyaml as UTF-8. A text with either (or a backslash before N or _ anywhere) is left
// to yaml-cpp, so a value reads as it always has.
bool hasLatin1Escape(std::string_view text) {
  return text.find("\\N") != std::string_view::npos || text.find("\\_") != std::string_view::npos;
}

}  // namespace

bool readLibyamlEvents(std::string_view text, YAML::EventHandler* handler) {
  if (hasNameBeforeAColon(text) || hasLatin1Escape(text)) return false;
  LibyamlParser parser(text);
  LibyamlTranslator translator(text, handler);
  // 0: before the first document, 1: in it, 2: after it. The stream is read to its end even
  // so: yaml-cpp refuses `[a]]`, where libyaml ends the first document before the stray `]`.
  int document = 0;
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
      default:
        if (document == 1 && !translator.send(event.get())) return false;
    }
  }
}

}  // namespace sluice
