#include "core/yaml_tree_builder.h"

namespace sluice {

YamlTreeBuilder::YamlTreeBuilder(std::optional<YamlStreamedList> streamed, int firstLine)
    : streamed_(std::move(streamed)), firstLine_(firstLine) {}

void YamlTreeBuilder::OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) {
  const YamlNode node = YamlNode::null(firstLine_ + mark.line, mark.column);
  remember(anchor, node);
  place(node);
}

void YamlTreeBuilder::OnAlias(const YAML::Mark&, YAML::anchor_t anchor) {
  // yaml-cpp refuses an alias to an anchor it has not seen, so the anchor is known here.
  place(anchors_[anchor]);
}

void YamlTreeBuilder::OnScalar(const YAML::Mark& mark, const std::string& tag,
                               YAML::anchor_t anchor, const std::string& value) {
  // yaml-cpp tags an untagged plain scalar "?" and an untagged quoted one "!".
  const YamlNode node = YamlNode::scalar(value, tag == "?", firstLine_ + mark.line, mark.column);
  remember(anchor, node);
  place(node);
}

void YamlTreeBuilder::OnSequenceStart(const YAML::Mark& mark, const std::string&,
                                      YAML::anchor_t anchor, YAML::EmitterStyle::value) {
  open(YamlNode::sequence(firstLine_ + mark.line, mark.column), anchor, opensStreamedList());
}

void YamlTreeBuilder::OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                                 YAML::EmitterStyle::value) {
  open(YamlNode::map(firstLine_ + mark.line, mark.column), anchor);
}

bool YamlTreeBuilder::opensStreamedList() const {
  if (!streamed_) return false;
  if (streamed_->key.empty()) return stack_.empty();
  return stack_.size() == 1 && stack_.back().node.IsMap() && stack_.back().key.IsScalar() &&
         stack_.back().key.Scalar() == streamed_->key;
}

void YamlTreeBuilder::open(YamlNode node, YAML::anchor_t anchor, bool streamed) {
  remember(anchor, node);
  stack_.push_back({std::move(node), YamlNode(), streamed});
}

void YamlTreeBuilder::close() {
  const YamlNode done = std::move(stack_.back().node);
  stack_.pop_back();
  place(done);
}

void YamlTreeBuilder::place(const YamlNode& node) {
  if (stack_.empty()) {
    root_ = node;
    return;
  }
  Open& top = stack_.back();
  if (top.streamed) {
    if (streamed_->onItem) streamed_->onItem(node);
  } else if (top.node.IsSequence()) {
    top.node.append(node);
  } else if (!top.key.IsDefined()) {
    top.key = node;
  } else {
    top.node.add(std::move(top.key), node);
    top.key = YamlNode();
  }
}

void YamlTreeBuilder::remember(YAML::anchor_t anchor, const YamlNode& node) {
  if (anchor != YAML::NullAnchor) anchors_[anchor] = node;
}

}  // namespace sluice
