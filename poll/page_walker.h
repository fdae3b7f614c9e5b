// Where a walk through a paginated list stands, and the request parameters and the next
// position for every pagination style of the catalog (none, page, offset, cursor). Shared by
// polls (every page of a sweep) and lookups (the first page).
#pragma once

#include <vector>

#include "catalog/operation.h"
#include "core/json.h"
#include "http/request_builder.h"

namespace sluice {

struct PagePosition {
  long long page = 1;                      // page style
  long long offset = 0;                    // offset style
  JsonDoc params{rapidjson::kObjectType};  // cursor style: parameters for the next page
};

// The position of a list's first page.
PagePosition firstPosition(const Pagination& pag);
// The request parameters (limit and position) for the page at pos; cursor values are copied
// with pos's allocator, so pos outlives them.
PageParams pageParams(const Pagination& pag, PagePosition& pos);
// The request parameters of a list's first page, as a poll would send them.
PageParams firstPage(const Pagination& pag);

// After a page with these items of this body: whether another page follows (has_more, a
// short page, no items, a cursor without a next value), moving pos there when it does.
bool advance(const Pagination& pag, const JsonValue& body,
             const std::vector<const JsonValue*>& items, PagePosition& pos);

}  // namespace sluice
