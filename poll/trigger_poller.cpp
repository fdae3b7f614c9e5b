#include "poll/trigger_poller.h"

#include <algorithm>

#include "poll/since_filter.h"
#include "poll/time_window.h"
#include "poll/trigger_cursor.h"

namespace sluice {

namespace {

size_t recordsToSeed(const std::vector<Subscriber>& subscribers) {
  size_t n = 1;
  for (const auto& sub : subscribers)
    n = std::max(n, static_cast<size_t>(std::max(0, sub.backfill)));
  return n;
}

}  // namespace

// One poll's walk through the list: where it started, what it read, whether it reached the end.
struct TriggerPoller::Sweep {
  TriggerCursor cursor;  // its `next` moves page by page, its `sweepTop` with what is read
  bool firstPoll = false;
  bool ordered = false;       // newest first by the operation's order field
  bool reachedKnown = false;  // the last page went below the watermark: stop there
  // A first poll of a newest-first list needs only the newest records (as many as a backfill
  // asks for, at least one) and every record tied with the newest, not the whole list: the
  // watermark it leaves is the same, and the cost follows what is new, not what exists.
  size_t seedNeeds = 0;
  bool complete = false;  // reached the end (or the known part) of the list
  std::vector<Record> records;
  std::vector<std::shared_ptr<JsonDoc>> pages;  // keep page documents alive for order pointers
};

PollResult TriggerPoller::poll(const TriggerSpec& trigger) {
  const Operation& op = *trigger.op;
  PollResult result;
  PollRecord& hist = result.commit.history;
  hist.triggerKey = trigger.key;
  hist.startedMs = clock_.nowMs();
  const auto saved = state_.loadTrigger(trigger.key);
  hist.cursorBefore = saved ? saved->cursorJson : "";

  Sweep sweep;
  sweep.cursor = decodeCursor(hist.cursorBefore, op.paginate);
  sweep.firstPoll = !sweep.cursor.seeded;
  sweep.ordered = !op.orderBy.empty() && op.order == SortOrder::Desc;
  if (sweep.firstPoll && sweep.ordered) sweep.seedNeeds = recordsToSeed(trigger.subscribers);
  if (fetch(trigger, sweep, result)) finish(trigger, sweep, result);
  return result;
}

bool TriggerPoller::fetch(const TriggerSpec& trigger, Sweep& sweep, PollResult& result) {
  const Operation& op = *trigger.op;
  JsonDoc windowed, since;
  const JsonValue* inputs = trigger.inputs.get();
  if (windowedInputs(op, *inputs, clock_.nowMs(), windowed)) inputs = &windowed;
  if (sinceInputs(op, *inputs, sweep.cursor.watermarkOrNull(), since)) inputs = &since;
  PollRecord& hist = result.commit.history;
  while (true) {
    PageParams params = pageParams(op.paginate, sweep.cursor.next);
    const ApiResult api = client_.call(op, *inputs, &params);
    if (api.outcome != Outcome::Ok) {
      result.retryAfterMs = api.retryAfterMs;
      result.refused = api.unauthorized || api.status == 401 || api.status == 403;
      fail(result, api.error, api.outcome == Outcome::Retry);
      return false;
    }
    ++hist.pages;
    sweep.pages.push_back(api.json);
    std::vector<const JsonValue*> items;
    if (!readPage(op, *api.json, items, sweep, result)) return false;
    const bool more = !sweep.reachedKnown && op.shape == RecordShape::List &&
                      advance(op.paginate, *api.json, items, sweep.cursor.next);
    if (!more) {
      sweep.complete = true;
      return true;
    }
    if (hist.pages >= op.paginate.maxPages) return true;  // the cap: the next poll goes on
  }
}

bool TriggerPoller::readPage(const Operation& op, const JsonValue& body,
                             std::vector<const JsonValue*>& items, Sweep& sweep,
                             PollResult& result) {
  auto problem = pageItems(op, body, items);
  const JsonValue* watermark = sweep.cursor.watermarkOrNull();
  JsonDoc& top = sweep.cursor.sweepTop;
  sweep.reachedKnown = false;
  for (size_t i = 0; !problem && i < items.size(); ++i) {
    Record r;
    problem = readRecord(op, *items[i], r);
    if (problem) break;
    if (r.order && !r.order->IsNull()) {
      if (top.IsNull() || compareOrder(*r.order, top) > 0)
        top.CopyFrom(*r.order, top.GetAllocator());
      if (sweep.ordered && watermark && compareOrder(*r.order, *watermark) < 0)
        sweep.reachedKnown = true;
      if (sweep.seedNeeds && sweep.records.size() >= sweep.seedNeeds &&
          compareOrder(*r.order, top) < 0)
        sweep.reachedKnown = true;  // past the newest and its ties: the seed has what it needs
    }
    sweep.records.push_back(std::move(r));
  }
  if (problem) {
    // Schema drift may be temporary: retry later, the cursor stays.
    fail(result, ResponseError(op.fullId(), problem->field, problem->what).what(), true);
    return false;
  }
  result.commit.history.fetched += static_cast<int>(items.size());
  return true;
}

PollResult& TriggerPoller::fail(PollResult& result, const std::string& error, bool retryable) {
  result.error = error;
  result.retryable = retryable;
  result.commit.history.error = error;
  result.commit.history.finishedMs = clock_.nowMs();
  return result;
}

void TriggerPoller::finish(const TriggerSpec& trigger, Sweep& sweep, PollResult& result) {
  const Operation& op = *trigger.op;
  PollCommit& commit = result.commit;
  PollRecord& hist = commit.history;
  std::vector<std::string> ids;
  ids.reserve(sweep.records.size());
  for (const auto& r : sweep.records) ids.push_back(r.id);
  const auto seen = state_.seenVersions(trigger.key, ids);
  const JsonValue* watermark = sweep.cursor.watermarkOrNull();
  const auto fresh =
      freshRecords(op, sweep.records, seen, watermark, sweep.ordered, hist.duplicates);

  commit.triggerKey = trigger.key;
  commit.op = op.fullId();
  commit.connection = trigger.connection;
  for (const auto& r : sweep.records) commit.seen.push_back({r.id, r.version});
  commit.items = fanOut(op, fresh, trigger.subscribers, sweep.firstPoll, sweep.ordered);
  hist.newItems = sweep.firstPoll ? 0 : static_cast<int>(fresh.size());

  const bool seeded = !sweep.firstPoll || sweep.complete;
  commit.cursorJson =
      encodeCursor(seeded, sweep.complete, watermark, sweep.cursor.sweepTop, sweep.cursor.next);
  // New items are progress too: a trigger read by full sweeps (no order to keep a watermark
  // by) finds them without its cursor changing, and its watermark age must not keep growing.
  commit.cursorMoved = commit.cursorJson != hist.cursorBefore || !commit.items.empty();
  if (sweep.complete) commit.forgetSeenBeforeMs = clock_.nowMs() - kSeenRetentionMs;
  hist.cursorAfter = commit.cursorJson;
  hist.finishedMs = clock_.nowMs();
  result.ok = true;
}

}  // namespace sluice
