// Stripe's webhooks (connection setting webhook_secret): Stripe-Signature is checked
// (HMAC-SHA256, 300 s tolerance); an event feeds the triggers that poll GET /v1/events on that
// connection with a matching `type` (or none), under the event id, as a poll has it. A Connect
// endpoint also gets connected accounts' events; only the connection's own account's are routed.
#pragma once

#include <memory>

#include "apps/webhook_source.h"
#include "config/config.h"

namespace sluice {

// None when the connection has no webhook_secret (webhooks are off for it).
std::unique_ptr<WebhookSource> makeStripeWebhooks(const Connection& connection);

}  // namespace sluice
