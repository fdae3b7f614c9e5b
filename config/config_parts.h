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

  // Where the flows of a file go as they are read.
  struct FlowSink {
    // Called before the first flow with the number of parts the file is read in, each on a
    // thread of its own; called again with 1 when reading in parts failed: the flows are then
    // read again, whole, and what the parts were given is to be thrown away.
    std::function<void(size_t parts)> begin;
    // Each flow, on its part's thread, in file order within its part.
    std::function<void(size_t part, const YamlNode& flow)> onFlow;
  };

  // Reads this file's flows into sink: in parts at once on up to `threads` threads when the
  // file is large (core/yaml_list_parts.h), else whole on this thread. Afterwards root() is
  // set. Throws when `flows:` is not a list.
  void readFlows(const FlowSink& sink, size_t threads);

 private:
  explicit ConfigPart(const std::string& path) : path_(path) {}
  YamlNode readFlowsOf(const std::string& text, const FlowSink& sink, size_t threads) const;
  void readRoot(const std::string& text);

  SourceFile path_;  // shared by every location read from this file
  const std::string* mainText_ = nullptr;
  std::unique_ptr<YamlMap> root_;
};

// Reads a file's whole text; a file that cannot be read is a located ConfigError.
std::string readConfigFile(const std::string& path);

}  // namespace sluice
