// How the files of a config are read so that 100,000 flows never exist as one YAML tree: each
// file's root first without its flows (their items are read and dropped), for the settings,
// includes and connections every flow needs; then each file's flows one at a time, each parsed
// as soon as it is read and its tree dropped. A file that cannot hold `connections:` (an
// included file of flows, as generated configs are) is read once, in the second step.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "config/diagnostics.h"
#include "core/yaml_reader.h"

namespace sluice {

class ConfigPart {
 public:
  // Reads the main file's root; text must outlive the part (it is read again for the flows).
  static ConfigPart mainFile(const std::string& path, const std::string& text);
  // An included file: its root now when it may hold connections, else with its flows.
  static ConfigPart includedFile(const std::string& path);

  // The root map, its flows left out; null until read.
  YamlMap* root() { return root_.get(); }
  const SourceFile& path() const { return path_; }

  // Reads this file's flows, handing each to onFlow as it is read; afterwards root() is set.
  // Throws when `flows:` is not a list.
  void readFlows(const std::function<void(const YamlNode&)>& onFlow);

 private:
  explicit ConfigPart(const std::string& path) : path_(path) {}
  void readRoot(const std::string& text, std::function<void(const YamlNode&)> onFlow);

  SourceFile path_;  // shared by every location read from this file
  const std::string* mainText_ = nullptr;
  std::unique_ptr<YamlMap> root_;
};

// Reads a file's whole text; a file that cannot be read is a located ConfigError.
std::string readConfigFile(const std::string& path);

}  // namespace sluice
