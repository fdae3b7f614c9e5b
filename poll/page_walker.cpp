#include "poll/page_walker.h"

namespace sluice {

PagePosition firstPosition(const Pagination& pag) {
  PagePosition pos;
  pos.page = pag.start;
  return pos;
}

PageParams pageParams(const Pagination& pag, PagePosition& pos) {
  PageParams params;
  params.inBody = pag.inBody;
  if (pag.style != PaginationStyle::None && !pag.limitParam.empty() && pag.limit > 0)
    params.values.emplace_back(pag.limitParam, JsonValue(static_cast<int64_t>(pag.limit)));
  if (pag.style == PaginationStyle::Page)
    params.values.emplace_back(pag.pageParam, JsonValue(static_cast<int64_t>(pos.page)));
  if (pag.style == PaginationStyle::Offset)
    params.values.emplace_back(pag.offsetParam, JsonValue(static_cast<int64_t>(pos.offset)));
  if (pag.style == PaginationStyle::Cursor && pos.params.IsObject())
    for (const auto& m : pos.params.GetObject())
      params.values.emplace_back(m.name.GetString(), JsonValue(m.value, pos.params.GetAllocator()));
  return params;
}

PageParams firstPage(const Pagination& pag) {
  PagePosition first = firstPosition(pag);  // no cursor values yet: nothing is borrowed
  return pageParams(pag, first);
}

namespace {

// The next page's cursor parameters, read from the body or the last record; false when one
// is missing or empty (the list ends).
bool nextCursor(const Pagination& pag, const JsonValue& body, const JsonValue& lastRecord,
                JsonDoc& out) {
  out.SetObject();
  for (const auto& [param, source] : pag.next) {
    const JsonValue* v = source.rfind("record:", 0) == 0 ? jsonAt(lastRecord, source.substr(7))
                                                         : jsonAt(body, source);
    if (!v || v->IsNull() || (v->IsString() && v->GetStringLength() == 0)) return false;
    out.AddMember(jsonString(param, out.GetAllocator()), JsonValue(*v, out.GetAllocator()),
                  out.GetAllocator());
  }
  return true;
}

}  // namespace

bool advance(const Pagination& pag, const JsonValue& body,
             const std::vector<const JsonValue*>& items, PagePosition& pos) {
  bool more = !items.empty() && pag.style != PaginationStyle::None;
  if (more && !pag.hasMore.empty()) {
    const JsonValue* hm = jsonAt(body, pag.hasMore);
    more = hm && jsonTruthy(*hm);
  } else if (more && pag.limit > 0 && static_cast<long long>(items.size()) < pag.limit) {
    more = false;  // a short page is the last
  }
  if (!more) return false;
  if (pag.style == PaginationStyle::Page) pos.page += 1;
  if (pag.style == PaginationStyle::Offset) pos.offset += static_cast<long long>(items.size());
  if (pag.style == PaginationStyle::Cursor) {
    JsonDoc fresh;
    if (!nextCursor(pag, body, *items.back(), fresh)) return false;
    pos.params.CopyFrom(fresh, pos.params.GetAllocator());
  }
  return true;
}

}  // namespace sluice
