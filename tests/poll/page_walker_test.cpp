// poll/page_walker.h: the parameters and the next position for every pagination style.
#include "poll/page_walker.h"

#include <gtest/gtest.h>

namespace sluice {
namespace page_walker_test {

Pagination style(PaginationStyle s) {
  Pagination p;
  p.style = s;
  p.limitParam = "limit";
  p.limit = 2;
  p.pageParam = "page";
  p.offsetParam = "skip";
  p.start = 1;
  return p;
}

std::string render(const PageParams& params) {
  std::string out;
  for (const auto& [name, value] : params.values) out += name + "=" + jsonText(value) + ";";
  return out;
}

struct Case {
  const char* what;
  Pagination pag;
  const char* body;
  size_t items;          // records on the page
  bool more;             // another page follows
  const char* nextPage;  // the parameters of that page
};

class PageWalkerTable : public ::testing::TestWithParam<Case> {};

TEST_P(PageWalkerTable, Advances) {
  const Case& c = GetParam();
  JsonDoc body;
  ASSERT_FALSE(parseJson(c.body, body));
  const JsonValue* records = jsonAt(body, "/data");
  std::vector<const JsonValue*> items;
  if (records)
    for (const auto& r : records->GetArray()) items.push_back(&r);
  ASSERT_EQ(items.size(), c.items) << c.what;
  PagePosition pos = firstPosition(c.pag);
  EXPECT_EQ(advance(c.pag, body, items, pos), c.more) << c.what;
  if (c.more) {
    EXPECT_EQ(render(pageParams(c.pag, pos)), c.nextPage) << c.what;
  }
}

Pagination withHasMore(Pagination p) {
  p.hasMore = "/has_more";
  return p;
}

Pagination cursorFromRecord() {
  Pagination p = style(PaginationStyle::Cursor);
  p.next = {{"starting_after", "record:/id"}};
  return p;
}

Pagination cursorFromBody() {
  Pagination p = style(PaginationStyle::Cursor);
  p.next = {{"startAfterId", "/meta/startAfterId"}, {"startAfter", "/meta/startAfter"}};
  return p;
}

INSTANTIATE_TEST_SUITE_P(
    Styles, PageWalkerTable,
    ::testing::Values(
        Case{"none: one page", style(PaginationStyle::None), R"({"data":[{"id":1},{"id":2}]})", 2,
             false, ""},
        Case{"page: a full page goes on", style(PaginationStyle::Page),
             R"({"data":[{"id":1},{"id":2}]})", 2, true, "limit=2;page=2;"},
        Case{"page: a short page is the last", style(PaginationStyle::Page),
             R"({"data":[{"id":1}]})", 1, false, ""},
        Case{"page: an empty page is the last", style(PaginationStyle::Page), R"({"data":[]})", 0,
             false, ""},
        Case{"offset: moves by the records read", style(PaginationStyle::Offset),
             R"({"data":[{"id":1},{"id":2}]})", 2, true, "limit=2;skip=2;"},
        Case{"has_more false ends a full page", withHasMore(style(PaginationStyle::Page)),
             R"({"has_more":false,"data":[{"id":1},{"id":2}]})", 2, false, ""},
        Case{"has_more true goes on after a short page", withHasMore(style(PaginationStyle::Page)),
             R"({"has_more":true,"data":[{"id":1}]})", 1, true, "limit=2;page=2;"},
        Case{"cursor from the last record", withHasMore(cursorFromRecord()),
             R"({"has_more":true,"data":[{"id":"a"},{"id":"b"}]})", 2, true,
             "limit=2;starting_after=b;"},
        Case{"cursor from the body", cursorFromBody(),
             R"({"meta":{"startAfterId":"x","startAfter":17},"data":[{"id":1},{"id":2}]})", 2, true,
             "limit=2;startAfterId=x;startAfter=17;"},
        Case{"cursor without a next value ends", cursorFromBody(),
             R"({"meta":{"startAfterId":null},"data":[{"id":1},{"id":2}]})", 2, false, ""}));

TEST(PageWalker, FirstPageStartsAtTheConfiguredPage) {
  Pagination p = style(PaginationStyle::Page);
  p.start = 0;
  EXPECT_EQ(render(firstPage(p)), "limit=2;page=0;");
  EXPECT_EQ(render(firstPage(style(PaginationStyle::Offset))), "limit=2;skip=0;");
  EXPECT_EQ(render(firstPage(style(PaginationStyle::None))), "");
}

}  // namespace page_walker_test
}  // namespace sluice
