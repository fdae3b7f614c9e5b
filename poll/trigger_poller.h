// Polls one trigger (operation + connection + inputs) and dedupes what it got:
//   decode the cursor (poll/trigger_cursor.h) -> walk the pages within the page cap, resuming
//   where the last poll stopped (poll/page_walker.h) -> read the records
//   (poll/record_reader.h) -> drop what the trigger saw (poll/deduper.h) -> a PollCommit with
//   the new outbox items AND the advanced cursor, for one transaction.
// On any failure it returns the error and the cursor stays where it was. The poller writes
// nothing: the caller commits the PollCommit.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/keys.h"
#include "http/api_client.h"
#include "poll/deduper.h"
#include "state/trigger_store.h"

namespace sluice {

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
  // The API refused the credentials (401 after a new token, 403, or no token could be had).
  bool refused = false;
  PollCommit commit;  // when ok (history filled either way)
};

class TriggerPoller {
 public:
  static constexpr size_t kMaxRecordsPerPage = ::sluice::kMaxRecordsPerPage;
  static constexpr int64_t kSeenRetentionMs = 30LL * 24 * 3600 * 1000;
  static_assert(kSeenRetentionMs > kSeenRefreshMs, "an item still listed must never be forgotten");

  TriggerPoller(ApiClient& client, TriggerStore& state, const Clock& clock)
      : client_(client), state_(state), clock_(clock) {}

  PollResult poll(const TriggerSpec& trigger);

 private:
  struct Sweep;
  bool fetch(const TriggerSpec& trigger, Sweep& sweep, PollResult& result);
  bool readPage(const Operation& op, const JsonValue& body, std::vector<const JsonValue*>& items,
                Sweep& sweep, PollResult& result);
  PollResult& fail(PollResult& result, const std::string& error, bool retryable);
  void finish(const TriggerSpec& trigger, Sweep& sweep, PollResult& result);

  ApiClient& client_;
  TriggerStore& state_;
  const Clock& clock_;
};

}  // namespace sluice
