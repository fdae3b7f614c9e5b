#include "apps/stripe/stripe_webhooks.h"

#include "apps/stripe/stripe_signature.h"
#include "core/logger.h"

namespace sluice {

namespace {

std::string settingOf(const Connection& connection, const std::string& name) {
  const auto it = connection.settings.find(name);
  return it == connection.settings.end() ? "" : it->second;
}

// A trigger whose records are Stripe events: a webhook's body is exactly one of them.
bool isEventsTrigger(const Operation& op) {
  return op.kind == OpKind::Trigger && op.request.method == "GET" &&
         op.request.path == "/v1/events" && op.records == "/data" && op.recordId == "/id" &&
         op.detect == DetectMode::New;
}

class StripeWebhooks : public WebhookSource {
 public:
  // platform: a connection with `accounts:`, whose events come from its connected accounts.
  StripeWebhooks(std::string secret, std::string account, bool platform)
      : secret_(std::move(secret)), account_(std::move(account)), platform_(platform) {}

  WebhookVerdict read(const std::string& body, const WebhookHeaders& headers, int64_t nowMs,
                      WebhookEvent& event) const override {
    const auto signature = headers.find("stripe-signature");
    const WebhookVerdict verdict = verifyStripeSignature(
        signature == headers.end() ? "" : signature->second, body, secret_, nowMs);
    if (!verdict.ok()) return verdict;
    if (parseJson(body, event.body) || !event.body.IsObject())
      return WebhookVerdict::reject(WebhookVerdict::Kind::Malformed, "body is not a JSON object");
    const std::string id = webhookField(event.body, "/id");
    event.type = webhookField(event.body, "/type");
    if (id.empty() || event.type.empty())
      return WebhookVerdict::reject(WebhookVerdict::Kind::Malformed, "event without id or type");
    event.logFields = kv("event", id) + " " + kv("type", event.type);
    return verdict;
  }

  // This connection's polls only see its own account's events (Stripe-Account).
  std::string notOurs(const WebhookEvent& event) const override {
    if (platform_) return "";  // routed by account to the tenant (tenantOf)
    return webhookField(event.body, "/account") == account_ ? "" : "other account";
  }

  // Connect: the platform's app was authorized in or removed from a connected account.
  bool changesTenants(const WebhookEvent& event) const override {
    return platform_ && (event.type == "account.application.authorized" ||
                         event.type == "account.application.deauthorized");
  }
  std::string tenantOf(const WebhookEvent& event) const override {
    return webhookField(event.body, "/account");
  }

  // The op's fixed query `type`, or its `type` input. None when the filter cannot be known
  // ahead (a templated query): such triggers only poll.
  std::optional<WebhookTypes> typesFor(const Operation& op, const JsonValue& inputs,
                                       const std::vector<std::string>&) const override {
    if (!isEventsTrigger(op)) return std::nullopt;
    WebhookTypes types;
    types.any = true;
    for (const auto& [name, value] : op.request.query.members()) {
      if (name != "type") continue;
      if (value.kind() != ValueTemplate::Kind::String || !value.text().isLiteral())
        return std::nullopt;
      types.any = false;
      types.patterns.push_back(value.text().source());
    }
    if (const JsonValue* t = jsonAt(inputs, "/type")) {
      if (!t->IsString()) return std::nullopt;
      if (t->GetStringLength() > 0) {
        types.any = false;
        types.patterns.assign(1, t->GetString());
      }
    }
    return types;
  }

  std::string recordId(const Operation&, const WebhookEvent& event) const override {
    return webhookField(event.body, "/id");
  }

 private:
  std::string secret_;
  std::string account_;
  bool platform_ = false;
};

}  // namespace

std::unique_ptr<WebhookSource> makeStripeWebhooks(const Connection& connection) {
  const std::string secret = settingOf(connection, "webhook_secret");
  if (secret.empty()) return nullptr;
  return std::make_unique<StripeWebhooks>(secret, settingOf(connection, "account"),
                                          connection.tenants.any());
}

}  // namespace sluice
