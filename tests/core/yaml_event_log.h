// Every YAML parser event as one line of text, as much of it as YamlTreeBuilder reads, to
// compare what two readers send
// (tests/core/libyaml_events_test.cpp, fuzz/yaml_readers_fuzz.cpp).
#pragma once

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>

#include <sstream>
#include <string>

namespace sluice::testing {

class YamlEventLog : public YAML::EventHandler {
 public:
  std::string text() const { return log_.str(); }

  void OnDocumentStart(const YAML::Mark&) override { log_ << "doc\n"; }
  void OnDocumentEnd() override { log_ << "end doc\n"; }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    log_ << "null " << at(mark) << " &" << anchor << "\n";
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    log_ << "alias " << at(mark) << " *" << anchor << "\n";
  }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    // Of a tag the tree reads only whether it is yaml-cpp's "?" (plain and untagged): yaml-cpp
    // names a lone `!` on an empty value "tag:yaml.org,2002:", libyaml "!".
    log_ << "scalar " << at(mark) << (tag == "?" ? " plain" : " not plain") << " &" << anchor
         << " '" << value << "'\n";
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    log_ << "seq " << at(mark) << " " << tag << " &" << anchor << " " << style << "\n";
  }
  void OnSequenceEnd() override { log_ << "end seq\n"; }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    log_ << "map " << at(mark) << " " << tag << " &" << anchor << " " << style << "\n";
  }
  void OnMapEnd() override { log_ << "end map\n"; }

 private:
  static std::string at(const YAML::Mark& mark) {
    return std::to_string(mark.line) + ":" + std::to_string(mark.column);
  }
  std::ostringstream log_;
};

}  // namespace sluice::testing
