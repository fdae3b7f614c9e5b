// Polls one trigger (operation + connection + inputs) and dedupes what it got:
//   fetch pages (within the page cap, resuming where the last poll stopped) ->
//   extract records -> compare with the cursor and the seen ids/versions ->
//   a PollCommit with the new outbox items AND the advanced cursor, for one transaction.
// On any failure it returns the error and the cursor stays where it was.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/keys.h"
#include "http/api_client.h"
#include "state/state_store.h"

namespace sluice {

struct Subscriber {
  std::string flow;
  int backfill = 0;  // first poll fires the newest N instead of seeding silently
};

struct TriggerSpec {
  std::string key;  // op + connection + normalized inputs
  const Operation* op = nullptr;
  std::string connection;
  std::shared_ptr<JsonDoc> inputs;  // rendered trigger inputs (an object)
  std::vector<Subscriber> subscribers;
};

struct PollResult {
  bool ok = false;
  std::string error;  // when !ok: names the operation and, for bad data, the field
  bool retryable = true;
  int64_t retryAfterMs = -1;
  PollCommit commit;  // when ok (history filled either way)
};

class TriggerPoller {
 public:
  // Upper bounds against hostile or broken servers.
  static constexpr size_t kMaxRecordsPerPage = 1000;
  static constexpr int64_t kSeenRetentionMs = 30LL * 24 * 3600 * 1000;

  TriggerPoller(ApiClient& client, StateStore& state, const Clock& clock)
      : client_(client), state_(state), clock_(clock) {}

  // dryRun: fetch and dedupe but mark nothing (for `sluice test`); the commit is not applied
  // by the poller in any case: the caller commits it.
  PollResult poll(const TriggerSpec& trigger);

 private:
  ApiClient& client_;
  StateStore& state_;
  const Clock& clock_;
};

}  // namespace sluice
