// Shared building blocks of the fake API servers: the record store, id generation, the
// record clock, the effects ledger, the request counters and the fault queue.
// None of these lock: the owning server holds one mutex around all of its state.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

namespace sluice::fakes {

// Records take their creation time from this clock. Tests pin it so that many records share
// one second, which is exactly where cursor and "newest first" bugs hide.
class Clock {
 public:
  std::int64_t nowSeconds() const;
  std::int64_t nowMillis() const;
  void pin(std::int64_t unixSeconds) { pinned_ = unixSeconds; }
  void unpin() { pinned_.reset(); }
  bool pinned() const { return pinned_.has_value(); }

 private:
  std::optional<std::int64_t> pinned_;
};

// Random alphanumeric ids with an API-specific prefix ("cus_" for Stripe, none for GHL).
class IdGenerator {
 public:
  IdGenerator();
  std::string next(const std::string& prefix, std::size_t length);

 private:
  std::mt19937_64 rng_;
};

struct Record {
  std::string id;
  std::int64_t seq = 0;        // insertion order, breaks ties between same-time records
  std::int64_t createdMs = 0;  // server clock at creation; lists sort on it
  rapidjson::Document doc;     // the API representation
};

// Records by kind ("customers", "contacts"...), each kind in insertion order.
class RecordStore {
 public:
  Record& insert(const std::string& kind, const std::string& id, std::int64_t createdMs,
                 rapidjson::Document doc);
  Record* find(const std::string& kind, const std::string& id);
  const Record* find(const std::string& kind, const std::string& id) const;
  bool erase(const std::string& kind, const std::string& id);
  // Insertion order (oldest first).
  std::vector<Record*> all(const std::string& kind);
  std::vector<std::string> kinds() const;
  void clear();
  // Equality lookups on a string field, so that a list filtered by email reads the records
  // that have it rather than every record (at 100,000 customers the scan was the benchmark's
  // limit, not sluice). Declared for every space, before the kind's first record.
  void indexField(const std::string& kind, const std::string& field);
  bool indexed(const std::string& kind, const std::string& field) const;
  // The records whose field is exactly this string, in insertion order. A record reached
  // through find() or insert() may have been changed since, so such records are indexed again
  // first; a record changed through all() must be passed to touch().
  std::vector<Record*> withField(const std::string& kind, const std::string& field,
                                 const std::string& value);
  void touch(const std::string& kind, const Record& record);
  // Records of another space (a Stripe connected account) are invisible to this one: every
  // call above acts in the current space ("" = the platform's own).
  void setSpace(const std::string& space) { space_ = space; }
  const std::string& space() const { return space_; }

 private:
  std::string key(const std::string& kind) const {
    return space_.empty() ? kind : space_ + "/" + kind;
  }
  struct FieldIndex {
    std::unordered_map<std::string, std::set<std::int64_t>> seqsOf;
    std::unordered_map<std::int64_t, std::string> valueOf;
  };
  struct Kind {
    std::map<std::int64_t, Record> bySeq;
    std::unordered_map<std::string, std::int64_t> seqOf;
    std::map<std::string, FieldIndex> indexes;  // by field
  };
  Kind& kindFor(const std::string& kind);
  static void unindex(Kind& k, std::int64_t seq);
  static void reindex(Kind& k, const Record& r);
  void reindexTouched();

  std::string space_;
  std::map<std::string, Kind> kinds_;
  std::map<std::string, std::set<std::string>> indexedFields_;  // kind -> fields
  std::set<std::pair<std::string, std::int64_t>> touched_;      // (kind key, seq)
  std::int64_t nextSeq_ = 1;
};

// Puts a store in a space (a Stripe connected account) for one request or helper, and back
// into the space it was in after.
class SpaceGuard {
 public:
  SpaceGuard(RecordStore& store, const std::string& space) : store_(store), old_(store.space()) {
    store_.setSpace(space);
  }
  ~SpaceGuard() { store_.setSpace(old_); }
  SpaceGuard(const SpaceGuard&) = delete;
  SpaceGuard& operator=(const SpaceGuard&) = delete;

 private:
  RecordStore& store_;
  std::string old_;
};

// Every state-changing API call, for exactly-once proofs: a test counts the effects that
// carry one idempotency key and expects exactly one.
struct Effect {
  std::int64_t seq = 0;
  std::string method;
  std::string path;
  std::string idempotencyKey;  // empty when the request carried none
  std::string body;
  int status = 0;
  std::int64_t atMs = 0;
};

class EffectsLedger {
 public:
  void add(Effect effect);
  const std::vector<Effect>& all() const { return effects_; }
  void clear() { effects_.clear(); }
  std::string toJson() const;

 private:
  std::vector<Effect> effects_;
};

// Requests per "METHOD /route/{pattern}".
class RequestCounter {
 public:
  void add(const std::string& key) { ++counts_[key]; }
  const std::map<std::string, std::int64_t>& all() const { return counts_; }
  void clear() { counts_.clear(); }
  std::string toJson() const;

 private:
  std::map<std::string, std::int64_t> counts_;
};

enum class FaultKind { kStatus, kSlow, kTruncate, kMalformed, kDrop, kMissingRecords, kMissingId };

struct Fault {
  FaultKind kind = FaultKind::kStatus;
  std::string match;   // path prefix (segment boundary); empty matches every API path
  std::string method;  // empty matches every method
  int status = 500;
  int retryAfter = -1;  // seconds for Retry-After; -1 = no header
  int delayMs = 0;      // kSlow
  int count = 1;        // remaining matches; -1 = until cleared
  bool apply = false;   // kDrop: process the request first, then drop (the lost-response case)
  std::string message;  // error message for kStatus
  std::optional<bool> shouldRetry;  // Stripe-Should-Retry header for kStatus

  // {"kind": "...", "match": ..., "method": ..., "status": ..., "retry_after": ...,
  //  "delay_ms": ..., "count": ..., "apply": ..., "message": ...}. No kind + status = kStatus.
  static std::optional<Fault> fromJson(const rapidjson::Value& json, std::string* error);
  static const char* kindName(FaultKind kind);
};

class FaultQueue {
 public:
  void add(Fault fault) { faults_.push_back(std::move(fault)); }
  void clear() { faults_.clear(); }
  // The first fault matching the request, with its count consumed.
  std::optional<Fault> take(const std::string& method, const std::string& path);
  std::string toJson() const;

 private:
  std::vector<Fault> faults_;
};

// True when path equals prefix or continues it at a '/' boundary.
bool pathMatches(const std::string& prefix, const std::string& path);

}  // namespace sluice::fakes
