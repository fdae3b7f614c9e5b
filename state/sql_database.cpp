// The per-row defaults of the dialect hooks: right for any database, and what SQLite uses (its
// statements are in-process calls, so a row at a time costs nothing a batch would save).
#include "state/sql_database.h"

#include "core/error.h"
#include "state/store_sql.h"

namespace sluice {

void failState(const char* what, const std::string& subject, const std::string& cause) {
  std::string message = std::string("state: ") + what;
  if (!subject.empty()) message += " " + subject;
  throw StateError(message + ": " + cause);
}

std::optional<std::string> SqlDatabase::leaseHolder(SqlTransaction& tx, const std::string& key) {
  std::optional<std::string> holder;
  tx.query(store_sql::kLeaseHolder, {key}, [&](const SqlRow& row) { holder = row.text(0); });
  return holder;
}

std::map<std::string, std::string> SqlDatabase::seenVersions(
    SqlTransaction& tx, const std::string& key, const std::vector<std::string>& itemKeys) {
  std::map<std::string, std::string> found;
  for (const auto& itemKey : itemKeys) {
    tx.query(store_sql::kSeenVersion, {key, itemKey},
             [&](const SqlRow& row) { found[itemKey] = row.text(0); });
  }
  return found;
}

void SqlDatabase::upsertSeen(SqlTransaction& tx, const std::string& key,
                             const std::vector<SeenEntry>& entries, int64_t nowMs) {
  for (const auto& entry : entries)
    tx.exec(store_sql::kUpsertSeen,
            {key, entry.itemKey, entry.version, nowMs, nowMs - kSeenRefreshMs});
}

void SqlDatabase::enqueue(SqlTransaction& tx, const std::vector<OutboxItem>& items, int64_t nowMs) {
  for (const auto& item : items)
    tx.exec(store_sql::kEnqueue, {item.flow, item.itemKey, item.itemJson, nowMs,
                                  item.recordKey.empty() ? item.itemKey : item.recordKey});
}

std::vector<std::string> SqlDatabase::claimTriggers(SqlTransaction& tx,
                                                    const std::vector<std::string>& keys,
                                                    const std::string& owner, int64_t nowMs,
                                                    int64_t untilMs, bool evenIfNotDue) {
  std::vector<std::string> held;
  for (const auto& key : keys) {
    tx.exec(store_sql::kEnsureTrigger, {key});
    const int64_t even = evenIfNotDue ? 1 : 0;
    if (tx.exec(store_sql::kClaimTrigger, {key, owner, untilMs, nowMs, even}) > 0)
      held.push_back(key);
  }
  return held;
}

std::vector<Delivery> SqlDatabase::claimDeliveries(SqlTransaction& tx, const std::string& owner,
                                                   int64_t nowMs, int limit, int64_t untilMs) {
  std::vector<Delivery> claimed;
  tx.query(store_sql::kClaimableDeliveries, {nowMs, owner, int64_t{limit}},
           [&](const SqlRow& row) { claimed.push_back(store_sql::readDelivery(row)); });
  for (const auto& d : claimed) tx.exec(store_sql::kLeaseDelivery, {d.id, owner, untilMs});
  return claimed;
}

}  // namespace sluice
