#include "core/yaml_node.h"

namespace sluice {

YamlNode YamlNode::make(Kind kind, int line, int column) {
  YamlNode node;
  node.data_ = std::make_shared<Data>();
  node.data_->kind = kind;
  node.data_->line = line;
  node.data_->column = column;
  return node;
}

YamlNode YamlNode::null(int line, int column) {
  return make(Kind::Null, line, column);
}

YamlNode YamlNode::scalar(std::string text, bool plain, int line, int column) {
  YamlNode node = make(Kind::Scalar, line, column);
  node.data_->text = std::move(text);
  node.data_->plain = plain;
  return node;
}

YamlNode YamlNode::sequence(int line, int column) {
  return make(Kind::Sequence, line, column);
}

YamlNode YamlNode::map(int line, int column) {
  return make(Kind::Map, line, column);
}

const std::string& YamlNode::Scalar() const {
  static const std::string kEmpty;
  return IsScalar() ? data_->text : kEmpty;
}

size_t YamlNode::size() const {
  if (IsSequence()) return data_->children.size();
  if (IsMap()) return data_->children.size() / 2;
  return 0;
}

YamlNode YamlNode::operator[](const std::string& key) const {
  if (!IsMap()) return {};
  const auto& c = data_->children;
  for (size_t i = 0; i + 1 < c.size(); i += 2)
    if (c[i].IsScalar() && c[i].Scalar() == key) return c[i + 1];
  return {};
}

YamlNode YamlNode::operator[](size_t index) const {
  if (!IsSequence() || index >= data_->children.size()) return {};
  return data_->children[index];
}

void YamlNode::append(YamlNode item) {
  if (IsSequence()) data_->children.push_back(std::move(item));
}

void YamlNode::add(YamlNode key, YamlNode value) {
  if (!IsMap()) return;
  data_->children.push_back(std::move(key));
  data_->children.push_back(std::move(value));
}

void YamlNode::set(const std::string& key, YamlNode value) {
  if (!IsMap()) return;
  auto& c = data_->children;
  for (size_t i = 0; i + 1 < c.size(); i += 2)
    if (c[i].IsScalar() && c[i].Scalar() == key) {
      c[i + 1] = std::move(value);
      return;
    }
  add(scalar(key, true, value.line(), value.column()), std::move(value));
}

void YamlNode::remove(const std::string& key) {
  if (!IsMap()) return;
  auto& c = data_->children;
  for (size_t i = 0; i + 1 < c.size(); i += 2)
    if (c[i].IsScalar() && c[i].Scalar() == key) {
      c.erase(c.begin() + static_cast<std::ptrdiff_t>(i),
              c.begin() + static_cast<std::ptrdiff_t>(i) + 2);
      return;
    }
}

YamlNode::Iterator YamlNode::end() const {
  return Iterator(this, data_ && (IsMap() || IsSequence()) ? data_->children.size() : 0);
}

YamlElement YamlNode::Iterator::operator*() const {
  YamlElement e;
  const auto& c = owner_->data_->children;
  if (owner_->IsMap()) {
    e.first = c[at_];
    e.second = c[at_ + 1];
  } else {
    static_cast<YamlNode&>(e) = c[at_];
  }
  return e;
}

YamlNode::Iterator& YamlNode::Iterator::operator++() {
  at_ += owner_->IsMap() ? 2 : 1;
  return *this;
}

}  // namespace sluice
