// FakeStripe resource builders: the object each create call makes (spec3.json's shapes),
// before its id, created time and events.
#include "tools/fakes/fake_json.h"
#include "tools/fakes/fake_stripe.h"
#include "tools/fakes/stripe_util.h"

namespace sluice::fakes {

using stripe::Params;

rapidjson::Document FakeStripe::build(const KindInfo& info, const Params& p) {
  const std::string& k = info.kind;
  if (k == "customers") return buildCustomer(p);
  if (k == "payment_intents") return buildPaymentIntent(p);
  if (k == "invoices") return buildInvoice(p);
  if (k == "invoiceitems") return buildInvoiceItem(p);
  if (k == "subscriptions") return buildSubscription(p);
  if (k == "products") return buildProduct(p);
  if (k == "prices") return buildPrice(p);
  if (k == "payment_methods") return buildPaymentMethod(p);
  if (k == "terminal/locations") return buildTerminalLocation(p);
  if (k == "accounts") return buildAccount(p);
  return buildGeneric(p);
}

rapidjson::Document FakeStripe::buildGeneric(const Params& p) {
  rapidjson::Document d = stripe::object();
  json::assign(d, p, d.GetAllocator());
  if (!d.HasMember("metadata")) stripe::metadataFrom(d, p);
  return d;
}

rapidjson::Document FakeStripe::buildCustomer(const Params& p) {
  rapidjson::Document d = stripe::object();
  auto& a = d.GetAllocator();
  stripe::copyOrNull(d, p, "address");
  json::setInt(d, "balance", json::getInt(p, "balance", 0), a);
  json::setNull(d, "currency", a);
  json::setNull(d, "default_source", a);
  json::setBool(d, "delinquent", false, a);
  stripe::copyOrNull(d, p, "description");
  stripe::copyOrNull(d, p, "email");
  json::setString(d, "invoice_prefix", ids_.next("", 8), a);
  stripe::metadataFrom(d, p);
  stripe::copyOrNull(d, p, "name");
  json::setInt(d, "next_invoice_sequence", 1, a);
  stripe::copyOrNull(d, p, "phone");
  json::set(d, "preferred_locales", rapidjson::Value(rapidjson::kArrayType), a);
  stripe::copyOrNull(d, p, "shipping");
  json::setString(d, "tax_exempt", "none", a);
  json::setNull(d, "test_clock", a);
  return d;
}

rapidjson::Document FakeStripe::buildPaymentIntent(const Params& p) {
  rapidjson::Document d = stripe::object();
  auto& a = d.GetAllocator();
  std::int64_t amount = stripe::requireInt(p, "amount");
  std::string currency = stripe::requireString(p, "currency");
  if (json::has(p, "customer")) find("customers", json::getString(p, "customer"), "customer");
  json::setInt(d, "amount", amount, a);
  json::setInt(d, "amount_capturable", 0, a);
  json::setInt(d, "amount_received", 0, a);
  json::setNull(d, "canceled_at", a);
  json::setNull(d, "cancellation_reason", a);
  json::setString(d, "capture_method", json::getString(p, "capture_method", "automatic"), a);
  json::setString(d, "client_secret", ids_.next("pi_secret_", 24), a);
  json::setString(d, "confirmation_method", "automatic", a);
  json::setString(d, "currency", currency, a);
  stripe::copyOrNull(d, p, "customer");
  stripe::copyOrNull(d, p, "description");
  stripe::copyOrNull(d, p, "invoice");
  json::setNull(d, "last_payment_error", a);
  json::setNull(d, "latest_charge", a);
  stripe::metadataFrom(d, p);
  stripe::copyOrNull(d, p, "payment_method");
  rapidjson::Value types(rapidjson::kArrayType);
  types.PushBack(json::str("card", a), a);
  json::set(d, "payment_method_types", std::move(types), a);
  stripe::copyOrNull(d, p, "receipt_email");
  json::setString(
      d, "status",
      json::has(p, "payment_method") ? "requires_confirmation" : "requires_payment_method", a);
  return d;
}

rapidjson::Document FakeStripe::buildInvoice(const Params& p) {
  rapidjson::Document d = stripe::object();
  auto& a = d.GetAllocator();
  std::string customer = stripe::requireString(p, "customer");
  Record& c = find("customers", customer, "customer");
  json::setInt(d, "amount_due", 0, a);
  json::setInt(d, "amount_paid", 0, a);
  json::setInt(d, "amount_remaining", 0, a);
  json::setInt(d, "attempt_count", 0, a);
  json::setBool(d, "attempted", false, a);
  json::setBool(d, "auto_advance", json::getBool(p, "auto_advance", false), a);
  json::setNull(d, "charge", a);
  json::setString(d, "collection_method",
                  json::getString(p, "collection_method", "charge_automatically"), a);
  json::setString(d, "currency", json::getString(p, "currency", "usd"), a);
  json::setString(d, "customer", customer, a);
  json::set(d, "customer_email", json::copy(c.doc["email"], a), a);
  stripe::copyOrNull(d, p, "days_until_due");
  stripe::copyOrNull(d, p, "description");
  stripe::copyOrNull(d, p, "due_date");
  json::setNull(d, "hosted_invoice_url", a);
  json::set(d, "lines", stripe::emptyList("/v1/invoices/lines", a), a);
  stripe::metadataFrom(d, p);
  json::setNull(d, "number", a);
  json::setBool(d, "paid", false, a);
  json::setInt(d, "period_end", clock_.nowSeconds(), a);
  json::setInt(d, "period_start", clock_.nowSeconds(), a);
  json::setString(d, "status", "draft", a);
  rapidjson::Value transitions(rapidjson::kObjectType);
  for (const char* t : {"finalized_at", "marked_uncollectible_at", "paid_at", "voided_at"}) {
    json::setNull(transitions, t, a);
  }
  json::set(d, "status_transitions", std::move(transitions), a);
  stripe::copyOrNull(d, p, "subscription");
  json::setInt(d, "subtotal", 0, a);
  json::setInt(d, "total", 0, a);
  return d;
}

rapidjson::Document FakeStripe::buildInvoiceItem(const Params& p) {
  rapidjson::Document d = stripe::object();
  auto& a = d.GetAllocator();
  std::string customer = stripe::requireString(p, "customer");
  find("customers", customer, "customer");
  std::int64_t quantity = json::getInt(p, "quantity", 1);
  std::int64_t amount = 0;
  if (json::has(p, "price")) {
    Record& price = find("prices", json::getString(p, "price"), "price");
    amount = json::getInt(price.doc, "unit_amount") * quantity;
    json::set(d, "price", json::copy(price.doc, a), a);
  } else {
    amount = stripe::requireInt(p, "amount");
    json::setNull(d, "price", a);
  }
  json::setInt(d, "amount", amount, a);
  json::setString(d, "currency", json::getString(p, "currency", "usd"), a);
  json::setString(d, "customer", customer, a);
  json::setInt(d, "date", clock_.nowSeconds(), a);
  stripe::copyOrNull(d, p, "description");
  json::setBool(d, "discountable", true, a);
  stripe::copyOrNull(d, p, "invoice");
  stripe::metadataFrom(d, p);
  json::setInt(d, "quantity", quantity, a);
  stripe::copyOrNull(d, p, "subscription");
  json::setInt(d, "unit_amount", quantity ? amount / quantity : amount, a);
  return d;
}

rapidjson::Document FakeStripe::buildSubscription(const Params& p) {
  rapidjson::Document d = stripe::object();
  auto& a = d.GetAllocator();
  std::string customer = stripe::requireString(p, "customer");
  find("customers", customer, "customer");
  if (!p.HasMember("items") || !p["items"].IsArray() || p["items"].Empty()) {
    throw StripeError{400, "invalid_request_error", "Missing required param: items.",
                      "parameter_missing", "items"};
  }
  rapidjson::Value items = stripe::emptyList("/v1/subscription_items", a);
  std::string interval = "month";
  for (const auto& item : p["items"].GetArray()) {
    rapidjson::Value si(rapidjson::kObjectType);
    json::setString(si, "id", ids_.next("si_", 14), a);
    json::setString(si, "object", "subscription_item", a);
    Record& price = find("prices", stripe::requireString(item, "price"), "items[0][price]");
    if (price.doc.HasMember("recurring") && price.doc["recurring"].IsObject()) {
      interval = json::getString(price.doc["recurring"], "interval", "month");
    }
    json::set(si, "price", json::copy(price.doc, a), a);
    json::setInt(si, "quantity", json::getInt(item, "quantity", 1), a);
    items["data"].PushBack(si, a);
  }
  json::setInt(items, "total_count", items["data"].Size(), a);
  std::int64_t now = clock_.nowSeconds();
  std::int64_t period = interval == "year"   ? 365 * 86400
                        : interval == "week" ? 7 * 86400
                        : interval == "day"  ? 86400
                                             : 30 * 86400;
  std::int64_t trialDays = json::getInt(p, "trial_period_days", 0);
  json::setBool(d, "cancel_at_period_end", json::getBool(p, "cancel_at_period_end", false), a);
  json::setNull(d, "canceled_at", a);
  json::setString(d, "collection_method",
                  json::getString(p, "collection_method", "charge_automatically"), a);
  json::setInt(d, "current_period_end", now + (trialDays ? trialDays * 86400 : period), a);
  json::setInt(d, "current_period_start", now, a);
  json::setString(d, "customer", customer, a);
  stripe::copyOrNull(d, p, "days_until_due");
  stripe::copyOrNull(d, p, "default_payment_method");
  stripe::copyOrNull(d, p, "description");
  json::setNull(d, "ended_at", a);
  json::set(d, "items", std::move(items), a);
  json::setNull(d, "latest_invoice", a);
  stripe::metadataFrom(d, p);
  json::setInt(d, "start_date", now, a);
  json::setString(d, "status", trialDays ? "trialing" : "active", a);
  if (trialDays) {
    json::setInt(d, "trial_end", now + trialDays * 86400, a);
    json::setInt(d, "trial_start", now, a);
  } else {
    json::setNull(d, "trial_end", a);
    json::setNull(d, "trial_start", a);
  }
  return d;
}

rapidjson::Document FakeStripe::buildProduct(const Params& p) {
  rapidjson::Document d = stripe::object();
  auto& a = d.GetAllocator();
  std::string name = stripe::requireString(p, "name");
  json::setBool(d, "active", json::getBool(p, "active", true), a);
  json::setNull(d, "default_price", a);
  stripe::copyOrNull(d, p, "description");
  json::set(d, "images", rapidjson::Value(rapidjson::kArrayType), a);
  stripe::metadataFrom(d, p);
  json::setString(d, "name", name, a);
  json::setString(d, "type", "service", a);
  json::setInt(d, "updated", clock_.nowSeconds(), a);
  return d;
}

rapidjson::Document FakeStripe::buildPrice(const Params& p) {
  rapidjson::Document d = stripe::object();
  auto& a = d.GetAllocator();
  std::string currency = stripe::requireString(p, "currency");
  std::string product = json::getString(p, "product");
  if (product.empty() && p.HasMember("product_data")) {
    rapidjson::Document created = createResource(*kindInfo("products"), p["product_data"]);
    product = json::getString(created, "id");
  }
  if (product.empty()) stripe::requireString(p, "product");
  find("products", product, "product");
  json::setBool(d, "active", json::getBool(p, "active", true), a);
  json::setString(d, "billing_scheme", "per_unit", a);
  json::setString(d, "currency", currency, a);
  stripe::copyOrNull(d, p, "lookup_key");
  stripe::metadataFrom(d, p);
  stripe::copyOrNull(d, p, "nickname");
  json::setString(d, "product", product, a);
  bool recurring = p.HasMember("recurring") && p["recurring"].IsObject();
  if (recurring) {
    rapidjson::Value r(rapidjson::kObjectType);
    json::setString(r, "interval", json::getString(p["recurring"], "interval", "month"), a);
    json::setInt(r, "interval_count", json::getInt(p["recurring"], "interval_count", 1), a);
    json::setString(r, "usage_type", "licensed", a);
    json::set(d, "recurring", std::move(r), a);
  } else {
    json::setNull(d, "recurring", a);
  }
  json::setString(d, "type", recurring ? "recurring" : "one_time", a);
  stripe::copyOrNull(d, p, "unit_amount");
  return d;
}

rapidjson::Document FakeStripe::buildPaymentMethod(const Params& p) {
  rapidjson::Document d = stripe::object();
  auto& a = d.GetAllocator();
  rapidjson::Value billing(rapidjson::kObjectType);
  for (const char* k : {"address", "email", "name", "phone"}) {
    const rapidjson::Value* src =
        p.HasMember("billing_details") && p["billing_details"].HasMember(k)
            ? &p["billing_details"][k]
            : nullptr;
    json::set(billing, k, src ? json::copy(*src, a) : rapidjson::Value(), a);
  }
  json::set(d, "billing_details", std::move(billing), a);
  rapidjson::Value card(rapidjson::kObjectType);
  json::setString(card, "brand", "visa", a);
  json::setString(card, "country", "US", a);
  json::setInt(card, "exp_month", 12, a);
  json::setInt(card, "exp_year", 2034, a);
  json::setString(card, "funding", "credit", a);
  json::setString(card, "last4", "4242", a);
  json::set(d, "card", std::move(card), a);
  stripe::copyOrNull(d, p, "customer");
  stripe::metadataFrom(d, p);
  json::setString(d, "type", json::getString(p, "type", "card"), a);
  return d;
}

rapidjson::Document FakeStripe::buildTerminalLocation(const Params& p) {
  rapidjson::Document d = stripe::object();
  auto& a = d.GetAllocator();
  stripe::copyOrNull(d, p, "address");
  json::setString(d, "display_name", stripe::requireString(p, "display_name"), a);
  stripe::metadataFrom(d, p);
  return d;
}

}  // namespace sluice::fakes
