// HighLevel's webhooks (every ghl connection; key: webhook_public_key, else the one HighLevel
// publishes): x-wh-signature is checked (RSA-SHA256), the payload's timestamp must be within 5
// minutes, and an event feeds the triggers whose flows list its type in `webhook_events`, under
// the record id the trigger's poll gives (webhookId is kept with it, so a redelivered webhook is
// a duplicate). One app's webhooks come for every location that installed it; a connection
// takes its own location's.
#pragma once

#include <memory>

#include "apps/webhook_source.h"
#include "config/config.h"

namespace sluice {

// Throws ConfigError (at the connection) when webhook_public_key is not a PEM public key.
std::unique_ptr<WebhookSource> makeGhlWebhooks(const Connection& connection);

}  // namespace sluice
