#include "config/config_parts.h"

#include "core/file_text.h"
#include "core/yaml_list_parts.h"

namespace sluice {

namespace {

constexpr const char* kFlowsKey = "flows";
// A part smaller than this is not worth a thread (about 1,500 flows of the benchmark's kind).
constexpr size_t kMinPartBytes = 512 * 1024;

// Whether a file's text can hold a root key `connections`: without the word it cannot, except
// through an escape in a double-quoted key, so a backslash anywhere counts as maybe.
bool mayHoldConnections(const std::string& text) {
  return text.find("connections") != std::string::npos || text.find('\\') != std::string::npos;
}

}  // namespace

std::string readConfigFile(const std::string& path) {
  auto text = readFileText(path);
  if (!text) throw ConfigError({path, 0, 0}, "cannot open config file");
  return std::move(*text);
}

ConfigPart ConfigPart::mainFile(const std::string& path, const std::string& text) {
  ConfigPart part(path);
  part.mainText_ = &text;
  part.readRoot(text);
  return part;
}

ConfigPart ConfigPart::includedFile(const std::string& path) {
  ConfigPart part(path);
  const std::string text = readConfigFile(path);
  if (mayHoldConnections(text)) part.readRoot(text);
  return part;
}

void ConfigPart::readRoot(const std::string& text) {
  // When the flows run to the end of the file, only the text before them is read, and the
  // flows' place holds an empty list; else the flows are read and dropped. Either way
  // readFlows reads them later, one at a time.
  YamlNode root;
  if (const auto flows = streamedListStart(text, kFlowsKey)) {
    root = loadYamlText(std::string_view(text).substr(0, flows->begin), path_, YamlDomain::Config);
    const auto column = static_cast<int>(text.find_first_not_of(' ', flows->begin) - flows->begin);
    root.set(kFlowsKey, YamlNode::sequence(flows->firstLine, column));
  } else {
    root = loadYamlText(text, path_, YamlDomain::Config, YamlStreamedList{kFlowsKey, nullptr});
  }
  root_ = std::make_unique<YamlMap>(root, path_, YamlDomain::Config);
}

void ConfigPart::readFlows(const FlowSink& sink, size_t threads) {
  if (!root_) {
    // Read once: it holds no connections.
    const YamlNode root = readFlowsOf(readConfigFile(path_), sink, threads);
    root_ = std::make_unique<YamlMap>(root, path_, YamlDomain::Config);
  } else if (root_->get(kFlowsKey).IsSequence()) {  // a known key, even if reading them fails
    readFlowsOf(mainText_ ? *mainText_ : readConfigFile(path_), sink, threads);
  }
  const YamlNode flows = root_->get(kFlowsKey);
  if (flows.IsDefined() && !flows.IsNull() && !flows.IsSequence())
    root_->failAt(flows, "'flows': expected a list of flows");
}

YamlNode ConfigPart::readFlowsOf(const std::string& text, const FlowSink& sink,
                                 size_t threads) const {
  const std::vector<YamlTextPart> parts = cutStreamedList(text, kFlowsKey, threads, kMinPartBytes);
  if (parts.size() > 1) {
    sink.begin(parts.size());
    if (auto root = readListParts(text, path_, YamlDomain::Config, kFlowsKey, parts, sink.onFlow))
      return *root;
  }
  sink.begin(1);
  return loadYamlText(
      text, path_, YamlDomain::Config,
      YamlStreamedList{kFlowsKey, [&](const YamlNode& flow) { sink.onFlow(0, flow); }});
}

}  // namespace sluice
