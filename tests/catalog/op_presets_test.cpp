// catalog/op_presets.cpp: near-identical operations as one preset plus what differs, and a
// file's defaults; the operation's own keys win and mistakes are located.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "core/error.h"
#include "test_support.h"

namespace sluice {
namespace op_presets_test {

using ::testing::HasSubstr;

const char* kApp = R"(app: demo
name: Demo
base_url: https://api.example.com
auth: { kind: bearer }
headers: { Version: "1" }
request_presets:
  scoped: { query: { scope: all, type: any } }
  tenant: { body: { tenant: "t1" } }
connection:
  - { name: token, type: string, required: true, secret: true }
paginations:
  pages: { style: page, page_param: page, limit_param: limit, limit: 50 }
)";

const char* kEvents = R"(category: events
name: Events
presets:
  event_of_type:
    kind: trigger
    scopes: [events:read]
    request: { method: GET, path: /events, query: { sort: asc } }
    records: /data
    record_id: /id
    detect: new
    paginate: pages
    full_sweep: a demo list
defaults:
  request: { headers: { Version: "2" } }
operations:
  - id: events.paid
    preset: event_of_type
    name: Paid
    description: Paid events
    request: { query: { type: paid } }
  - id: events.failed
    preset: [event_of_type]
    name: Failed
    description: Failed events
    scopes: [events:special]
    request: { query: { type: failed }, headers: { Version: "3" } }
  - id: events.plain
    name: Plain
    kind: trigger
    description: No preset, no pagination
    request: { method: GET, path: /plain }
    records: /data
    record_id: /id
    detect: new
    full_sweep: a demo list
)";

class OpPresetsTest : public ::testing::Test {
 protected:
  std::string load(const std::string& events) {
    dir_.write("demo/app.yaml", kApp);
    dir_.write("demo/events.yaml", events);
    try {
      catalog_ = Catalog::load(dir_.path());
    } catch (const CatalogError& e) {
      return e.what();
    }
    return "";
  }
  std::string replace(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  }
  static std::string member(const ValueTemplate& map, const std::string& key) {
    for (const auto& [name, value] : map.members())
      if (name == key) return value.text().source();
    return "(absent)";
  }
  static std::string header(const Operation& op, const std::string& name) {
    for (const auto& [key, value] : op.request.headers)
      if (key == name) return value.source();
    return "(absent)";
  }
  test::TempDir dir_;
  Catalog catalog_;
};

TEST_F(OpPresetsTest, AnOperationIsItsPresetPlusWhatDiffers) {
  ASSERT_EQ(load(kEvents), "");
  const Operation* paid = catalog_.find("demo.events.paid");
  ASSERT_TRUE(paid);
  EXPECT_EQ(paid->kind, OpKind::Trigger);
  EXPECT_EQ(paid->request.method, "GET");
  EXPECT_EQ(paid->request.path, "/events");
  EXPECT_EQ(member(paid->request.query, "type"), "paid");  // maps merge key by key
  EXPECT_EQ(member(paid->request.query, "sort"), "asc");
  EXPECT_EQ(paid->scopes, std::vector<std::string>{"events:read"});
  EXPECT_EQ(paid->paginate.preset, "pages");
  EXPECT_EQ(header(*paid, "Version"), "2");  // the file's default

  const Operation* failed = catalog_.find("demo.events.failed");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->scopes, std::vector<std::string>{"events:special"});  // a list replaces
  EXPECT_EQ(header(*failed, "Version"), "3");                             // its own value wins
  EXPECT_EQ(member(failed->request.query, "type"), "failed");

  // The preset itself is not changed by the operations that use it.
  EXPECT_EQ(member(paid->request.query, "type"), "paid");
}

TEST_F(OpPresetsTest, WithoutPaginateATriggerReadsOnePage) {
  ASSERT_EQ(load(kEvents), "");
  const Operation* plain = catalog_.find("demo.events.plain");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->paginate.style, PaginationStyle::None);
  EXPECT_EQ(header(*plain, "Version"), "2");
}

TEST_F(OpPresetsTest, MistakesAreLocated) {
  EXPECT_THAT(
      load(replace(kEvents, "preset: event_of_type\n", "preset: event_of_typo\n")),
      HasSubstr("events.yaml:17:13: op events.paid: unknown preset 'event_of_typo' (this file has: "
                "event_of_type)"));
  EXPECT_THAT(load(replace(kEvents, "    kind: trigger\n    scopes",
                           "    id: events.x\n    kind: trigger\n    scopes")),
              HasSubstr("events.yaml:5:9: category: preset 'event_of_type' cannot set 'id'"));
  EXPECT_THAT(load(replace(kEvents, "defaults:\n  request:", "defaults: [1]\nunused:\n  request:")),
              HasSubstr("'defaults': expected a partial operation"));
  // A mistake inside a preset is reported where the preset says it.
  EXPECT_THAT(load(replace(kEvents, "detect: new\n    paginate: pages",
                           "detect: newest\n    paginate: pages")),
              HasSubstr("events.yaml:10:13"));
}

TEST_F(OpPresetsTest, ARequestTakesTheAppsRequestPresetsUnderItsOwnParameters) {
  ASSERT_EQ(load(replace(kEvents, "request: { query: { type: paid } }",
                         "request: { preset: [scoped, tenant], query: { type: paid } }")),
            "");
  const Operation* paid = catalog_.find("demo.events.paid");
  ASSERT_TRUE(paid);
  std::vector<std::string> keys;
  for (const auto& [name, value] : paid->request.query.members()) keys.push_back(name);
  // The app preset's parameters first; then the request's own, which already hold what the
  // file's preset gave (`sort`); its own `type` wins over the app preset's.
  EXPECT_EQ(keys, (std::vector<std::string>{"scope", "type", "sort"}));
  EXPECT_EQ(member(paid->request.query, "type"), "paid");
  EXPECT_EQ(member(paid->request.body, "tenant"), "t1");
  EXPECT_THAT(load(replace(kEvents, "request: { query: { type: paid } }",
                           "request: { preset: scopd, query: { type: paid } }")),
              HasSubstr("unknown request preset 'scopd' (app.yaml has: scoped, tenant)"));
}

}  // namespace op_presets_test
}  // namespace sluice
