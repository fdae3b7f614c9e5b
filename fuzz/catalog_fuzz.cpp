// Fuzzes the catalog loader (Catalog::loadApp). The input is a category file next to the real
// Stripe app.yaml; an input that starts with "app:" is the app.yaml instead, next to a real
// category file. Files go to a per-process folder under /tmp, rewritten for every input.
// Expected failures are sluice errors (CatalogError with file:line:col); anything else escaping,
// a crash, a hang or a sanitizer report is a finding.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "catalog/catalog.h"
#include "core/error.h"

namespace fs = std::filesystem;

namespace {

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void writeFile(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

struct Folder {
  fs::path dir;
  std::string appYaml;
  std::string categoryYaml;
  Folder() {
    const fs::path base = fs::temp_directory_path() / ("sluice-fuzz-" + std::to_string(getpid()));
    dir = base / "stripe";
    fs::create_directories(dir);
    appYaml = readFile(fs::path(SLUICE_FUZZ_CATALOG) / "stripe" / "app.yaml");
    categoryYaml = readFile(fs::path(SLUICE_FUZZ_CATALOG) / "stripe" / "refunds.yaml");
  }
  ~Folder() {
    std::error_code ignored;
    fs::remove_all(dir.parent_path(), ignored);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Folder folder;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const bool isApp = text.rfind("app:", 0) == 0;
  writeFile(folder.dir / "app.yaml", isApp ? text : folder.appYaml);
  // A fixed file name: a category file must be named after its `category:`.
  writeFile(folder.dir / "refunds.yaml", isApp ? folder.categoryYaml : text);
  try {
    const sluice::App app = sluice::Catalog::loadApp(folder.dir.string());
    (void)app;
  } catch (const sluice::Error&) {
  }
  return 0;
}
