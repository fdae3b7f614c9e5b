// Each app's records.json is what its official spec says the operations' records and answers
// hold: generated from the spec, it must equal the file in the catalog, so the file cannot go
// stale. `scripts/gen_record_fields.sh` writes the files again (this test with
// SLUICE_WRITE_RECORDS=1) after a spec or catalog change.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "catalog/catalog.h"
#include "catalog/record_fields.h"
#include "test_support.h"

namespace sluice {
namespace record_fields_conformance_test {

namespace fs = std::filesystem;

TEST(RecordFieldsConformance, EachAppsRecordsJsonIsWhatItsSpecSays) {
  const Catalog catalog = Catalog::load(test::catalogRoot());
  const bool write = std::getenv("SLUICE_WRITE_RECORDS") != nullptr;
  for (const auto& app : catalog.apps()) {
    const fs::path spec = fs::path(test::specsRoot()) / app.spec;
    ASSERT_TRUE(fs::exists(spec)) << spec;
    const auto index = SpecIndex::load(spec.string());
    const std::string generated = recordFieldsJson(recordFieldsOfApp(app, *index));
    const fs::path file = fs::path(app.folder) / "records.json";
    if (write) std::ofstream(file) << generated;
    std::ifstream in(file);
    std::stringstream stored;
    stored << in.rdbuf();
    EXPECT_EQ(stored.str(), generated)
        << file << " is not what " << spec << " says: run scripts/gen_record_fields.sh";
  }
}

}  // namespace record_fields_conformance_test
}  // namespace sluice
