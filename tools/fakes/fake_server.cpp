#include "tools/fakes/fake_server.h"

#include <chrono>
#include <thread>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include "tools/fakes/fake_json.h"

namespace sluice::fakes {

namespace {

constexpr int kMaxConnections = 64;  // keep-alive connections served at once (start())

class Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit Handler(FakeServer& server) : server_(server) {}
  void handleRequest(Poco::Net::HTTPServerRequest& req,
                     Poco::Net::HTTPServerResponse& resp) override {
    server_.serve(req, resp);
  }

 private:
  FakeServer& server_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit Factory(FakeServer& server) : server_(server) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new Handler(server_);
  }

 private:
  FakeServer& server_;
};

// Closes the connection under the client: it sees EOF (or a reset) instead of a response.
void dropConnection(Poco::Net::HTTPServerRequest& request) {
  auto* impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl*>(&request);
  if (!impl) return;
  try {
    impl->socket().shutdown();
  } catch (...) {
  }
}

void writeResponse(Poco::Net::HTTPServerResponse& out, const HttpResponse& resp,
                   std::size_t bytes) {
  out.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(resp.status));
  out.setContentType(resp.contentType);
  for (const auto& [name, value] : resp.headers) out.set(name, value);
  out.setContentLength(static_cast<std::streamsize>(resp.body.size()));
  std::ostream& os = out.send();
  os.write(resp.body.data(), static_cast<std::streamsize>(std::min(bytes, resp.body.size())));
  os.flush();
}

// The records array of a response: the first array member at the top level, else one level
// down ({"messages": {"messages": [...]}}).
rapidjson::Value* findRecordsParent(rapidjson::Document& doc, std::string* key) {
  if (!doc.IsObject()) return nullptr;
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    if (it->value.IsArray()) {
      *key = it->name.GetString();
      return &doc;
    }
  }
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    if (!it->value.IsObject()) continue;
    for (auto in = it->value.MemberBegin(); in != it->value.MemberEnd(); ++in) {
      if (in->value.IsArray()) {
        *key = in->name.GetString();
        return &it->value;
      }
    }
  }
  return nullptr;
}

void stripIds(rapidjson::Value& v) {
  if (!v.IsObject()) return;
  // EraseMember keeps the order of the other members (RemoveMember moves the last one up).
  for (const char* key : {"id", "_id"}) {
    auto it = v.FindMember(key);
    if (it != v.MemberEnd()) v.EraseMember(it);
  }
}

}  // namespace

std::string removeRecordsArray(const std::string& body) {
  rapidjson::Document doc;
  if (!json::parseObject(body, doc)) return body;
  std::string key;
  rapidjson::Value* parent = findRecordsParent(doc, &key);
  if (parent) parent->RemoveMember(key.c_str());
  return json::dump(doc);
}

std::string removeRecordIds(const std::string& body) {
  rapidjson::Document doc;
  if (!json::parseObject(body, doc)) return body;
  std::string key;
  rapidjson::Value* parent = findRecordsParent(doc, &key);
  if (parent) {
    for (auto& item : (*parent)[key.c_str()].GetArray()) stripIds(item);
  } else {
    stripIds(doc);
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) stripIds(it->value);
  }
  return json::dump(doc);
}

std::string malformBody(const std::string& body) {
  // Valid-looking start, broken end: a parser must reject it rather than read a prefix.
  return body.substr(0, body.size() / 2) + "{\"unterminated\": [tru";
}

FakeServer::FakeServer() = default;

FakeServer::~FakeServer() {
  stop();
}

void FakeServer::start(std::uint16_t port) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  if (server_) throw std::logic_error("fake server already started");
  Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
  port_ = socket.address().port();
  // Poco serves a keep-alive connection on one thread until it goes idle for 10 s, so a
  // client holding more connections than there are threads waits that long for an answer. A
  // sluice whose worker pool has grown calls with up to settings.max_workers (32 by default)
  // connections at once, and other clients (tests, the demo's CLI) come on top.
  auto* params = new Poco::Net::HTTPServerParams;
  params->setMaxThreads(kMaxConnections);
  params->setMaxQueued(256);
  params->setKeepAlive(true);
  pool_ = std::make_unique<Poco::ThreadPool>(2, kMaxConnections);
  server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *pool_, socket, params);
  server_->start();
}

void FakeServer::stop() {
  std::unique_ptr<Poco::Net::HTTPServer> server;
  {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    server = std::move(server_);
  }
  // Outside the lock: in-flight handlers need mu_ to finish.
  if (server) server->stopAll(true);
  server.reset();
  if (pool_) pool_->joinAll();
  pool_.reset();
}

bool FakeServer::running() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return server_ != nullptr;
}

std::uint16_t FakeServer::port() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return port_;
}

std::string FakeServer::baseUrl() const {
  return "http://127.0.0.1:" + std::to_string(port());
}

void FakeServer::setNow(std::int64_t unixSeconds) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  clock_.pin(unixSeconds);
}

void FakeServer::clearNow() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  clock_.unpin();
}

std::int64_t FakeServer::now() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return clock_.nowSeconds();
}

void FakeServer::addFault(const Fault& fault) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  faults_.add(fault);
}

void FakeServer::addFaultJson(const std::string& text) {
  rapidjson::Document doc;
  if (!json::parseObject(text, doc)) throw ControlError(400, "fault must be a JSON object");
  std::string error;
  auto fault = Fault::fromJson(doc, &error);
  if (!fault) throw ControlError(400, error);
  addFault(*fault);
}

void FakeServer::clearFaults() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  faults_.clear();
}

std::vector<Effect> FakeServer::effects() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return effects_.all();
}

std::string FakeServer::effectsJson() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return effects_.toJson();
}

std::map<std::string, std::int64_t> FakeServer::requestCounts() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return counts_.all();
}

std::int64_t FakeServer::requestCount(const std::string& key) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  auto it = counts_.all().find(key);
  return it == counts_.all().end() ? 0 : it->second;
}

void FakeServer::clearCounters() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  counts_.clear();
  effects_.clear();
}

rapidjson::Document FakeServer::parseFields(const std::string& fieldsJson) {
  rapidjson::Document doc;
  if (fieldsJson.empty()) {
    doc.SetObject();
    return doc;
  }
  if (!json::parseObject(fieldsJson, doc)) throw ControlError(400, "fields must be a JSON object");
  return doc;
}

rapidjson::Document FakeServer::copyDoc(const rapidjson::Value& v) {
  rapidjson::Document doc;
  doc.CopyFrom(v, doc.GetAllocator());
  return doc;
}

std::string FakeServer::createRecord(const std::string& kind, const std::string& fieldsJson) {
  rapidjson::Document fields = parseFields(fieldsJson);
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return json::dump(controlCreate(kind, fields));
}

std::string FakeServer::updateRecord(const std::string& kind, const std::string& id,
                                     const std::string& fieldsJson) {
  rapidjson::Document fields = parseFields(fieldsJson);
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return json::dump(controlUpdate(kind, id, fields));
}

void FakeServer::deleteRecord(const std::string& kind, const std::string& id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  controlDelete(kind, id);
}

std::string FakeServer::getRecord(const std::string& kind, const std::string& id) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  const Record* r = store_.find(kind, id);
  return r ? json::dump(r->doc) : "";
}

std::string FakeServer::listRecords(const std::string& kind) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  rapidjson::Document doc;
  doc.SetArray();
  for (Record* r : const_cast<RecordStore&>(store_).all(kind)) {
    doc.PushBack(json::copy(r->doc, doc.GetAllocator()), doc.GetAllocator());
  }
  return json::dump(doc);
}

std::size_t FakeServer::recordCount(const std::string& kind) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return const_cast<RecordStore&>(store_).all(kind).size();
}

void FakeServer::reset() {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  store_.clear();
  effects_.clear();
  counts_.clear();
  faults_.clear();
  clock_.unpin();
  onReset();
}

Record& FakeServer::requireRecord(const std::string& kind, const std::string& id) {
  Record* r = store_.find(kind, id);
  if (!r) throw ControlError(404, "no " + kind + " record with id " + id);
  return *r;
}

rapidjson::Document FakeServer::controlUpdate(const std::string& kind, const std::string& id,
                                              const rapidjson::Value& fields) {
  Record& r = requireRecord(kind, id);
  json::assign(r.doc, fields, r.doc.GetAllocator());
  return copyDoc(r.doc);
}

void FakeServer::controlDelete(const std::string& kind, const std::string& id) {
  if (!store_.erase(kind, id)) throw ControlError(404, "no " + kind + " record with id " + id);
}

void FakeServer::route(const std::string& method, const std::string& pattern,
                       RouteHandler handler) {
  router_.add(method, pattern, std::move(handler));
}

HttpResponse FakeServer::notFound(const HttpRequest& req) const {
  return apiError(404, "Cannot " + req.method + " " + req.path);
}

std::string FakeServer::idempotencyKeyOf(const HttpRequest& req) const {
  return req.header("Idempotency-Key");
}

HttpResponse FakeServer::routeRequest(const HttpRequest& req) {
  auto match = router_.match(req.method, req.path);
  if (!match) return notFound(req);
  return (*match->handler)(req, match->params);
}

HttpResponse FakeServer::dispatch(const HttpRequest& req) {
  if (auto early = preflight(req)) {
    early->effect = false;
    return *early;
  }
  return routeRequest(req);
}

std::string FakeServer::countKey(const HttpRequest& req) const {
  auto match = router_.match(req.method, req.path);
  return req.method + " " + (match ? match->pattern : req.path);
}

void FakeServer::recordEffect(const HttpRequest& req, const HttpResponse& resp) {
  if (!req.isMutating() || !resp.effect || resp.status < 200 || resp.status >= 300) return;
  Effect e;
  e.method = req.method;
  e.path = req.path;
  e.idempotencyKey = idempotencyKeyOf(req);
  e.body = req.body;
  e.status = resp.status;
  e.atMs = clock_.nowMillis();
  effects_.add(std::move(e));
}

HttpRequest FakeServer::readRequest(Poco::Net::HTTPServerRequest& request) const {
  HttpRequest req;
  req.method = request.getMethod();
  Poco::URI uri(request.getURI());
  req.path = uri.getPath();
  req.rawQuery = uri.getRawQuery();
  req.query = parseUrlEncoded(req.rawQuery);
  for (const auto& [name, value] : request) req.headers[lower(name)] = value;
  Poco::StreamCopier::copyToString(request.stream(), req.body);
  return req;
}

HttpResponse FakeServer::serveApi(const HttpRequest& req, const std::optional<Fault>& fault) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  HttpResponse resp;
  if (fault && fault->kind == FaultKind::kStatus) {
    std::string message = fault->message.empty() ? "Injected fault" : fault->message;
    if (fault->status == 429 && fault->message.empty()) message = "Too Many Requests";
    resp = apiError(fault->status, message);
    if (fault->retryAfter >= 0) resp.setHeader("Retry-After", std::to_string(fault->retryAfter));
    if (fault->shouldRetry)
      resp.setHeader("Stripe-Should-Retry", *fault->shouldRetry ? "true" : "false");
  } else {
    try {
      resp = dispatch(req);
      recordEffect(req, resp);
    } catch (const std::exception& e) {
      // A bug in a fake must show as a clear 500, not a dropped connection.
      resp = apiError(500, std::string("fake server error: ") + e.what());
    }
  }
  decorate(resp);
  return resp;
}

void FakeServer::serve(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) {
  HttpRequest req = readRequest(request);
  if (req.path.rfind("/_control", 0) == 0) {
    HttpResponse resp = serveControl(req);
    writeResponse(response, resp, resp.body.size());
    return;
  }
  std::optional<Fault> fault;
  {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    counts_.add(countKey(req));
    fault = faults_.take(req.method, req.path);
  }
  FaultKind kind = fault ? fault->kind : FaultKind::kStatus;
  if (fault && kind == FaultKind::kDrop && !fault->apply) return dropConnection(request);
  if (fault && kind == FaultKind::kSlow) {
    std::this_thread::sleep_for(std::chrono::milliseconds(fault->delayMs));
  }
  HttpResponse resp = serveApi(req, fault);
  if (!fault) return writeResponse(response, resp, resp.body.size());
  switch (kind) {
    case FaultKind::kDrop:
      return dropConnection(request);
    case FaultKind::kTruncate:
      writeResponse(response, resp, resp.body.size() / 2);
      return dropConnection(request);
    case FaultKind::kMalformed:
      resp.body = malformBody(resp.body);
      break;
    case FaultKind::kMissingRecords:
      resp.body = removeRecordsArray(resp.body);
      break;
    case FaultKind::kMissingId:
      resp.body = removeRecordIds(resp.body);
      break;
    default:
      break;
  }
  writeResponse(response, resp, resp.body.size());
}

}  // namespace sluice::fakes
