#include "state/store_sql.h"

namespace sluice {
namespace store_sql {

TriggerState readTrigger(const SqlRow& row) {
  TriggerState t;
  t.key = row.text(0);
  t.op = row.text(1);
  t.connection = row.text(2);
  t.cursorJson = row.text(3);
  t.nextDueMs = row.integer(4);
  t.lastPollMs = row.integer(5);
  t.watermarkMovedMs = row.integer(6);
  t.consecutiveErrors = static_cast<int>(row.integer(7));
  t.lastError = row.text(8);
  t.polledBy = row.text(9);
  return t;
}

TriggerSchedule readTriggerSchedule(const SqlRow& row) {
  TriggerSchedule t;
  t.key = row.text(0);
  t.nextDueMs = row.integer(1);
  t.lastPollMs = row.integer(2);
  t.watermarkMovedMs = row.integer(3);
  t.consecutiveErrors = static_cast<int>(row.integer(4));
  return t;
}

Delivery readDelivery(const SqlRow& row) {
  Delivery d;
  d.id = row.integer(0);
  d.flow = row.text(1);
  d.itemKey = row.text(2);
  d.itemJson = row.text(3);
  d.status = parseDeliveryStatus(row.text(4));
  d.attempts = static_cast<int>(row.integer(5));
  d.createdMs = row.integer(6);
  d.nextAttemptMs = row.integer(7);
  d.lastError = row.text(8);
  d.recordKey = row.text(9);
  d.hasStepResults = row.integer(10) != 0;
  return d;
}

PollRecord readPollRecord(const SqlRow& row) {
  PollRecord r;
  r.triggerKey = row.text(0);
  r.startedMs = row.integer(1);
  r.finishedMs = row.integer(2);
  r.pages = static_cast<int>(row.integer(3));
  r.fetched = static_cast<int>(row.integer(4));
  r.newItems = static_cast<int>(row.integer(5));
  r.duplicates = static_cast<int>(row.integer(6));
  r.error = row.text(7);
  r.cursorBefore = row.text(8);
  r.cursorAfter = row.text(9);
  return r;
}

StepResult readStepResult(const SqlRow& row) {
  return {static_cast<int>(row.integer(0)), row.text(1), row.text(2) == "started"};
}

OAuthTokens readTokens(const SqlRow& row) {
  OAuthTokens tokens;
  tokens.accessToken = row.text(0);
  tokens.refreshToken = row.text(1);
  tokens.expiresAtMs = row.integer(2);
  return tokens;
}

}  // namespace store_sql
}  // namespace sluice
