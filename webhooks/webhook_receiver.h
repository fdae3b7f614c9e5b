// Optional webhook intake (settings.webhooks.listen): an HTTP server on the configured address
// that takes signed events at POST /webhooks/<connection> and puts them in the same dedupe and
// outbox as polled items, so an event seen both by webhook and by a poll fires once.
// What an app's webhooks need of their own (signature, event type, which triggers, which
// record id, whose event) is its WebhookSource (apps/webhook_source.h, apps/<app>/*_webhooks.h).
// Answers: 200 {"received":true} (also for duplicates and events no flow wants), 400 malformed
// or stale, 401 missing or wrong signature, 404 unknown path or a connection without webhooks,
// 405 not POST, 413 body over 1 MiB, 500 the state store failed (the sender retries).
// Every rejection is logged as webhook.rejected with the connection and the reason; never the
// secret, the key or the signature.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "apps/registry.h"
#include "catalog/catalog.h"
#include "config/config.h"
#include "core/clock.h"
#include "http/http_server.h"
#include "state/trigger_store.h"

namespace sluice {

struct WebhookResponse {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class WebhookReceiver {
 public:
  static constexpr size_t kMaxBodyBytes = 1 << 20;

  // onAccepted runs after an event put new items in the outbox (the runner wakes its
  // dispatcher). Throws ConfigError when a connection's webhook_public_key is not a PEM key.
  WebhookReceiver(const Catalog& catalog, const Config& config, TriggerStore& state,
                  const Clock& clock, std::function<void()> onAccepted = {},
                  const AppRegistry& apps = AppRegistry::builtIn());
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  // Listens on "HOST:PORT" (that address only; port 0 picks a free one) until stop().
  // Throws Error when the address cannot be bound.
  void start(const std::string& address);
  // Stops accepting, lets requests in progress finish. Idempotent.
  void stop();
  uint16_t port() const { return http_.port(); }
  // Told when an event says an app was installed or uninstalled in a tenant.
  void onTenantsChanged(std::function<void()> changed) { onTenants_ = std::move(changed); }

  // One request whose body was read (at most kMaxBodyBytes). headers: lowercase names.
  // What the HTTP server calls; safe from several threads at once.
  WebhookResponse handle(const std::string& method, const std::string& path,
                         const std::map<std::string, std::string>& headers,
                         const std::string& body);
  // The answer to a body over kMaxBodyBytes (logged like every rejection).
  WebhookResponse tooLarge(const std::string& path);

  struct Endpoint;

 private:
  WebhookResponse reject(const std::string& connection, int status, const std::string& reason);
  void routeTriggers(const Catalog& catalog);
  WebhookResponse accept(const Endpoint& e, const std::string& body,
                         const std::map<std::string, std::string>& headers);
  // An agency connection's event goes to its tenant's routes; nullptr when that tenant does
  // not run here (the reason in why).
  const Endpoint* routedEndpoint(const Endpoint& e, const WebhookEvent& event, std::string& why);

  const Config& config_;
  TriggerStore& state_;
  const Clock& clock_;
  std::function<void()> onAccepted_;
  std::function<void()> onTenants_;
  std::map<std::string, std::unique_ptr<Endpoint>> endpoints_;  // by connection name
  HttpServer http_;  // last: stopped before the members its requests read
};

}  // namespace sluice
