#include "webhooks/webhook_receiver.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <cctype>
#include <set>

#include "apps/ghl/ghl_signature.h"
#include "apps/stripe/stripe_signature.h"
#include "core/json.h"
#include "core/logger.h"
#include "poll/trigger_spec.h"

namespace sluice {

struct WebhookReceiver::Endpoint {
  std::string name;
  const Connection* connection = nullptr;
  bool stripe = false;
  std::string secret;                         // Stripe: the endpoint's whsec_ secret
  std::unique_ptr<GhlSignatureVerifier> ghl;  // GHL: the public key
  struct Route {
    TriggerSpec spec;                // with every enabled flow of the trigger
    bool anyType = false;            // Stripe: no type filter
    std::vector<std::string> types;  // Stripe: type patterns; GHL: event names
  };
  std::vector<Route> routes;
};

namespace {

const char* const kReceived = "{\"received\":true}";

// Stripe's type filter: `*` matches any run of characters (invoice.*).
bool globMatch(const std::string& pattern, const std::string& text) {
  size_t p = 0, t = 0, star = std::string::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// A trigger whose records are Stripe events: a webhook's body is exactly one of them.
bool isStripeEventsTrigger(const Operation& op) {
  return op.app == "stripe" && op.kind == OpKind::Trigger && op.request.method == "GET" &&
         op.request.path == "/v1/events" && op.records == "/data" && op.recordId == "/id" &&
         op.detect == DetectMode::New;
}

// The trigger's event type filter: the op's fixed query `type`, or its `type` input.
// false when the filter cannot be known ahead (a templated query): such triggers only poll.
bool stripeTypeFilter(const TriggerSpec& spec, bool& any, std::vector<std::string>& types) {
  any = true;
  types.clear();
  for (const auto& [name, value] : spec.op->request.query.members()) {
    if (name != "type") continue;
    if (value.kind() != ValueTemplate::Kind::String || !value.text().isLiteral()) return false;
    any = false;
    types.push_back(value.text().source());
  }
  if (const JsonValue* t = jsonAt(*spec.inputs, "/type")) {
    if (!t->IsString()) return false;
    if (t->GetStringLength() > 0) {
      any = false;
      types.assign(1, t->GetString());
    }
  }
  return true;
}

std::string stringAt(const JsonValue& doc, const std::string& pointer) {
  const JsonValue* v = jsonAt(doc, pointer);
  if (!v || !(v->IsString() || v->IsNumber())) return "";
  return jsonText(*v);
}

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

std::string header(const std::map<std::string, std::string>& headers, const std::string& name) {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

// One verified item for one trigger: unless the trigger has seen it (by a poll or an earlier
// webhook), it goes to every flow of the trigger, and its id is remembered so the trigger's
// next poll treats it as known. The trigger's cursor and schedule are left alone.
bool commitItem(StateStore& state, const Clock& clock, const TriggerSpec& spec,
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
  for (const auto& sub : spec.subscribers) c.items.push_back({sub.flow, itemKey, itemJson});
  const int64_t now = clock.nowMs();
  c.history.triggerKey = spec.key;
  c.history.startedMs = now;
  c.history.finishedMs = now;
  c.history.fetched = 1;
  c.history.newItems = 1;
  state.commitPoll(c);
  return true;
}

class WebhookHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit WebhookHandler(WebhookReceiver& receiver) : receiver_(receiver) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
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
      out = tooLarge ? receiver_.tooLarge(path)
                     : receiver_.handle(request.getMethod(), path, headers, body);
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

 private:
  WebhookReceiver& receiver_;
};

class WebhookHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit WebhookHandlerFactory(WebhookReceiver& receiver) : receiver_(receiver) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new WebhookHandler(receiver_);
  }

 private:
  WebhookReceiver& receiver_;
};

}  // namespace

WebhookReceiver::WebhookReceiver(const Catalog& catalog, const Config& config, StateStore& state,
                                 const Clock& clock, std::function<void()> onAccepted)
    : config_(config), state_(state), clock_(clock), onAccepted_(std::move(onAccepted)) {
  for (const auto& [name, c] : config.connections) {
    auto e = std::make_unique<Endpoint>();
    e->name = name;
    e->connection = &c;
    if (c.app == "stripe") {
      auto secret = c.settings.find("webhook_secret");
      if (secret == c.settings.end() || secret->second.empty()) continue;  // not enabled
      e->stripe = true;
      e->secret = secret->second;
    } else if (c.app == "ghl") {
      auto pem = c.settings.find("webhook_public_key");
      try {
        e->ghl = std::make_unique<GhlSignatureVerifier>(
            pem == c.settings.end() ? std::string(kGhlWebhookPublicKeyPem) : pem->second);
      } catch (const Error& err) {
        throw ConfigError(c.where, "connection " + name + ": webhook_public_key: " + err.what());
      }
    } else {
      continue;
    }
    endpoints_[name] = std::move(e);
  }
  // Flows that share a trigger share its items: a webhook item goes to all of them, as a
  // poll's would (the trigger's seen ids are shared too).
  std::map<std::string, Endpoint::Route> byKey;
  std::map<std::string, std::set<std::string>> ghlEvents;
  std::vector<std::string> order;
  for (const auto& flow : config.flows) {
    if (!flow.enabled || !endpoints_.count(flow.trigger.connection)) continue;
    TriggerSpec spec = makeTriggerSpec(flow, config, catalog);
    auto it = byKey.find(spec.key);
    if (it == byKey.end()) {
      order.push_back(spec.key);
      byKey[spec.key].spec = spec;
    } else {
      it->second.spec.subscribers.push_back(spec.subscribers.front());
    }
    ghlEvents[spec.key].insert(flow.trigger.webhookEvents.begin(),
                               flow.trigger.webhookEvents.end());
  }
  for (const auto& key : order) {
    Endpoint::Route& route = byKey[key];
    Endpoint& e = *endpoints_[route.spec.connection];
    if (e.stripe) {
      if (!isStripeEventsTrigger(*route.spec.op) ||
          !stripeTypeFilter(route.spec, route.anyType, route.types))
        continue;
    } else {
      const auto& events = ghlEvents[key];
      if (events.empty()) continue;
      route.types.assign(events.begin(), events.end());
    }
    e.routes.push_back(std::move(route));
  }
}

WebhookReceiver::~WebhookReceiver() {
  stop();
}

void WebhookReceiver::start(const std::string& address) {
  if (server_) return;
  try {
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(address), true);
    socket.listen(64);
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(4);
    params->setMaxQueued(64);
    params->setKeepAlive(true);
    params->setTimeout(Poco::Timespan(10, 0));
    pool_ = std::make_unique<Poco::ThreadPool>(1, 4);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new WebhookHandlerFactory(*this), *pool_,
                                                      socket, params);
    server_->start();
  } catch (const Poco::Exception& e) {
    server_.reset();
    pool_.reset();
    throw Error("webhooks: cannot listen on " + address + ": " + e.displayText());
  }
  std::string names;
  for (const auto& [name, e] : endpoints_) names += (names.empty() ? "" : ",") + name;
  logInfo("webhooks.listen", kv("address", address) + " " + kv("port", port_) + " " +
                                 kv("connections", names.empty() ? "none" : names));
}

void WebhookReceiver::stop() {
  if (!server_) return;
  server_->stopAll(false);  // idle connections close; requests in progress finish
  if (pool_) pool_->joinAll();
  server_.reset();
  pool_.reset();
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
                  config_.connections.count(name)
                      ? "webhooks are not enabled for this connection (Stripe: webhook_secret)"
                      : "unknown connection");
  if (method != "POST") {
    WebhookResponse r = reject(name, 405, "method " + printable(method) + " not allowed");
    r.headers.emplace_back("Allow", "POST");
    return r;
  }
  if (body.size() > kMaxBodyBytes) return tooLarge(path);
  try {
    return it->second->stripe ? handleStripe(*it->second, body, headers)
                              : handleGhl(*it->second, body, headers);
  } catch (const StateError& e) {
    // Not accepted: the sender delivers it again later.
    logError("webhook.error",
             kv("connection", name) + " " + kv("error", Logger::instance().mask(e.what())));
    return {500, "{\"error\":\"state store unavailable\"}", {}};
  }
}

WebhookResponse WebhookReceiver::handleStripe(const Endpoint& e, const std::string& body,
                                              const std::map<std::string, std::string>& headers) {
  const WebhookVerdict verdict =
      verifyStripeSignature(header(headers, "stripe-signature"), body, e.secret, clock_.nowMs());
  if (!verdict.ok()) return reject(e.name, statusFor(verdict.kind), verdict.reason);
  JsonDoc event;
  if (parseJson(body, event) || !event.IsObject())
    return reject(e.name, 400, "body is not a JSON object");
  const std::string id = stringAt(event, "/id"), type = stringAt(event, "/type");
  if (id.empty() || type.empty()) return reject(e.name, 400, "event without id or type");
  // A Connect endpoint also gets connected accounts' events; this connection's polls only see
  // its own account's (Stripe-Account), so only those are routed.
  const auto account = e.connection->settings.find("account");
  const std::string want = account == e.connection->settings.end() ? "" : account->second;
  const bool sameAccount = stringAt(event, "/account") == want;
  const std::string itemJson = toJson(event);
  int fresh = 0, dup = 0, routed = 0;
  for (const auto& route : e.routes) {
    bool match = route.anyType;
    for (const auto& pattern : route.types) match = match || globMatch(pattern, type);
    if (!match || !sameAccount) continue;
    ++routed;
    if (commitItem(state_, clock_, route.spec, id, "", itemJson))
      fresh += static_cast<int>(route.spec.subscribers.size());
    else
      ++dup;
  }
  logInfo("webhook.accepted", kv("connection", e.name) + " " + kv("event", id) + " " +
                                  kv("type", type) + " " + kv("triggers", routed) + " " +
                                  kv("new", fresh) + " " + kv("dup", dup));
  if (fresh && onAccepted_) onAccepted_();
  return {200, kReceived, {}};
}

WebhookResponse WebhookReceiver::handleGhl(const Endpoint& e, const std::string& body,
                                           const std::map<std::string, std::string>& headers) {
  const WebhookVerdict verdict = e.ghl->verify(header(headers, "x-wh-signature"), body);
  if (!verdict.ok()) return reject(e.name, statusFor(verdict.kind), verdict.reason);
  JsonDoc event;
  if (parseJson(body, event) || !event.IsObject())
    return reject(e.name, 400, "body is not a JSON object");
  if (const JsonValue* ts = jsonAt(event, "/timestamp")) {
    WebhookVerdict fresh;
    if (ts->IsString()) {
      fresh = checkGhlTimestamp(ts->GetString(), clock_.nowMs());
    } else if (ts->IsNumber()) {
      const int64_t n = ts->IsInt64() ? ts->GetInt64() : static_cast<int64_t>(ts->GetDouble());
      const int64_t ms = n > 100000000000LL ? n : n * 1000;  // unix ms or seconds
      const int64_t age = clock_.nowMs() - ms;
      if (age > kGhlTimestampWindowMs || age < -kGhlTimestampWindowMs)
        fresh = WebhookVerdict::reject(
            WebhookVerdict::Kind::Stale,
            "timestamp is " + std::to_string(age / 1000) + " s from now (window 300 s)");
    } else {
      fresh = WebhookVerdict::reject(WebhookVerdict::Kind::Malformed, "timestamp is not a time");
    }
    if (!fresh.ok()) return reject(e.name, statusFor(fresh.kind), fresh.reason);
  }
  const std::string type = stringAt(event, "/type"), webhookId = stringAt(event, "/webhookId");
  if (type.empty()) return reject(e.name, 400, "event without type");
  // One app's webhooks come for every location that installed it; a connection's flows want
  // its own location's.
  const auto location = e.connection->settings.find("location_id");
  const std::string eventLocation = stringAt(event, "/locationId");
  if (location != e.connection->settings.end() && !location->second.empty() &&
      !eventLocation.empty() && eventLocation != location->second) {
    logInfo("webhook.ignored", kv("connection", e.name) + " " + kv("type", type) + " " +
                                   kv("webhook_id", webhookId) + " reason=\"other location\"");
    return {200, kReceived, {}};
  }
  const std::string itemJson = toJson(event);
  int fresh = 0, dup = 0, routed = 0;
  for (const auto& route : e.routes) {
    bool match = false;
    for (const auto& t : route.types) match = match || t == type;
    if (!match) continue;
    const std::string& pointer = route.spec.op->recordId.empty() ? "/id" : route.spec.op->recordId;
    std::string id = stringAt(event, pointer);
    if (id.empty()) id = stringAt(event, "/id");
    if (id.empty()) {
      logWarn("webhook.unrouted", kv("connection", e.name) + " " + kv("type", type) + " " +
                                      kv("op", route.spec.op->fullId()) +
                                      " reason=\"no record id in the event\"");
      continue;
    }
    ++routed;
    // The webhookId is kept next to the record id: the same delivery again is a duplicate
    // even when it names a record the trigger has not seen.
    if (commitItem(state_, clock_, route.spec, id, webhookId.empty() ? "" : "webhook:" + webhookId,
                   itemJson))
      fresh += static_cast<int>(route.spec.subscribers.size());
    else
      ++dup;
  }
  logInfo("webhook.accepted", kv("connection", e.name) + " " + kv("type", type) + " " +
                                  kv("webhook_id", webhookId) + " " + kv("triggers", routed) + " " +
                                  kv("new", fresh) + " " + kv("dup", dup));
  if (fresh && onAccepted_) onAccepted_();
  return {200, kReceived, {}};
}

}  // namespace sluice
