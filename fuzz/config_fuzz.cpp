// Fuzzes the user's config loader (config/config.h loadConfigText) against the real catalog.
// Expected failures are sluice errors (ConfigError with file:line:col); anything else escaping,
// a crash, a hang or a sanitizer report is a finding.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "catalog/catalog.h"
#include "config/config.h"
#include "core/error.h"

namespace {

const sluice::Catalog& catalog() {
  static const sluice::Catalog c = sluice::Catalog::load(SLUICE_FUZZ_CATALOG);
  return c;
}

const std::map<std::string, std::string>& env() {
  static const std::map<std::string, std::string> e = {
      {"STRIPE_SECRET_KEY", "sk_test_fuzz"},
      {"GHL_TOKEN", "ghl-token"},
      {"GHL_LOCATION_ID", "loc_1"},
      {"EMPTY", ""},
  };
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // `X_file: PATH` reads a file: the fuzzer must not read /dev/stdin or /dev/zero.
  if (text.find("_file") != std::string::npos) return 0;
  try {
    const sluice::Config config = sluice::loadConfigText(text, "fuzz.yaml", catalog(), &env());
    (void)config.secrets();
  } catch (const sluice::Error&) {
  }
  return 0;
}
