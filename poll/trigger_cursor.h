// A trigger's cursor, stored as JSON with its items in one transaction:
//   {"seeded": bool,          the first sweep finished: later items fire
//    "wm": value,             the newest order value a finished sweep saw (ordered triggers)
//    "sweep": {"next": {"page", "offset", "params"}, "top": value}}
//                             an unfinished sweep (page cap reached): where it goes on, and the
//                             newest order value it has seen so far
// The text is compared to tell whether a poll moved the cursor, so encoding is stable: the
// same state gives the same text, in the member order above.
#pragma once

#include <string>

#include "poll/page_walker.h"

namespace sluice {

struct TriggerCursor {
  bool seeded = false;
  JsonDoc watermark;      // null: none yet
  bool sweeping = false;  // an unfinished sweep goes on at `next`
  PagePosition next;      // where this poll's sweep starts
  JsonDoc sweepTop;       // null: nothing seen in this sweep yet
  const JsonValue* watermarkOrNull() const { return watermark.IsNull() ? nullptr : &watermark; }
};

// Unreadable or missing text reads as a new trigger's cursor (starting at pag's first page).
TriggerCursor decodeCursor(const std::string& json, const Pagination& pag);

// The cursor after a poll: a complete sweep keeps the newest order value seen (the watermark
// never goes back); an unfinished one keeps the old watermark and its own position.
std::string encodeCursor(bool seeded, bool complete, const JsonValue* watermark,
                         const JsonValue& sweepTop, const PagePosition& next);

// Order values compare as numbers when both are numbers, else as text (ISO 8601 sorts).
int compareOrder(const JsonValue& a, const JsonValue& b);

}  // namespace sluice
