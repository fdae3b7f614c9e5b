#include "webhooks/webhook_receiver.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "core/json.h"
#include "core/logger.h"
#include "poll/trigger_spec.h"

namespace sluice {

struct WebhookReceiver::Endpoint {
  std::string name;
  std::unique_ptr<WebhookSource> source;  // the app's verification and routing
  struct Route {
    TriggerSpec spec;  // with every enabled flow of the trigger
    WebhookTypes types;
  };
  std::vector<Route> routes;
};

namespace {

const char* const kReceived = "{\"received\":true}";

// A name from the request path, safe for a log line.
std::string printable(const std::string& text) {
  std::string out;
  for (char c : text.substr(0, 64))
    out +=
        std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' ? c : '?';
  return out;
}

int statusFor(WebhookVerdict::Kind kind) {
  switch (kind) {
    case WebhookVerdict::Kind::Ok:
      return 200;
    case WebhookVerdict::Kind::Missing:
    case WebhookVerdict::Kind::Invalid:
      return 401;
    case WebhookVerdict::Kind::Malformed:
    case WebhookVerdict::Kind::Stale:
      return 400;
  }
  return 400;
}

// One verified item for one trigger: unless the trigger has seen it (by a poll or an earlier
// webhook), it goes to every flow of the trigger, and its id is remembered so the trigger's
// next poll treats it as known. The trigger's cursor and schedule are left alone.
bool commitItem(TriggerStore& state, const Clock& clock, const TriggerSpec& spec,
                const std::string& itemKey, const std::string& extraSeen,
                const std::string& itemJson) {
  std::vector<std::string> keys{itemKey};
  if (!extraSeen.empty()) keys.push_back(extraSeen);
  if (!state.seenVersions(spec.key, keys).empty()) return false;  // a duplicate
  PollCommit c;
  c.fromWebhook = true;
  c.triggerKey = spec.key;
  c.op = spec.op->fullId();
  c.connection = spec.connection;
  c.seen.push_back({itemKey, ""});
  if (!extraSeen.empty()) c.seen.push_back({extraSeen, ""});
  // A poll that raced us to the same item enqueued it too: UNIQUE(flow, item_key) keeps one.
  for (const auto& sub : spec.subscribers)
    c.items.push_back({sub.flow, itemKey, itemJson, itemKey});
  const int64_t now = clock.nowMs();
  c.history.triggerKey = spec.key;
  c.history.startedMs = now;
  c.history.finishedMs = now;
  c.history.fetched = 1;
  c.history.newItems = 1;
  state.commitPoll(c);
  return true;
}

// One request: read headers and body (capped), answer with WebhookReceiver::handle.
void serveWebhook(WebhookReceiver& receiver, Poco::Net::HTTPServerRequest& request,
                  Poco::Net::HTTPServerResponse& response) {
  WebhookResponse out;
  bool drained = true;
  try {
    const std::string path = Poco::URI(request.getURI()).getPath();
    std::map<std::string, std::string> headers;
    for (const auto& [name, value] : request) {
      std::string key = name;
      for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      headers[key] = value;
    }
    std::string body;
    bool tooLarge = false;
    if (request.getMethod() == "POST") {
      // A body over the cap is read on and dropped (so the sender gets the 413 rather than
      // a reset), up to kDrainLimit; beyond that the connection is closed under it.
      const size_t kDrainLimit = 4 * WebhookReceiver::kMaxBodyBytes;
      if (request.hasContentLength() &&
          request.getContentLength64() > static_cast<int64_t>(kDrainLimit)) {
        tooLarge = true;
        drained = false;
      } else {
        std::istream& in = request.stream();
        char buffer[16384];
        size_t total = 0;
        while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
          const size_t n = static_cast<size_t>(in.gcount());
          total += n;
          if (total > WebhookReceiver::kMaxBodyBytes) {
            tooLarge = true;
            body.clear();
            if (total > kDrainLimit) {
              drained = false;
              break;
            }
          } else {
            body.append(buffer, n);
          }
        }
      }
    }
    out = tooLarge ? receiver.tooLarge(path)
                   : receiver.handle(request.getMethod(), path, headers, body);
  } catch (const std::exception& e) {
    out = {400, "{\"error\":\"bad request\"}", {}};
    drained = false;
    logWarn("webhook.rejected", kv("status", 400) + " " + kv("reason", "unreadable request"));
  }
  // An unread body must not be taken for the next request on this connection.
  if (!drained) response.setKeepAlive(false);
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(out.status));
  response.setContentType("application/json");
  for (const auto& [name, value] : out.headers) response.set(name, value);
  response.sendBuffer(out.body.data(), out.body.size());
}

}  // namespace

WebhookReceiver::WebhookReceiver(const Catalog& catalog, const Config& config, TriggerStore& state,
                                 const Clock& clock, std::function<void()> onAccepted,
                                 const AppRegistry& apps)
    : config_(config),
      state_(state),
      clock_(clock),
      onAccepted_(std::move(onAccepted)),
      http_("webhooks", {4, 64},
            [this](auto& request, auto& response) { serveWebhook(*this, request, response); }) {
  for (const auto& [name, c] : config.connections) {
    auto source = apps.webhooks(c);
    if (!source) continue;  // webhooks are off for this connection
    auto e = std::make_unique<Endpoint>();
    e->name = name;
    e->source = std::move(source);
    endpoints_[name] = std::move(e);
  }
  routeTriggers(catalog);
}

// Flows that share a trigger share its items: a webhook item goes to all of them, as a poll's
// would (the trigger's seen ids are shared too).
void WebhookReceiver::routeTriggers(const Catalog& catalog) {
  std::map<std::string, TriggerSpec> byKey;
  std::map<std::string, std::vector<std::string>> flowEvents;
  std::vector<std::string> order;
  for (const auto& flow : config_.flows) {
    if (!flow.enabled || !endpoints_.count(flow.trigger.connection)) continue;
    TriggerSpec spec = makeTriggerSpec(flow, config_, catalog);
    auto it = byKey.find(spec.key);
    if (it == byKey.end()) {
      order.push_back(spec.key);
      byKey[spec.key] = spec;
    } else {
      it->second.subscribers.push_back(spec.subscribers.front());
    }
    auto& events = flowEvents[spec.key];
    for (const auto& type : flow.trigger.webhookEvents)
      if (std::find(events.begin(), events.end(), type) == events.end()) events.push_back(type);
  }
  for (const auto& key : order) {
    TriggerSpec& spec = byKey[key];
    Endpoint& e = *endpoints_[spec.connection];
    std::sort(flowEvents[key].begin(), flowEvents[key].end());
    auto types = e.source->typesFor(*spec.op, *spec.inputs, flowEvents[key]);
    if (types) e.routes.push_back({std::move(spec), std::move(*types)});
  }
}

WebhookReceiver::~WebhookReceiver() {
  stop();
}

void WebhookReceiver::start(const std::string& address) {
  if (http_.running()) return;
  http_.start(address);
  std::string names;
  for (const auto& [name, e] : endpoints_) names += (names.empty() ? "" : ",") + name;
  logInfo("webhooks.listen", kv("address", address) + " " + kv("port", http_.port()) + " " +
                                 kv("connections", names.empty() ? "none" : names));
}

void WebhookReceiver::stop() {
  http_.stop();  // idle connections close; requests in progress finish
}

WebhookResponse WebhookReceiver::reject(const std::string& connection, int status,
                                        const std::string& reason) {
  logWarn("webhook.rejected",
          kv("connection", connection) + " " + kv("status", status) + " " + kv("reason", reason));
  JsonDoc doc(rapidjson::kObjectType);
  doc.AddMember("error", jsonString(reason, doc.GetAllocator()), doc.GetAllocator());
  return {status, toJson(doc), {}};
}

WebhookResponse WebhookReceiver::tooLarge(const std::string& path) {
  const std::string prefix = "/webhooks/";
  const std::string name = path.rfind(prefix, 0) == 0 ? path.substr(prefix.size()) : "";
  return reject(printable(name), 413, "body over " + std::to_string(kMaxBodyBytes / 1024) + " KiB");
}

WebhookResponse WebhookReceiver::handle(const std::string& method, const std::string& path,
                                        const std::map<std::string, std::string>& headers,
                                        const std::string& body) {
  const std::string prefix = "/webhooks/";
  if (path.rfind(prefix, 0) != 0) return reject("", 404, "unknown path " + printable(path));
  const std::string name = path.substr(prefix.size());
  auto it = endpoints_.find(name);
  if (it == endpoints_.end())
    return reject(printable(name), 404,
                  config_.connections.count(name) ? "webhooks are not enabled for this connection"
                                                  : "unknown connection");
  if (method != "POST") {
    WebhookResponse r = reject(name, 405, "method " + printable(method) + " not allowed");
    r.headers.emplace_back("Allow", "POST");
    return r;
  }
  if (body.size() > kMaxBodyBytes) return tooLarge(path);
  try {
    return accept(*it->second, body, headers);
  } catch (const StateError& e) {
    // Not accepted: the sender delivers it again later.
    logError("webhook.error",
             kv("connection", name) + " " + kv("error", Logger::instance().mask(e.what())));
    return {500, "{\"error\":\"state store unavailable\"}", {}};
  }
}

const WebhookReceiver::Endpoint* WebhookReceiver::routedEndpoint(const Endpoint& e,
                                                                 const WebhookEvent& event,
                                                                 std::string& why) {
  const auto c = config_.connections.find(e.name);
  if (c == config_.connections.end() || !c->second.tenants.any()) return &e;
  const std::string tenant = e.source->tenantOf(event);
  if (tenant.empty()) {
    why = "no tenant named in the event";
    return nullptr;
  }
  const auto it = endpoints_.find(e.name + "@" + tenant);
  if (it == endpoints_.end()) {
    why = "tenant " + tenant + " does not run here (not installed, not selected or revoked)";
    return nullptr;
  }
  return it->second.get();
}

WebhookResponse WebhookReceiver::accept(const Endpoint& e, const std::string& body,
                                        const std::map<std::string, std::string>& headers) {
  WebhookEvent event;
  const WebhookVerdict verdict = e.source->read(body, headers, clock_.nowMs(), event);
  if (!verdict.ok()) return reject(e.name, statusFor(verdict.kind), verdict.reason);
  const std::string named = kv("connection", e.name) + " " + event.logFields;
  const std::string notOurs = e.source->notOurs(event);
  if (!notOurs.empty()) {
    logInfo("webhook.ignored", named + " " + kv("reason", notOurs));
    return {200, kReceived, {}};
  }
  if (e.source->changesTenants(event)) {
    logInfo("webhook.tenants", named + " action=list_tenants_again");
    if (onTenants_) onTenants_();
    return {200, kReceived, {}};
  }
  std::string why;
  const Endpoint* target = routedEndpoint(e, event, why);
  if (!target) {
    logInfo("webhook.ignored", named + " " + kv("reason", why));
    return {200, kReceived, {}};
  }
  const std::string itemJson = toJson(event.body);
  int fresh = 0, dup = 0, routed = 0;
  for (const auto& route : target->routes) {
    if (!route.types.matches(event.type)) continue;
    const std::string id = e.source->recordId(*route.spec.op, event);
    if (id.empty()) {
      logWarn("webhook.unrouted", named + " " + kv("op", route.spec.op->fullId()) +
                                      " reason=\"no record id in the event\"");
      continue;
    }
    ++routed;
    if (commitItem(state_, clock_, route.spec, id, event.deliveryTag, itemJson))
      fresh += static_cast<int>(route.spec.subscribers.size());
    else
      ++dup;
  }
  logInfo("webhook.accepted",
          named + " " + kv("triggers", routed) + " " + kv("new", fresh) + " " + kv("dup", dup));
  if (fresh && onAccepted_) onAccepted_();
  return {200, kReceived, {}};
}

}  // namespace sluice
