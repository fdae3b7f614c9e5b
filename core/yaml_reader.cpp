#include "core/yaml_reader.h"

#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <istream>
#include <sstream>
#include <stdexcept>

#include "core/file_text.h"
#include "core/libyaml_events.h"
#include "core/text.h"

namespace sluice {

void throwYamlError(YamlDomain domain, const SourceLocation& where, const std::string& message) {
  if (domain == YamlDomain::Catalog) throw CatalogError(where, message);
  throw ConfigError(where, message);
}

SourceLocation yamlLocation(const SourceFile& file, const YamlNode& node) {
  SourceLocation loc{file, 0, 0};
  if (node.line() >= 0) {
    loc.line = node.line() + 1;
    loc.column = node.column() + 1;
  }
  return loc;
}

namespace {

// Reads the text in place: the parser's stream without a copy of a file that may be 30 MB.
class TextBuffer : public std::streambuf {
 public:
  explicit TextBuffer(std::string_view text) {
    char* begin = const_cast<char*>(text.data());
    setg(begin, begin, begin + text.size());
  }
};

// The text read by libyaml, when it reads it as yaml-cpp would (core/libyaml_events.h).
// Items handed to a streamed list's callback cannot be taken back, so with one the text is
// first read without building anything: a text libyaml refuses halfway is then yaml-cpp's
// from its start, and no item is handed over twice.
std::optional<YamlNode> readByLibyaml(std::string_view text,
                                      const std::optional<YamlStreamedList>& streamed,
                                      int firstLine) {
  const bool handsOverItems = streamed && streamed->onItem;
  if (handsOverItems && !readLibyamlEvents(text, nullptr)) return std::nullopt;
  YamlTreeBuilder builder(streamed, firstLine);
  if (!readLibyamlEvents(text, &builder)) {
    if (handsOverItems) throw std::logic_error("libyaml read a text once and refused it after");
    return std::nullopt;
  }
  // An empty file is an empty document, as YAML::Load reads it.
  return builder.root().IsDefined() ? builder.root() : YamlNode::null(-1, -1);
}

}  // namespace

YamlNode loadYamlText(std::string_view text, const std::string& file, YamlDomain domain,
                      std::optional<YamlStreamedList> streamed, int firstLine) {
  if (std::optional<YamlNode> root = readByLibyaml(text, streamed, firstLine)) return *root;
  try {
    TextBuffer buffer(text);
    std::istream in(&buffer);
    YAML::Parser parser(in);
    YamlTreeBuilder builder(std::move(streamed), firstLine);
    parser.HandleNextDocument(builder);
    // An empty file is an empty document, as YAML::Load reads it.
    return builder.root().IsDefined() ? builder.root() : YamlNode::null(-1, -1);
  } catch (const YAML::ParserException& e) {
    // The most common slip: ${VAR} unquoted inside a { ... } flow map.
    std::string hint;
    std::istringstream lines{std::string(text)};
    std::string line;
    for (int i = 0; i <= e.mark.line && std::getline(lines, line); ++i) {
    }
    if (line.find("${") != std::string::npos && line.find('{') != line.find("${") + 1)
      hint = " (inside { ... } quote values that use ${VAR}: \"${VAR}\")";
    throwYamlError(domain, {file, firstLine + e.mark.line + 1, e.mark.column + 1},
                   "invalid YAML: " + e.msg + hint);
  }
}

YamlNode loadYamlFile(const std::string& path, YamlDomain domain) {
  const auto text = readFileText(path);
  if (!text) throwYamlError(domain, {path, 0, 0}, "cannot open file");
  return loadYamlText(*text, path, domain);
}

std::string yamlTypeName(const YamlNode& node) {
  switch (node.kind()) {
    case YamlNode::Kind::Map:
      return "a map";
    case YamlNode::Kind::Sequence:
      return "a list";
    case YamlNode::Kind::Scalar:
      return "'" + node.Scalar() + "'";
    case YamlNode::Kind::Null:
      return "nothing";
    default:
      return "an undefined value";
  }
}

std::string yamlScalar(const YamlNode& node, const SourceFile& file, YamlDomain domain,
                       const std::string& what) {
  if (!node.IsScalar())
    throwYamlError(domain, yamlLocation(file, node),
                   "expected " + what + ", found " + yamlTypeName(node));
  return node.Scalar();
}

YamlMap::YamlMap(YamlNode node, SourceFile file, YamlDomain domain, std::string context)
    : node_(std::move(node)),
      file_(std::move(file)),
      domain_(domain),
      context_(std::move(context)) {
  if (!node_.IsMap())
    throwYamlError(domain_, yamlLocation(file_, node_),
                   prefixed("expected a map, found " + yamlTypeName(node_)));
  // The parser keeps duplicate keys silently; a duplicate is almost always a mistake. Maps
  // have a handful of keys: comparing each with those before it allocates nothing.
  const size_t size = node_.size();
  for (size_t i = 0; i < size; ++i) {
    const YamlNode& key = node_.keyAt(i);
    if (!key.IsScalar())
      throwYamlError(domain_, yamlLocation(file_, key), prefixed("keys must be strings"));
    for (size_t j = 0; j < i; ++j)
      if (node_.keyAt(j).Scalar() == key.Scalar())
        throwYamlError(domain_, yamlLocation(file_, key),
                       prefixed("duplicate key '" + key.Scalar() + "'"));
  }
}

std::string YamlMap::prefixed(const std::string& message) const {
  return context_.empty() ? message : context_ + ": " + message;
}

SourceLocation YamlMap::where(const std::string& key) const {
  for (const auto& kv : node_)
    if (kv.first.Scalar() == key) return yamlLocation(file_, kv.second);
  return where();
}

void YamlMap::fail(const std::string& key, const std::string& message) const {
  throwYamlError(domain_, where(key), prefixed(message));
}

void YamlMap::failAt(const YamlNode& node, const std::string& message) const {
  throwYamlError(domain_, node.IsDefined() ? yamlLocation(file_, node) : where(),
                 prefixed(message));
}

bool YamlMap::has(const std::string& key) const {
  const YamlNode value = node_[key];
  return value.IsDefined() && !value.IsNull();
}

YamlNode YamlMap::get(const std::string& key) {
  known_.insert(key);
  return node_[key];
}

std::string YamlMap::scalar(const std::string& key, const YamlNode& value,
                            const char* expected) const {
  if (!value.IsScalar())
    failAt(value, "'" + key + "': expected " + expected + ", found " + yamlTypeName(value));
  return value.Scalar();
}

std::string YamlMap::requiredString(const std::string& key) {
  known_.insert(key);
  if (!has(key)) throwYamlError(domain_, where(), prefixed("missing required key '" + key + "'"));
  return scalar(key, node_[key], "a string");
}

std::optional<std::string> YamlMap::optionalString(const std::string& key) {
  known_.insert(key);
  if (!has(key)) return std::nullopt;
  return scalar(key, node_[key], "a string");
}

std::string YamlMap::stringOr(const std::string& key, const std::string& fallback) {
  auto value = optionalString(key);
  return value ? *value : fallback;
}

bool YamlMap::boolOr(const std::string& key, bool fallback) {
  known_.insert(key);
  if (!has(key)) return fallback;
  const std::string text = scalar(key, node_[key], "true or false");
  if (text == "true" || text == "yes") return true;
  if (text == "false" || text == "no") return false;
  failAt(node_[key], "'" + key + "': expected true or false, found '" + text + "'");
}

std::optional<long long> YamlMap::optionalInt(const std::string& key) {
  known_.insert(key);
  if (!has(key)) return std::nullopt;
  const std::string text = scalar(key, node_[key], "a whole number");
  try {
    size_t used = 0;
    long long value = std::stoll(text, &used);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  failAt(node_[key], "'" + key + "': expected a whole number, found '" + text + "'");
}

std::vector<std::string> YamlMap::stringList(const std::string& key) {
  known_.insert(key);
  std::vector<std::string> out;
  if (!has(key)) return out;
  const YamlNode value = node_[key];
  if (value.IsScalar()) {
    out.push_back(value.Scalar());
    return out;
  }
  if (!value.IsSequence())
    failAt(value, "'" + key + "': expected a list of strings, found " + yamlTypeName(value));
  for (const auto& item : value) out.push_back(scalar(key, item, "a string"));
  return out;
}

std::string YamlMap::enumOr(const std::string& key, const std::vector<std::string>& allowed,
                            const std::string& fallback) {
  auto value = optionalString(key);
  if (!value) return fallback;
  for (const auto& a : allowed)
    if (*value == a) return *value;
  std::string list;
  for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
  failAt(node_[key], "'" + key + "': expected one of " + list + ", found '" + *value + "'");
}

void YamlMap::rejectUnknown() const {
  const auto unknown = unknownKeys();
  if (!unknown.empty()) throwYamlError(domain_, unknown.front().where(), unknown.front().message());
}

std::vector<LocatedError> YamlMap::unknownKeys() const {
  std::vector<LocatedError> out;
  // The known keys as a list only when a key is unknown: a config of 100,000 flows reads
  // hundreds of thousands of maps, nearly all of them right.
  std::vector<std::string> known;
  std::string list;
  for (const auto& kv : node_) {
    const std::string& key = kv.first.Scalar();
    if (known_.count(key)) continue;
    if (known.empty()) {
      known.assign(known_.begin(), known_.end());
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    }
    const std::string hint = closestMatch(key, known);
    out.emplace_back(yamlLocation(file_, kv.first),
                     prefixed("unknown key '" + key + "' (" +
                              (hint.empty() ? "" : "did you mean '" + hint + "'? ") +
                              "expected one of: " + list + ")"));
  }
  return out;
}

std::string yamlLabel(const YamlNode& node, const std::string& key, const std::string& kind) {
  if (node[key].IsScalar()) return kind + " " + node[key].Scalar();
  return kind;
}

}  // namespace sluice
