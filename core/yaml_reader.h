// Strict, position-aware reading of YAML maps for the catalog and the user's config.
// Every accessor records the key as known; rejectUnknown() then names the first key nobody
// asked for, with its file:line:col, like fluent-bit's config_map does.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/yaml_node.h"
#include "core/yaml_tree_builder.h"

namespace sluice {

// Which error family a reader raises: the catalog's or the user's config's.
enum class YamlDomain { Catalog, Config };

// Raises the domain's error at a location.
[[noreturn]] void throwYamlError(YamlDomain domain, const SourceLocation& where,
                                 const std::string& message);

// Location of a node (1-based line and column).
SourceLocation yamlLocation(const SourceFile& file, const YamlNode& node);

// Parses a YAML file (or text) into a node; syntax errors become located errors. With
// `streamed`, the items of that list of the root map go to its callback one at a time and
// are not kept (see YamlStreamedList). firstLine: the line of the file the text starts on
// (0-based), for a text that is part of a file (core/yaml_list_parts.h).
YamlNode loadYamlFile(const std::string& path, YamlDomain domain);
YamlNode loadYamlText(std::string_view text, const std::string& file, YamlDomain domain,
                      std::optional<YamlStreamedList> streamed = std::nullopt, int firstLine = 0);

class YamlMap {
 public:
  // context prefixes every message, e.g. "op contacts.get_contact".
  YamlMap(YamlNode node, SourceFile file, YamlDomain domain, std::string context = "");

  bool has(const std::string& key) const;
  YamlNode get(const std::string& key);  // null node when absent; marks the key as known

  std::string requiredString(const std::string& key);
  std::optional<std::string> optionalString(const std::string& key);
  std::string stringOr(const std::string& key, const std::string& fallback);
  bool boolOr(const std::string& key, bool fallback);
  std::optional<long long> optionalInt(const std::string& key);
  // A scalar or a list of scalars, as a list.
  std::vector<std::string> stringList(const std::string& key);
  // One of `allowed`; the error lists them.
  std::string enumOr(const std::string& key, const std::vector<std::string>& allowed,
                     const std::string& fallback);

  // Fails on the first key that no accessor asked for.
  void rejectUnknown() const;
  // Every key no accessor asked for, as the error rejectUnknown would raise for it (with a
  // "did you mean" when a known key is close), in file order.
  std::vector<LocatedError> unknownKeys() const;

  [[noreturn]] void fail(const std::string& key, const std::string& message) const;
  [[noreturn]] void failAt(const YamlNode& node, const std::string& message) const;

  SourceLocation where() const { return yamlLocation(file_, node_); }
  SourceLocation where(const std::string& key) const;
  const SourceFile& file() const { return file_; }
  YamlDomain domain() const { return domain_; }
  const std::string& context() const { return context_; }
  const YamlNode& node() const { return node_; }

 private:
  std::string prefixed(const std::string& message) const;
  std::string scalar(const std::string& key, const YamlNode& value, const char* expected) const;

  YamlNode node_;
  SourceFile file_;
  YamlDomain domain_;
  std::string context_;
  std::set<std::string> known_;
};

// The scalar as a string, or a located error naming what was expected.
std::string yamlScalar(const YamlNode& node, const SourceFile& file, YamlDomain domain,
                       const std::string& what);

// A map's label for messages: "KIND NAME" when the map's `key` is a scalar NAME, else "KIND"
// (so an error in a list entry names the entry: "op contacts.get_contact", "flow f1").
std::string yamlLabel(const YamlNode& node, const std::string& key, const std::string& kind);

// Human name of a node's type for messages ("a map", "a list", "a string").
std::string yamlTypeName(const YamlNode& node);

}  // namespace sluice
