#include "apps/ghl/ghl_webhooks.h"

#include "apps/ghl/ghl_signature.h"
#include "core/logger.h"

namespace sluice {

namespace {

// The payload's timestamp: ISO 8601, or unix seconds or milliseconds.
WebhookVerdict checkTimestamp(const JsonValue& ts, int64_t nowMs) {
  if (ts.IsString()) return checkGhlTimestamp(ts.GetString(), nowMs);
  if (!ts.IsNumber())
    return WebhookVerdict::reject(WebhookVerdict::Kind::Malformed, "timestamp is not a time");
  const int64_t n = ts.IsInt64() ? ts.GetInt64() : static_cast<int64_t>(ts.GetDouble());
  const int64_t ms = n > 100000000000LL ? n : n * 1000;
  const int64_t age = nowMs - ms;
  if (age > kGhlTimestampWindowMs || age < -kGhlTimestampWindowMs)
    return WebhookVerdict::reject(
        WebhookVerdict::Kind::Stale,
        "timestamp is " + std::to_string(age / 1000) + " s from now (window 300 s)");
  return WebhookVerdict::accept();
}

class GhlWebhooks : public WebhookSource {
 public:
  GhlWebhooks(const std::string& publicKeyPem, std::string location)
      : verifier_(publicKeyPem), location_(std::move(location)) {}

  WebhookVerdict read(const std::string& body, const WebhookHeaders& headers, int64_t nowMs,
                      WebhookEvent& event) const override {
    const auto signature = headers.find("x-wh-signature");
    WebhookVerdict verdict =
        verifier_.verify(signature == headers.end() ? "" : signature->second, body);
    if (!verdict.ok()) return verdict;
    if (parseJson(body, event.body) || !event.body.IsObject())
      return WebhookVerdict::reject(WebhookVerdict::Kind::Malformed, "body is not a JSON object");
    if (const JsonValue* ts = jsonAt(event.body, "/timestamp")) {
      verdict = checkTimestamp(*ts, nowMs);
      if (!verdict.ok()) return verdict;
    }
    event.type = webhookField(event.body, "/type");
    const std::string webhookId = webhookField(event.body, "/webhookId");
    if (event.type.empty())
      return WebhookVerdict::reject(WebhookVerdict::Kind::Malformed, "event without type");
    event.deliveryTag = webhookId.empty() ? "" : "webhook:" + webhookId;
    event.logFields = kv("type", event.type) + " " + kv("webhook_id", webhookId);
    return verdict;
  }

  std::string notOurs(const WebhookEvent& event) const override {
    const std::string eventLocation = webhookField(event.body, "/locationId");
    const bool other = !location_.empty() && !eventLocation.empty() && eventLocation != location_;
    return other ? "other location" : "";
  }

  // A marketplace app's INSTALL and UNINSTALL events name the location (webhooks docs).
  bool changesTenants(const WebhookEvent& event) const override {
    return event.type == "INSTALL" || event.type == "UNINSTALL";
  }
  std::string tenantOf(const WebhookEvent& event) const override {
    return webhookField(event.body, "/locationId");
  }

  std::optional<WebhookTypes> typesFor(const Operation&, const JsonValue&,
                                       const std::vector<std::string>& flowEvents) const override {
    if (flowEvents.empty()) return std::nullopt;
    WebhookTypes types;
    types.patterns = flowEvents;
    return types;
  }

  // The trigger's record id pointer, else the event's own id.
  std::string recordId(const Operation& op, const WebhookEvent& event) const override {
    const std::string id = webhookField(event.body, op.recordId.empty() ? "/id" : op.recordId);
    return id.empty() ? webhookField(event.body, "/id") : id;
  }

 private:
  GhlSignatureVerifier verifier_;
  std::string location_;
};

}  // namespace

std::unique_ptr<WebhookSource> makeGhlWebhooks(const Connection& c) {
  const auto pem = c.settings.find("webhook_public_key");
  const auto location = c.settings.find("location_id");
  try {
    return std::make_unique<GhlWebhooks>(
        pem == c.settings.end() ? std::string(kGhlWebhookPublicKeyPem) : pem->second,
        location == c.settings.end() ? "" : location->second);
  } catch (const Error& err) {
    throw ConfigError(c.where, "connection " + c.name + ": webhook_public_key: " + err.what());
  }
}

}  // namespace sluice
