// Builds YamlNodes from yaml-cpp's parser events (or libyaml's, sent as yaml-cpp's:
// core/libyaml_events.h), the way YAML::Load builds its tree but smaller; and, for a file of many
// flows, hands the items of one list of the root map to a callback one at a time instead of keeping
// them (so a file of 100,000 flows never exists as a tree at once).
#pragma once

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/yaml_node.h"

namespace sluice {

// The list under `key` in the root map: each item goes to onItem as it is complete and is not
// kept (without onItem it is dropped). The root map keeps `key` with an empty list in its
// place, at the list's position. A value that is not a list is kept as usual. With an empty
// key, the root itself when it is a list (a part of a file's list, core/yaml_list_parts).
struct YamlStreamedList {
  std::string key;
  std::function<void(const YamlNode&)> onItem;
};

class YamlTreeBuilder : public YAML::EventHandler {
 public:
  // firstLine: added to every node's line (the text is part of a file from that line on).
  explicit YamlTreeBuilder(std::optional<YamlStreamedList> streamed = std::nullopt,
                           int firstLine = 0);

  // The document's root; undefined before the document ends or for an empty stream.
  const YamlNode& root() const { return root_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override;
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override;
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override;
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override;
  void OnMapEnd() override { close(); }

 private:
  struct Open {
    YamlNode node;
    YamlNode key;  // a map's key waiting for its value
    bool streamed = false;
  };
  void open(YamlNode node, YAML::anchor_t anchor, bool streamed = false);
  void close();
  // Puts a complete node where it belongs: the root, a list, or a map's key or value.
  void place(const YamlNode& node);
  void remember(YAML::anchor_t anchor, const YamlNode& node);
  bool opensStreamedList() const;

  std::optional<YamlStreamedList> streamed_;
  int firstLine_ = 0;
  std::vector<Open> stack_;
  std::map<YAML::anchor_t, YamlNode> anchors_;
  YamlNode root_;
};

}  // namespace sluice
