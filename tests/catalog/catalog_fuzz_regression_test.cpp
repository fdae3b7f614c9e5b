// Regressions found by fuzz/catalog_fuzz: broken catalog files fail with a located
// CatalogError, never with another exception, a crash or undefined behaviour.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "catalog/catalog.h"
#include "core/error.h"
#include "test_support.h"

namespace sluice {
namespace catalog_fuzz_regression_test {

using ::testing::HasSubstr;

const char* kAppYaml = R"(app: demo
name: Demo
base_url: https://api.example.com
auth: { kind: bearer }
connection:
  - { name: token, type: string, required: true, secret: true }
)";

// The message of the CatalogError that loading the demo app with this category file raises.
std::string rejection(const std::string& category) {
  test::TempDir dir;
  dir.write("demo/app.yaml", kAppYaml);
  dir.write("demo/contacts.yaml", category);
  try {
    Catalog::loadApp(dir.path() + "/demo");
  } catch (const CatalogError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected a CatalogError, got: " << e.what();
    return "";
  }
  ADD_FAILURE() << "expected a CatalogError for:\n" << category;
  return "";
}

TEST(CatalogFuzzRegressionTest, OperationWithoutIdIsALocatedError) {
  // yaml-cpp's node["id"] on a map without that key threw YAML::InvalidNode.
  const std::string err = rejection(R"(category: contacts
name: Contacts
operations:
  - name: List Contacts
    kind: action
    request: { method: GET, path: /contacts }
)");
  EXPECT_THAT(err, HasSubstr("contacts.yaml:4:5:"));
  EXPECT_THAT(err, HasSubstr("missing required key 'id'"));
}

}  // namespace catalog_fuzz_regression_test
}  // namespace sluice
