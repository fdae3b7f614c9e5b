#include "config/config_parts.h"

#include <fstream>
#include <sstream>

namespace sluice {

namespace {

constexpr const char* kFlowsKey = "flows";

// Whether a file's text can hold a root key `connections`: without the word it cannot, except
// through an escape in a double-quoted key, so a backslash anywhere counts as maybe.
bool mayHoldConnections(const std::string& text) {
  return text.find("connections") != std::string::npos || text.find('\\') != std::string::npos;
}

}  // namespace

std::string readConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError({path, 0, 0}, "cannot open config file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

ConfigPart ConfigPart::mainFile(const std::string& path, const std::string& text) {
  ConfigPart part(path);
  part.mainText_ = &text;
  part.readRoot(text, nullptr);
  return part;
}

ConfigPart ConfigPart::includedFile(const std::string& path) {
  ConfigPart part(path);
  const std::string text = readConfigFile(path);
  if (mayHoldConnections(text)) part.readRoot(text, nullptr);
  return part;
}

void ConfigPart::readRoot(const std::string& text, std::function<void(const YamlNode&)> onFlow) {
  const YamlNode root =
      loadYamlText(text, path_, YamlDomain::Config, YamlStreamedList{kFlowsKey, std::move(onFlow)});
  root_ = std::make_unique<YamlMap>(root, path_, YamlDomain::Config);
}

void ConfigPart::readFlows(const std::function<void(const YamlNode&)>& onFlow) {
  if (!root_) {
    readRoot(readConfigFile(path_), onFlow);  // read once: it holds no connections
  } else {
    const YamlNode flows = root_->node()[kFlowsKey];
    if (flows.IsSequence())
      loadYamlText(mainText_ ? *mainText_ : readConfigFile(path_), path_, YamlDomain::Config,
                   YamlStreamedList{kFlowsKey, onFlow});
  }
  const YamlNode flows = root_->get(kFlowsKey);
  if (flows.IsDefined() && !flows.IsNull() && !flows.IsSequence())
    root_->failAt(flows, "'flows': expected a list of flows");
}

}  // namespace sluice
