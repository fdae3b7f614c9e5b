// A local fake of the Stripe API (https://api.stripe.com/v1), faithful where a polling
// connector can tell the difference: bearer auth, form-encoded bodies, idempotent replay,
// newest-first cursor lists, the error object, and events for every announced change.
//
// Connect (stripe_accounts.cpp): connected accounts (GET /v1/accounts, platform key only), and
// the Stripe-Account header, which puts a request in that account's own space: everything it
// creates belongs to the account, and every list, search, retrieve, update and the events list
// see only the account's objects (no header: the platform's own). Idempotency keys are kept per
// account. An unknown or deauthorized account is refused (403, account_invalid). Without
// accounts and the header, nothing changes. FakeServer's record methods (getRecord,
// listRecords, recordCount, createRecord...) act in the platform's space, or in the account of
// the inAccount call they run in.
//
// Control routes (besides FakeServer's /_control/<kind>, faults, clock, effects, reset); each
// acts in the account its Stripe-Account header names (404 when unknown):
//   POST /_control/accounts {"name","metadata"} -> the account
//   POST /_control/accounts/{id}/deauthorize (also DELETE /_control/accounts/{id})
//   POST /_control/actions/{create_customer|update_customer|payment_succeeded|payment_failed|
//                           invoice_paid|invoice_failed|refund} {"customer","amount",...}
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tools/fakes/fake_server.h"

namespace sluice::fakes {

// Thrown inside the fake's handlers, answered with Stripe's {"error": {...}} object.
struct StripeError {
  int status;
  std::string type;
  std::string message;
  std::string code;
  std::string param;
};

// "sk_test_abc...wxyz" -> "sk_test_********wxyz", the way Stripe echoes a key.
std::string maskKey(const std::string& key);

class FakeStripe : public FakeServer {
 public:
  explicit FakeStripe(std::string apiKey = "sk_test_fake_key_0000");
  ~FakeStripe() override;

  void setApiKey(const std::string& key);
  std::string apiKey() const;

  // --- Connect (stripe_accounts.cpp) ---
  // A connected account of the platform, as spec3.json's `account` (type standard, charges
  // and payouts enabled, business_profile.name, metadata); its id. GET /v1/accounts lists it.
  std::string createAccount(const std::string& name, const std::string& metadataJson = "{}");
  // The platform's access is revoked: the account leaves GET /v1/accounts and any request with
  // its Stripe-Account header is refused (403, account_invalid), as an unknown account's is.
  void deauthorizeAccount(const std::string& id);
  // Runs fn with the helpers below acting in the connected account ("" = the platform), as a
  // request with that Stripe-Account header would; fn's result.
  std::string inAccount(const std::string& account, const std::function<std::string()>& fn);
  // API requests that carried Stripe-Account: account ("" = the platform's, without one).
  std::int64_t accountRequestCount(const std::string& account) const;
  // An account id (or "") as accountRequestCount; a route key ("GET /v1/customers", with its
  // space) as FakeServer::requestCount, the count per route.
  std::int64_t requestCount(const std::string& accountOrRouteKey) const;

  // --- helpers that drive realistic activity (no effects-ledger entries; events are made) ---
  // Each returns the main object created or changed, as JSON text. `account` is the connected
  // account they act in (an unknown one throws ControlError); "" = the platform, or the account
  // of the inAccount call they run in.
  std::string createCustomer(const std::string& email, const std::string& name = "",
                             const std::string& metadataJson = "{}",
                             const std::string& account = "");
  std::string updateCustomer(const std::string& id, const std::string& fieldsJson,
                             const std::string& account = "");
  // A PaymentIntent for the customer that succeeds (with its charge and balance transaction)
  // or fails with card_declined (with a failed charge).
  std::string newPayment(const std::string& customerId, std::int64_t amount,
                         const std::string& currency, bool succeed,
                         const std::string& account = "");
  std::string succeedPayment(const std::string& customerId, std::int64_t amount,
                             const std::string& currency = "usd", const std::string& account = "") {
    return newPayment(customerId, amount, currency, true, account);
  }
  std::string failPayment(const std::string& customerId, std::int64_t amount,
                          const std::string& currency = "usd", const std::string& account = "") {
    return newPayment(customerId, amount, currency, false, account);
  }
  // A new invoice for the customer, finalized and then paid or failed.
  std::string newInvoice(const std::string& customerId, std::int64_t amount, bool paid,
                         const std::string& account = "");
  std::string payInvoice(const std::string& customerId, std::int64_t amount,
                         const std::string& account = "") {
    return newInvoice(customerId, amount, true, account);
  }
  std::string failInvoice(const std::string& customerId, std::int64_t amount,
                          const std::string& account = "") {
    return newInvoice(customerId, amount, false, account);
  }
  // Refunds amount (0 = what is left) of a charge.
  std::string refundCharge(const std::string& chargeId, std::int64_t amount = 0,
                           const std::string& account = "");
  // The account's event types in creation order, for assertions.
  std::vector<std::string> eventTypes(const std::string& account = "") const;

 protected:
  HttpResponse apiError(int status, const std::string& message) const override;
  std::optional<HttpResponse> preflight(const HttpRequest& req) override;
  HttpResponse dispatch(const HttpRequest& req) override;
  void decorate(HttpResponse& resp) override;
  HttpResponse notFound(const HttpRequest& req) const override;
  std::string idempotencyKeyOf(const HttpRequest& req) const override;
  rapidjson::Document controlCreate(const std::string& kind,
                                    const rapidjson::Value& fields) override;
  rapidjson::Document controlUpdate(const std::string& kind, const std::string& id,
                                    const rapidjson::Value& fields) override;
  void controlDelete(const std::string& kind, const std::string& id) override;
  bool handleControl(const HttpRequest& req, const std::vector<std::string>& segs,
                     HttpResponse& resp) override;
  HttpResponse scopeControl(const HttpRequest& req,
                            const std::function<HttpResponse()>& handle) override;
  void onReset() override;

 private:
  struct KindInfo {
    std::string kind;        // store kind and URL path under /v1 ("terminal/locations")
    std::string prefix;      // id prefix
    std::string object;      // "object" field
    std::string eventScope;  // event type prefix; empty = no events
  };
  struct IdempotencyEntry {
    std::string method;
    std::string path;
    std::string body;
    HttpResponse response;
  };
  using Params = rapidjson::Value;

  void registerRoutes();
  void registerCrud(const KindInfo& info);
  void registerActions();
  static const std::vector<KindInfo>& kinds();
  static const KindInfo* kindInfo(const std::string& kind);

  // Request plumbing.
  HttpResponse handle(const HttpRequest& req,
                      const std::function<HttpResponse(const rapidjson::Value&)>& fn);
  static HttpResponse errorResponse(const StripeError& e);
  rapidjson::Document decodeParams(const HttpRequest& req) const;

  // Generic resources.
  Record& insert(const KindInfo& info, rapidjson::Document doc);
  // A live record; a deleted one only for param "id" (a retrieve shows the tombstone).
  Record& find(const std::string& kind, const std::string& id, const std::string& param = "id");
  Record& findLive(const std::string& kind, const std::string& id);
  void emit(const std::string& type, const rapidjson::Value& object,
            const rapidjson::Value* previous = nullptr);
  void announce(const KindInfo& info, const Record& r, const std::string& verb);
  rapidjson::Document update(const KindInfo& info, const std::string& id, const Params& params);
  HttpResponse list(const KindInfo& info, const HttpRequest& req);
  HttpResponse search(const KindInfo& info, const HttpRequest& req);
  HttpResponse remove(const KindInfo& info, const std::string& id);
  rapidjson::Document build(const KindInfo& info, const Params& params);

  // Resource builders: the object a create call makes, before id/created/events.
  rapidjson::Document buildCustomer(const Params& p);
  rapidjson::Document buildPaymentIntent(const Params& p);
  rapidjson::Document buildInvoice(const Params& p);
  rapidjson::Document buildInvoiceItem(const Params& p);
  rapidjson::Document buildSubscription(const Params& p);
  rapidjson::Document buildProduct(const Params& p);
  rapidjson::Document buildPrice(const Params& p);
  rapidjson::Document buildPaymentMethod(const Params& p);
  rapidjson::Document buildTerminalLocation(const Params& p);
  rapidjson::Document buildAccount(const Params& p);
  rapidjson::Document buildGeneric(const Params& p);

  // Flows that create several objects and events.
  rapidjson::Document createResource(const KindInfo& info, const Params& params);
  rapidjson::Document createPaymentIntent(const Params& p);
  rapidjson::Document confirmPaymentIntent(const std::string& id, const Params& p);
  rapidjson::Document capturePaymentIntent(const std::string& id);
  rapidjson::Document cancelPaymentIntent(const std::string& id);
  rapidjson::Document createCharge(const Params& p);
  std::string makeCharge(const rapidjson::Value& source, bool succeeded, bool captured);
  std::string makeBalanceTransaction(std::int64_t amount, const std::string& currency,
                                     const std::string& type, const std::string& sourceId);
  rapidjson::Document createRefund(const Params& p);
  rapidjson::Document createInvoice(const Params& p);
  rapidjson::Document createInvoiceItem(const Params& p);
  rapidjson::Document invoiceAction(const std::string& id, const std::string& action,
                                    const Params& p);
  rapidjson::Document finalizeInvoice(Record& inv);
  rapidjson::Document payInvoiceRecord(Record& inv, bool succeed);
  rapidjson::Document cancelSubscription(const std::string& id);
  rapidjson::Document attachPaymentMethod(const std::string& id, const Params& p, bool attach);
  HttpResponse balance();

  std::string apiKey_;
  std::string currentIdempotencyKey_;                    // echoed in events' request field
  std::map<std::string, IdempotencyEntry> idempotency_;  // by account + key
  std::map<std::string, std::int64_t> accountRequests_;
  // The platform's own handling of one request, in the space of its Stripe-Account.
  HttpResponse dispatchInAccount(const HttpRequest& req);
  // Connect: whether the platform may act in the account; a helper's account (ControlError
  // when unknown); the 403s of an unknown account and of /v1/accounts in an account.
  bool accountActive(const std::string& account);
  void requireAccount(const std::string& account);
  // The space a helper acts in: the account it was given, else the current one.
  std::string helperSpace(const std::string& account);
  std::optional<HttpResponse> refuseAccount(const HttpRequest& req);
  bool handleActionControl(const std::string& name, const rapidjson::Value& body,
                           const std::string& account, HttpResponse& resp);
  std::int64_t invoiceNumber_ = 0;
};

}  // namespace sluice::fakes
