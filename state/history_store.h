// Poll history: what each poll of a trigger read, found new and left as its cursor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice {

// One poll, as history shows it.
struct PollRecord {
  std::string triggerKey;
  int64_t startedMs = 0;
  int64_t finishedMs = 0;
  int pages = 0;
  int fetched = 0;
  int newItems = 0;
  int duplicates = 0;
  std::string error;  // "" = success
  std::string cursorBefore;
  std::string cursorAfter;
};

// `sluice history`: the newest polls of one trigger first, at most limit.
class HistoryStore {
 public:
  virtual ~HistoryStore() = default;

  virtual std::vector<PollRecord> history(const std::string& triggerKey, int limit) = 0;
};

}  // namespace sluice
