// Each app's records.json is what its official spec says the operations' records and answers
// hold: generated from the spec, it must equal the file in the catalog, so the file cannot go
// stale. `scripts/gen_record_fields.sh` (sluice-gen-records) writes the files again after a spec
// or catalog change.
#include <gtest/gtest.h>

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
  for (const auto& app : catalog.apps()) {
    const fs::path spec = fs::path(test::specsRoot()) / app.spec;
    ASSERT_TRUE(fs::exists(spec)) << spec;
    const std::string generated = recordFieldsJsonFromSpec(app, test::specsRoot());
    const fs::path file = fs::path(app.folder) / "records.json";
    std::ifstream in(file);
    std::stringstream stored;
    stored << in.rdbuf();
    EXPECT_EQ(stored.str(), generated)
        << file << " is not what " << spec << " says: run scripts/gen_record_fields.sh";
  }
}

}  // namespace record_fields_conformance_test
}  // namespace sluice
