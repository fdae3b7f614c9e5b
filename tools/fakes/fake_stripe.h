// A local fake of the Stripe API (https://api.stripe.com/v1), faithful where a polling
// connector can tell the difference: bearer auth, form-encoded bodies, idempotent replay,
// newest-first cursor lists, the error object, and events for every announced change.
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

  // --- helpers that drive realistic activity (no effects-ledger entries; events are made) ---
  // Each returns the main object created or changed, as JSON text.
  // --- Connect (stripe_accounts.cpp) ---
  // A connected account of the platform (GET /v1/accounts lists it); its id.
  std::string createAccount(const std::string& name, const std::string& metadataJson = "{}");
  // The platform's access to the account is revoked: gone from the list, and any request with
  // its Stripe-Account header is refused (403, account_invalid).
  void deauthorizeAccount(const std::string& id);
  // Runs fn with the helpers below acting in the connected account ("" = the platform), as a
  // request with that Stripe-Account header would; fn's result.
  std::string inAccount(const std::string& account, const std::function<std::string()>& fn);
  // Requests served with this Stripe-Account header ("" = without one).
  std::int64_t accountRequestCount(const std::string& account) const;

  std::string createCustomer(const std::string& email, const std::string& name = "",
                             const std::string& metadataJson = "{}");
  std::string updateCustomer(const std::string& id, const std::string& fieldsJson);
  // A PaymentIntent for the customer that succeeds (with its charge and balance transaction)
  // or fails with card_declined (with a failed charge).
  std::string newPayment(const std::string& customerId, std::int64_t amount,
                         const std::string& currency, bool succeed);
  std::string succeedPayment(const std::string& customerId, std::int64_t amount,
                             const std::string& currency = "usd") {
    return newPayment(customerId, amount, currency, true);
  }
  std::string failPayment(const std::string& customerId, std::int64_t amount,
                          const std::string& currency = "usd") {
    return newPayment(customerId, amount, currency, false);
  }
  // A new invoice for the customer, finalized and then paid or failed.
  std::string newInvoice(const std::string& customerId, std::int64_t amount, bool paid);
  std::string payInvoice(const std::string& customerId, std::int64_t amount) {
    return newInvoice(customerId, amount, true);
  }
  std::string failInvoice(const std::string& customerId, std::int64_t amount) {
    return newInvoice(customerId, amount, false);
  }
  // Refunds amount (0 = what is left) of a charge.
  std::string refundCharge(const std::string& chargeId, std::int64_t amount = 0);
  // Event types in creation order, for assertions.
  std::vector<std::string> eventTypes() const;

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
  std::int64_t invoiceNumber_ = 0;
};

}  // namespace sluice::fakes
