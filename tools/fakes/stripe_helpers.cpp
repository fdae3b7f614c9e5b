// FakeStripe's C++ helpers that drive realistic activity, each in the connected account it is
// given (or the platform).
#include "tools/fakes/fake_json.h"
#include "tools/fakes/fake_stripe.h"
#include "tools/fakes/stripe_util.h"

namespace sluice::fakes {

using stripe::Params;

std::string FakeStripe::createCustomer(const std::string& email, const std::string& name,
                                       const std::string& metadataJson,
                                       const std::string& account) {
  rapidjson::Document p = parseFields("{}");
  auto& a = p.GetAllocator();
  if (!email.empty()) json::setString(p, "email", email, a);
  if (!name.empty()) json::setString(p, "name", name, a);
  json::set(p, "metadata", json::copy(parseFields(metadataJson), a), a);
  std::lock_guard<std::recursive_mutex> lock(mu_);
  SpaceGuard space(store_, helperSpace(account));
  return json::dump(createResource(*kindInfo("customers"), p));
}

std::string FakeStripe::updateCustomer(const std::string& id, const std::string& fieldsJson,
                                       const std::string& account) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  SpaceGuard space(store_, helperSpace(account));
  return updateRecord("customers", id, fieldsJson);
}

namespace {

rapidjson::Document paymentParams(const std::string& customer, std::int64_t amount,
                                  const std::string& currency, const std::string& pm) {
  rapidjson::Document p;
  p.SetObject();
  auto& a = p.GetAllocator();
  json::setInt(p, "amount", amount, a);
  json::setString(p, "currency", currency, a);
  if (!customer.empty()) json::setString(p, "customer", customer, a);
  json::setString(p, "payment_method", pm, a);
  return p;
}

}  // namespace

std::string FakeStripe::newPayment(const std::string& customerId, std::int64_t amount,
                                   const std::string& currency, bool succeed,
                                   const std::string& account) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  SpaceGuard space(store_, helperSpace(account));
  std::string id;
  try {
    rapidjson::Document p = paymentParams(customerId, amount, currency,
                                          succeed ? "pm_card_visa" : "pm_card_chargeDeclined");
    id = json::getString(createPaymentIntent(p), "id");
    confirmPaymentIntent(id, p);
  } catch (const StripeError& e) {
    // The decline asked for is the outcome, not an error: the intent shows it.
    if (succeed || e.status != 402 || id.empty()) throw ControlError(e.status, e.message);
  }
  return json::dump(find("payment_intents", id).doc);
}

std::string FakeStripe::newInvoice(const std::string& customerId, std::int64_t amount, bool paid,
                                   const std::string& account) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  SpaceGuard space(store_, helperSpace(account));
  try {
    rapidjson::Document p = paymentParams(customerId, amount, "usd", "");
    p.RemoveMember("payment_method");
    createInvoiceItem(p);
    rapidjson::Document inv = createInvoice(p);
    Record& r = find("invoices", json::getString(inv, "id"));
    finalizeInvoice(r);
    return json::dump(payInvoiceRecord(r, paid));
  } catch (const StripeError& e) {
    throw ControlError(e.status, e.message);
  }
}

std::string FakeStripe::refundCharge(const std::string& chargeId, std::int64_t amount,
                                     const std::string& account) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  SpaceGuard space(store_, helperSpace(account));
  try {
    rapidjson::Document p;
    p.SetObject();
    json::setString(p, "charge", chargeId, p.GetAllocator());
    if (amount > 0) json::setInt(p, "amount", amount, p.GetAllocator());
    return json::dump(createRefund(p));
  } catch (const StripeError& e) {
    throw ControlError(e.status, e.message);
  }
}

}  // namespace sluice::fakes
