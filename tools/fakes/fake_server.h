// What both fake API servers share: a loopback-only Poco HTTP server, the /_control/
// interface (records, faults, clock, effects, request counts), fault injection around every
// API request, and one mutex that guards all of a server's state.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "tools/fakes/fake_http.h"
#include "tools/fakes/fake_store.h"

namespace Poco {
class ThreadPool;
namespace Net {
class HTTPServer;
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Net
}  // namespace Poco

namespace sluice::fakes {

// A control call that cannot be done (unknown kind or id, bad fields); status is the HTTP
// status the control endpoint answers with.
class ControlError : public std::runtime_error {
 public:
  ControlError(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

class FakeServer {
 public:
  FakeServer(const FakeServer&) = delete;
  FakeServer& operator=(const FakeServer&) = delete;
  virtual ~FakeServer();

  // Binds 127.0.0.1 only; port 0 picks a free one. Throws on a second start or bind failure.
  void start(std::uint16_t port = 0);
  void stop();
  bool running() const;
  std::uint16_t port() const;
  std::string baseUrl() const;  // "http://127.0.0.1:PORT"

  // Record clock (unix seconds). Pinned, every new record shares that second.
  void setNow(std::int64_t unixSeconds);
  void clearNow();
  std::int64_t now() const;

  void addFault(const Fault& fault);
  void addFaultJson(const std::string& json);  // throws ControlError on a bad fault
  void clearFaults();

  std::vector<Effect> effects() const;
  std::string effectsJson() const;
  std::map<std::string, std::int64_t> requestCounts() const;
  // Count for "METHOD /route/pattern", e.g. "GET /v1/customers" or "GET /contacts/{contactId}".
  std::int64_t requestCount(const std::string& key) const;
  void clearCounters();  // request counts and effects

  // The generic record control, as /_control/<kind>: JSON fields in, the record JSON out.
  // Throws ControlError for an unknown kind or id.
  std::string createRecord(const std::string& kind, const std::string& fieldsJson);
  std::string updateRecord(const std::string& kind, const std::string& id,
                           const std::string& fieldsJson);
  void deleteRecord(const std::string& kind, const std::string& id);
  std::string getRecord(const std::string& kind, const std::string& id) const;  // "" if none
  std::string listRecords(const std::string& kind) const;  // JSON array, oldest first
  std::size_t recordCount(const std::string& kind) const;
  // Forgets every record, effect, count, fault and idempotency entry; unpins the clock.
  void reset();

  // Entry point of the Poco request handler.
  void serve(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

 protected:
  FakeServer();

  void route(const std::string& method, const std::string& pattern, RouteHandler handler);

  // --- hooks, all called with mu_ held ---
  // The API's own error shape.
  virtual HttpResponse apiError(int status, const std::string& message) const = 0;
  // Auth, headers, rate limits: a response here answers the request instead of the route.
  virtual std::optional<HttpResponse> preflight(const HttpRequest&) { return std::nullopt; }
  // preflight + route; Stripe wraps it with idempotent replay.
  virtual HttpResponse dispatch(const HttpRequest& req);
  // Headers every response carries (rate-limit counters, request ids).
  virtual void decorate(HttpResponse&) {}
  virtual HttpResponse notFound(const HttpRequest& req) const;
  virtual std::string idempotencyKeyOf(const HttpRequest& req) const;
  // Generic control: build and store a record of kind from fields, apply fields to one,
  // delete one. Return the record as the API shows it.
  virtual rapidjson::Document controlCreate(const std::string& kind,
                                            const rapidjson::Value& fields) = 0;
  virtual rapidjson::Document controlUpdate(const std::string& kind, const std::string& id,
                                            const rapidjson::Value& fields);
  virtual void controlDelete(const std::string& kind, const std::string& id);
  // Runs the handling of one control request: a fake whose records live in spaces enters the
  // request's own (the Stripe fake: its Stripe-Account header) around it.
  virtual HttpResponse scopeControl(const HttpRequest&,
                                    const std::function<HttpResponse()>& handle) {
    return handle();
  }
  // Server-specific control routes (segments after "_control"); false = not handled.
  virtual bool handleControl(const HttpRequest&, const std::vector<std::string>&, HttpResponse&) {
    return false;
  }
  virtual void onReset() {}

  HttpResponse routeRequest(const HttpRequest& req);
  Record& requireRecord(const std::string& kind, const std::string& id);
  static rapidjson::Document parseFields(const std::string& fieldsJson);
  static rapidjson::Document copyDoc(const rapidjson::Value& v);

  // Recursive because the C++ control methods and the handlers share helpers that lock.
  mutable std::recursive_mutex mu_;
  RecordStore store_;
  Clock clock_;
  IdGenerator ids_;
  EffectsLedger effects_;
  RequestCounter counts_;
  FaultQueue faults_;
  Router router_;

 private:
  HttpRequest readRequest(Poco::Net::HTTPServerRequest& request) const;
  HttpResponse serveApi(const HttpRequest& req, const std::optional<Fault>& fault);
  HttpResponse serveControl(const HttpRequest& req);
  HttpResponse controlRecords(const HttpRequest& req, const std::vector<std::string>& segs);
  std::optional<HttpResponse> controlCommon(const HttpRequest& req,
                                            const std::vector<std::string>& segs);
  void recordEffect(const HttpRequest& req, const HttpResponse& resp);
  std::string countKey(const HttpRequest& req) const;

  std::unique_ptr<Poco::ThreadPool> pool_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
};

// Fault rewrites of a finished JSON body (exposed for tests).
std::string removeRecordsArray(const std::string& body);
std::string removeRecordIds(const std::string& body);
std::string malformBody(const std::string& body);

}  // namespace sluice::fakes
