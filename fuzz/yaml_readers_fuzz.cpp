// Fuzzes the two YAML readers against each other: whatever libyaml reads
// (core/libyaml_events.h) must give exactly the events yaml-cpp's parser gives, or a config
// would read differently depending on which reader took it. Texts libyaml refuses are
// yaml-cpp's alone and not compared. A text libyaml reads and yaml-cpp refuses (malformed
// YAML libyaml is lenient with) is a finding only with SLUICE_FUZZ_STRICT=1: such a text now
// loads, as libyaml reads it, where it was an error.
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "core/libyaml_events.h"
#include "tests/core/yaml_event_log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  sluice::testing::YamlEventLog fast;
  if (!sluice::readLibyamlEvents(text, nullptr)) return 0;
  if (!sluice::readLibyamlEvents(text, &fast)) {
    std::fprintf(stderr, "libyaml read the text once, not twice\n");
    std::abort();
  }
  sluice::testing::YamlEventLog reference;
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    parser.HandleNextDocument(reference);
  } catch (const YAML::Exception& e) {
    if (!std::getenv("SLUICE_FUZZ_STRICT")) return 0;
    std::fprintf(stderr, "libyaml reads what yaml-cpp refuses: %s\n", e.what());
    std::abort();
  }
  if (fast.text() != reference.text()) {
    std::fprintf(stderr, "libyaml:\n%s\nyaml-cpp:\n%s\n", fast.text().c_str(),
                 reference.text().c_str());
    std::abort();
  }
  return 0;
}
