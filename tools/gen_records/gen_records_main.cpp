// sluice-gen-records: writes each app's apps/<app>/records.json (what its triggers' records and
// actions' answers hold, for `sluice check`'s template typing) from the official specs. Run it
// after a spec or catalog change; RecordFieldsConformance fails until the files match again.
//
//   sluice-gen-records --specs DIR [--catalog DIR] [--check]
//
// --specs: the folder of the vendors' specs (../shared/specs); --catalog: the apps folder
// (default: the source tree's); --check: write nothing, exit 1 when a file is not what its
// spec says.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "catalog/catalog.h"
#include "catalog/record_fields.h"

namespace {

struct Options {
  std::string specs;
  std::string catalog = SLUICE_SOURCE_DIR "/apps";
  bool check = false;
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--check") {
      o.check = true;
    } else if ((arg == "--specs" || arg == "--catalog") && i + 1 < argc) {
      (arg == "--specs" ? o.specs : o.catalog) = argv[++i];
    } else {
      return false;
    }
  }
  return !o.specs.empty();
}

std::string readFile(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::cerr << "usage: sluice-gen-records --specs DIR [--catalog DIR] [--check]\n";
    return 2;
  }
  try {
    const sluice::Catalog catalog = sluice::Catalog::load(o.catalog);
    int stale = 0;
    for (const auto& app : catalog.apps()) {
      const std::string json = sluice::recordFieldsJsonFromSpec(app, o.specs);
      const auto file = std::filesystem::path(app.folder) / "records.json";
      const bool same = readFile(file) == json;
      if (!o.check && !same) std::ofstream(file) << json;
      stale += !same;
      std::cout << file.string() << ": "
                << (same      ? "up to date"
                    : o.check ? "differs from the spec"
                              : "written")
                << "\n";
    }
    return o.check && stale ? 1 : 0;
  } catch (const std::exception& e) {
    std::cerr << "sluice-gen-records: " << e.what() << "\n";
    return 1;
  }
}
