// A YAML value as sluice reads it: a map, list, scalar or null, with its line and column.
// sluice builds these itself from parser events (core/yaml_tree_builder) instead of
// YAML::Load's node tree, so a file can be read one part at a time (a config's flows one flow
// at a time) and each node costs a few dozen bytes. Handles share their node, like YamlNode:
// a copy is cheap and set() on one is seen through every copy.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sluice {

struct YamlElement;

class YamlNode {
 public:
  enum class Kind : uint8_t { Undefined, Null, Scalar, Sequence, Map };

  YamlNode() = default;  // undefined: what a missing key reads as

  static YamlNode null(int line, int column);
  // plain: written without quotes or a tag, so `100` may be read as a number.
  static YamlNode scalar(std::string text, bool plain, int line, int column);
  static YamlNode sequence(int line, int column);
  static YamlNode map(int line, int column);

  Kind kind() const { return data_ ? data_->kind : Kind::Undefined; }
  bool IsDefined() const { return kind() != Kind::Undefined; }
  bool IsNull() const { return kind() == Kind::Null; }
  bool IsScalar() const { return kind() == Kind::Scalar; }
  bool IsSequence() const { return kind() == Kind::Sequence; }
  bool IsMap() const { return kind() == Kind::Map; }
  bool IsPlain() const { return data_ && data_->plain; }

  // The scalar's text; empty for anything else.
  const std::string& Scalar() const;
  // 0-based, as yaml-cpp's marks; -1 when unknown.
  int line() const { return data_ ? data_->line : -1; }
  int column() const { return data_ ? data_->column : -1; }

  // Entries of a map, items of a list; 0 for anything else.
  size_t size() const;
  // A map's value for key (the first, if written twice), or undefined.
  YamlNode operator[](const std::string& key) const;
  YamlNode operator[](const char* key) const { return (*this)[std::string(key)]; }
  // A list's item, or undefined.
  YamlNode operator[](size_t index) const;
  // A map's index-th key (index < size()).
  const YamlNode& keyAt(size_t index) const { return data_->children[2 * index]; }

  // Building (core/yaml_tree_builder and the catalog's presets).
  void append(YamlNode item);                        // to a list
  void add(YamlNode key, YamlNode value);            // to a map, at the end
  void set(const std::string& key, YamlNode value);  // replaces key's value, else adds it
  void remove(const std::string& key);

  // Iterating gives YamlElements.
  class Iterator {
   public:
    Iterator(const YamlNode* owner, size_t at) : owner_(owner), at_(at) {}
    YamlElement operator*() const;
    Iterator& operator++();
    bool operator!=(const Iterator& other) const { return at_ != other.at_; }

   private:
    const YamlNode* owner_;
    size_t at_;
  };
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const;

 private:
  struct Data {
    Kind kind = Kind::Undefined;
    bool plain = false;
    int line = -1;
    int column = -1;
    std::string text;
    // A list's items; a map's keys and values in turn (key, value, key, value, ...).
    std::vector<YamlNode> children;
  };
  static YamlNode make(Kind kind, int line, int column);

  std::shared_ptr<Data> data_;
};

// What iterating a node gives: a list's item as the node itself, a map's entry as first and
// second (as yaml-cpp's iterators do, so `for (const auto& kv : map)` reads kv.first,
// kv.second).
struct YamlElement : YamlNode {
  YamlNode first, second;
};

}  // namespace sluice
