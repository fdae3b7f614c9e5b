// The poll commits the benchmarks write to the store directly, without a poll: one trigger's
// key, operation and connection, its cursor, and its history under the same key. Each benchmark
// adds its seen ids, items and times.
#pragma once

#include <string>

#include "state/trigger_store.h"

namespace sluice::bench {

inline PollCommit benchCommit(const std::string& triggerKey, const std::string& op,
                              const std::string& connection, const std::string& cursor = "{}") {
  PollCommit commit;
  commit.triggerKey = triggerKey;
  commit.op = op;
  commit.connection = connection;
  commit.cursorJson = cursor;
  commit.history.triggerKey = triggerKey;
  return commit;
}

}  // namespace sluice::bench
