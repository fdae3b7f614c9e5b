#include "poll/trigger_poller.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "core/iso_time.h"

namespace sluice {

namespace {

// Ordering values compare as numbers when both are numbers, else as text (ISO 8601 sorts).
int compareOrder(const JsonValue& a, const JsonValue& b) {
  if (a.IsNumber() && b.IsNumber()) {
    const double x = a.GetDouble(), y = b.GetDouble();
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const std::string x = jsonText(a), y = jsonText(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

struct Record {
  std::string id;
  std::string version;
  std::string json;
  const JsonValue* order = nullptr;
};

}  // namespace

PollResult TriggerPoller::poll(const TriggerSpec& trigger) {
  const Operation& op = *trigger.op;
  const Pagination& pag = op.paginate;
  PollResult result;
  PollRecord& hist = result.commit.history;
  hist.triggerKey = trigger.key;
  hist.startedMs = clock_.nowMs();

  // The cursor: {"seeded":bool, "wm":<order value>, "sweep":{"next":{...}, "top":<value>}}
  JsonDoc cursor;
  const auto saved = state_.loadTrigger(trigger.key);
  hist.cursorBefore = saved ? saved->cursorJson : "";
  if (!saved || saved->cursorJson.empty() || parseJson(saved->cursorJson, cursor) ||
      !cursor.IsObject())
    cursor.SetObject();
  auto& alloc = cursor.GetAllocator();
  const bool firstPoll = !cursor.HasMember("seeded") || !cursor["seeded"].GetBool();
  const bool ordered = !op.orderBy.empty() && op.order == SortOrder::Desc;
  const JsonValue* watermark =
      cursor.HasMember("wm") && !cursor["wm"].IsNull() ? &cursor["wm"] : nullptr;

  // Where this sweep starts: the saved position of an unfinished sweep, or the top.
  JsonDoc pageState(rapidjson::kObjectType);
  long long pageNumber = pag.start, offset = 0;
  const JsonValue* resume =
      cursor.HasMember("sweep") && cursor["sweep"].IsObject() && cursor["sweep"].HasMember("next")
          ? &cursor["sweep"]["next"]
          : nullptr;
  if (resume && resume->IsObject()) {
    if (resume->HasMember("page")) pageNumber = (*resume)["page"].GetInt64();
    if (resume->HasMember("offset")) offset = (*resume)["offset"].GetInt64();
    if (resume->HasMember("params"))
      pageState.CopyFrom((*resume)["params"], pageState.GetAllocator());
  }
  JsonDoc sweepTop;
  if (cursor.HasMember("sweep") && cursor["sweep"].IsObject() && cursor["sweep"].HasMember("top"))
    sweepTop.CopyFrom(cursor["sweep"]["top"], sweepTop.GetAllocator());

  // A time window the flow did not fix: [now - back, now + ahead], fresh on every poll.
  JsonDoc windowed;
  if (op.window) {
    windowed.CopyFrom(*trigger.inputs, windowed.GetAllocator());
    if (!windowed.IsObject()) windowed.SetObject();
    const int64_t now = clock_.nowMs();
    auto put = [&](const std::string& name, int64_t ms) {
      if (windowed.HasMember(name.c_str())) return;
      std::string text;
      if (op.window->format == "epoch_s") {
        text = std::to_string(ms / 1000);
      } else if (op.window->format == "iso8601") {
        text = formatIsoSeconds(ms);
      } else {
        text = std::to_string(ms);
      }
      windowed.AddMember(jsonString(name, windowed.GetAllocator()),
                         jsonString(text, windowed.GetAllocator()), windowed.GetAllocator());
    };
    put(op.window->startInput, now - op.window->backMs);
    put(op.window->endInput, now + op.window->aheadMs);
  }

  std::vector<Record> records;
  std::vector<std::shared_ptr<JsonDoc>> pages;  // keep page documents alive for order pointers
  bool complete = false;
  JsonDoc nextState(rapidjson::kObjectType);
  long long nextPageNumber = pageNumber, nextOffset = offset;
  while (true) {
    PageParams params;
    params.inBody = pag.inBody;
    if (pag.style != PaginationStyle::None && !pag.limitParam.empty() && pag.limit > 0)
      params.values.emplace_back(pag.limitParam, JsonValue(static_cast<int64_t>(pag.limit)));
    if (pag.style == PaginationStyle::Page)
      params.values.emplace_back(pag.pageParam, JsonValue(static_cast<int64_t>(nextPageNumber)));
    if (pag.style == PaginationStyle::Offset)
      params.values.emplace_back(pag.offsetParam, JsonValue(static_cast<int64_t>(nextOffset)));
    if (pag.style == PaginationStyle::Cursor && pageState.IsObject())
      for (const auto& m : pageState.GetObject())
        params.values.emplace_back(m.name.GetString(),
                                   JsonValue(m.value, pageState.GetAllocator()));

    ApiResult api = client_.call(op, windowed.IsObject() ? windowed : *trigger.inputs, &params);
    if (api.outcome != Outcome::Ok) {
      result.error = api.error;
      result.retryable = api.outcome == Outcome::Retry;
      result.retryAfterMs = api.retryAfterMs;
      hist.error = api.error;
      hist.finishedMs = clock_.nowMs();
      return result;
    }
    ++hist.pages;
    pages.push_back(api.json);
    const JsonDoc& body = *api.json;
    const JsonValue* found = jsonAt(body, op.records);
    auto fail = [&](const std::string& field, const std::string& what) {
      result.error = ResponseError(op.fullId(), field, what).what();
      result.retryable = true;  // schema drift may be temporary; the cursor stays
      hist.error = result.error;
      hist.finishedMs = clock_.nowMs();
      return result;
    };
    std::vector<const JsonValue*> items;
    if (op.shape == RecordShape::Single) {
      if (!found || found->IsNull())
        return fail(op.records.empty() ? "(body)" : op.records, "missing");
      items.push_back(found);
    } else {
      if (!found) return fail(op.records, "missing (expected the array of records)");
      if (!found->IsArray()) return fail(op.records, "expected an array");
      if (found->Size() > kMaxRecordsPerPage)
        return fail(op.records,
                    "more than " + std::to_string(kMaxRecordsPerPage) + " records on one page");
      for (const auto& item : found->GetArray()) items.push_back(&item);
    }
    bool reachedKnown = false;
    for (const JsonValue* item : items) {
      Record r;
      if (!op.recordId.empty()) {
        const JsonValue* id = jsonAt(*item, op.recordId);
        if (!id || !(id->IsString() || id->IsNumber()) || jsonText(*id).empty())
          return fail(op.recordId, "record without an id");
        r.id = jsonText(*id);
      } else {
        r.id = "_";
      }
      r.json = toJson(*item);
      if (op.detect != DetectMode::New) {
        const JsonValue* v = op.version.empty() ? nullptr : jsonAt(*item, op.version);
        r.version = v && !v->IsNull() ? jsonText(*v) : stableHash(r.json);
      }
      if (!op.orderBy.empty()) r.order = jsonAt(*item, op.orderBy);
      if (r.order && !r.order->IsNull()) {
        if (sweepTop.IsNull() || compareOrder(*r.order, sweepTop) > 0)
          sweepTop.CopyFrom(*r.order, sweepTop.GetAllocator());
        if (ordered && watermark && compareOrder(*r.order, *watermark) < 0) reachedKnown = true;
      }
      records.push_back(std::move(r));
    }
    hist.fetched += static_cast<int>(items.size());

    // Next page, or the end of the list.
    bool more = !items.empty() && pag.style != PaginationStyle::None && !reachedKnown &&
                op.shape == RecordShape::List;
    if (more && !pag.hasMore.empty()) {
      const JsonValue* hm = jsonAt(body, pag.hasMore);
      more = hm && jsonTruthy(*hm);
    } else if (more && pag.limit > 0 && static_cast<long long>(items.size()) < pag.limit) {
      more = false;  // a short page is the last
    }
    if (more) {
      if (pag.style == PaginationStyle::Page) nextPageNumber += 1;
      if (pag.style == PaginationStyle::Offset) nextOffset += static_cast<long long>(items.size());
      if (pag.style == PaginationStyle::Cursor) {
        JsonDoc fresh(rapidjson::kObjectType);
        for (const auto& [param, source] : pag.next) {
          const JsonValue* v = source.rfind("record:", 0) == 0
                                   ? jsonAt(*items.back(), source.substr(7))
                                   : jsonAt(body, source);
          if (!v || v->IsNull() || (v->IsString() && v->GetStringLength() == 0)) {
            more = false;
            break;
          }
          fresh.AddMember(jsonString(param, fresh.GetAllocator()),
                          JsonValue(*v, fresh.GetAllocator()), fresh.GetAllocator());
        }
        if (more) pageState.CopyFrom(fresh, pageState.GetAllocator());
      }
    }
    if (!more) {
      complete = true;
      break;
    }
    if (hist.pages >= pag.maxPages) break;  // the cap: keep the position for the next poll
  }

  // Dedupe against what was seen before.
  std::vector<std::string> ids;
  ids.reserve(records.size());
  for (const auto& r : records) ids.push_back(r.id);
  const auto seen = state_.seenVersions(trigger.key, ids);
  std::vector<const Record*> fresh;
  std::set<std::string> inThisPoll;
  for (const auto& r : records) {
    if (!inThisPoll.insert(r.id + "@" + r.version).second) {
      ++hist.duplicates;  // a record repeated across pages of one sweep
      continue;
    }
    auto it = seen.find(r.id);
    const bool isNew =
        it == seen.end() || (op.detect != DetectMode::New && it->second != r.version);
    if (!isNew) {
      ++hist.duplicates;
      continue;
    }
    // Below the watermark and never seen: older than what a past sweep already passed.
    if (ordered && watermark && r.order && compareOrder(*r.order, *watermark) < 0 &&
        it == seen.end()) {
      ++hist.duplicates;
      continue;
    }
    fresh.push_back(&r);
  }
  // Deliver oldest first: a newest-first list is reversed.
  if (ordered) std::reverse(fresh.begin(), fresh.end());

  PollCommit& commit = result.commit;
  commit.triggerKey = trigger.key;
  commit.op = op.fullId();
  commit.connection = trigger.connection;
  for (const auto& r : records) commit.seen.push_back({r.id, r.version});
  for (const auto& sub : trigger.subscribers) {
    // First poll: remember what exists and fire nothing, unless the flow asks for a backfill
    // of the newest N (the last N of an oldest-first list; the first N of an unordered one).
    size_t from = 0, to = fresh.size();
    if (firstPoll) {
      const size_t n = std::min(fresh.size(), static_cast<size_t>(std::max(0, sub.backfill)));
      if (ordered)
        from = fresh.size() - n;
      else
        to = n;
    }
    for (size_t i = from; i < to; ++i) {
      const Record& r = *fresh[i];
      commit.items.push_back(
          {sub.flow, op.detect == DetectMode::New ? r.id : r.id + "@" + r.version, r.json});
    }
  }
  hist.newItems = firstPoll ? 0 : static_cast<int>(fresh.size());

  // The advanced cursor.
  JsonDoc next(rapidjson::kObjectType);
  auto& na = next.GetAllocator();
  const bool seeded = !firstPoll || complete;
  next.AddMember("seeded", seeded, na);
  if (complete) {
    JsonValue wm;
    if (!sweepTop.IsNull())
      wm.CopyFrom(sweepTop, na);
    else if (watermark)
      wm.CopyFrom(*watermark, na);
    if (watermark && !sweepTop.IsNull() && compareOrder(*watermark, sweepTop) > 0)
      wm.CopyFrom(*watermark, na);
    next.AddMember("wm", wm, na);
  } else {
    if (watermark) next.AddMember("wm", JsonValue(*watermark, na), na);
    JsonValue sweep(rapidjson::kObjectType), pos(rapidjson::kObjectType);
    pos.AddMember("page", JsonValue(static_cast<int64_t>(nextPageNumber)), na);
    pos.AddMember("offset", JsonValue(static_cast<int64_t>(nextOffset)), na);
    pos.AddMember("params", JsonValue(pageState, na), na);
    sweep.AddMember("next", pos, na);
    sweep.AddMember("top", JsonValue(sweepTop, na), na);
    next.AddMember("sweep", sweep, na);
  }
  (void)alloc;
  commit.cursorJson = toJson(next);
  commit.cursorMoved = commit.cursorJson != hist.cursorBefore;
  if (complete) commit.forgetSeenBeforeMs = clock_.nowMs() - kSeenRetentionMs;
  hist.cursorAfter = commit.cursorJson;
  hist.finishedMs = clock_.nowMs();
  result.ok = true;
  return result;
}

}  // namespace sluice
