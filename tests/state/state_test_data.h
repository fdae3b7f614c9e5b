// The commits both state store suites (the contract for every store, and the SQLite-only one)
// build their cases from.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "state/state_store.h"

namespace sluice::state_test_data {

// A trigger key with the characters keys carry: separators, braces, quotes and commas.
inline const char* const kKey = "stripe.customers.created|live|{\"email\":\"a,\\\"b\\\"\"}";

// An item whose JSON has commas, braces and quotes, and an email that no error may echo.
// recordKey "": each item is its own record.
inline OutboxItem item(const std::string& flow, const std::string& key,
                       const std::string& recordKey = "") {
  return {flow, key,
          R"({"id":")" + key +
              R"(","note":"commas, {braces} and \"quotes\"","email":"secret@example.com"})",
          recordKey};
}

inline PollCommit poll(const std::string& cursor, int64_t finishedMs,
                       std::vector<OutboxItem> items = {}, std::vector<SeenEntry> seen = {},
                       const std::string& key = kKey) {
  PollCommit c;
  c.triggerKey = key;
  c.op = "stripe.customers.created";
  c.connection = "live";
  c.cursorJson = cursor;
  c.cursorMoved = true;
  c.seen = std::move(seen);
  c.items = std::move(items);
  c.history.triggerKey = key;
  c.history.startedMs = finishedMs - 10;
  c.history.finishedMs = finishedMs;
  c.history.pages = 1;
  c.history.fetched = static_cast<int>(c.items.size());
  c.history.newItems = static_cast<int>(c.items.size());
  c.history.cursorAfter = cursor;
  c.nextDueMs = finishedMs + 60000;
  return c;
}

inline std::vector<std::string> itemKeys(const std::vector<Delivery>& deliveries) {
  std::vector<std::string> keys;
  for (const auto& d : deliveries) keys.push_back(d.itemKey);
  return keys;
}

}  // namespace sluice::state_test_data
