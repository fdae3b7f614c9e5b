// Paused flows (`sluice flow pause|resume`, the console): a paused flow keeps its cursor, its
// trigger is not polled (unless another, running flow shares it) and its outbox rows are
// neither due nor claimable until it is resumed, so nothing is lost or dead-lettered by the
// pause. The flag lives in the store: every `sluice run` on it sees it on its next pass.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace sluice {

class FlowPauseStore {
 public:
  virtual ~FlowPauseStore() = default;

  // Pauses the flow from atMs; false when it was paused already (its time stays).
  virtual bool pauseFlow(const std::string& flow, int64_t atMs) = 0;
  // false when it was not paused.
  virtual bool resumeFlow(const std::string& flow) = 0;
  // Every paused flow with the time it was paused. The poll scheduler reads it on each pass
  // that has due triggers.
  virtual std::map<std::string, int64_t> pausedFlows() = 0;
};

}  // namespace sluice
