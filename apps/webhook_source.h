// What an app's webhooks need that YAML cannot say: how a request is verified and read into an
// event, whether the event belongs to the connection, which of its triggers an event feeds and
// under which record id. The receiver (webhooks/) does the rest, the same for every app:
// routing, dedupe against the trigger's seen ids, the commit, the answers and the logs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "apps/webhook_verdict.h"
#include "catalog/operation.h"
#include "core/json.h"

namespace sluice {

using WebhookHeaders = std::map<std::string, std::string>;  // lowercase names

struct WebhookEvent {
  JsonDoc body;      // the event as sent: the item the flows receive
  std::string type;  // what routes it to triggers
  // Kept next to the record id, so the same delivery again is a duplicate even when it names a
  // record the trigger has not seen ("" = the app has no delivery id).
  std::string deliveryTag;
  std::string logFields;  // how log lines name the event (kv pairs)
};

// The events one trigger takes: any, or type patterns where `*` matches any run of characters.
struct WebhookTypes {
  bool any = false;
  std::vector<std::string> patterns;
  bool matches(const std::string& type) const;
};

class WebhookSource {
 public:
  virtual ~WebhookSource() = default;
  // Checks the signature and reads the event. A rejection says why, never with the secret, the
  // key or the signature.
  virtual WebhookVerdict read(const std::string& body, const WebhookHeaders& headers, int64_t nowMs,
                              WebhookEvent& event) const = 0;
  // Why an authentic event is not this connection's (another account or location): it is
  // acknowledged and not routed. "" = it is this connection's.
  virtual std::string notOurs(const WebhookEvent&) const { return ""; }
  // The events a trigger takes; flowEvents: what its flows list in `webhook_events`. None when
  // the trigger's items cannot come by webhook (it only polls).
  virtual std::optional<WebhookTypes> typesFor(
      const Operation& op, const JsonValue& inputs,
      const std::vector<std::string>& flowEvents) const = 0;
  // Whether the event says the app was installed in or removed from a tenant (a sub-account,
  // a connected account): an agency connection lists its tenants again.
  virtual bool changesTenants(const WebhookEvent&) const { return false; }
  // The tenant an agency connection's event belongs to ("" = none named).
  virtual std::string tenantOf(const WebhookEvent&) const { return ""; }
  // The id a poll of op gives the record this event carries; "" when the event has none.
  virtual std::string recordId(const Operation& op, const WebhookEvent& event) const = 0;
};

// A text field of a JSON document ("" when missing or not a string or number).
std::string webhookField(const JsonValue& doc, const std::string& pointer);

}  // namespace sluice
