// FakeStripe resources: what each create call builds, and the flows (confirm, pay, refund)
// that touch several objects and announce each step with an event.
#include <algorithm>

#include "tools/fakes/fake_json.h"
#include "tools/fakes/fake_stripe.h"

namespace sluice::fakes {

namespace {

using Params = rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

std::string requireString(const Params& p, const char* key) {
  std::string v = json::getString(p, key);
  if (v.empty()) {
    throw StripeError{400, "invalid_request_error",
                      std::string("Missing required param: ") + key + ".", "parameter_missing",
                      key};
  }
  return v;
}

std::int64_t requireInt(const Params& p, const char* key) {
  if (!json::has(p, key)) requireString(p, key);
  const rapidjson::Value& v = p[key];
  if (!v.IsInt64()) {
    throw StripeError{400, "invalid_request_error",
                      std::string("Invalid integer: ") + json::asText(v),
                      "parameter_invalid_integer", key};
  }
  return v.GetInt64();
}

rapidjson::Document object() {
  rapidjson::Document d;
  d.SetObject();
  return d;
}

// Copies p[key] into doc[key] when present, else sets it to JSON null.
void copyOrNull(rapidjson::Document& doc, const Params& p, const char* key) {
  auto& a = doc.GetAllocator();
  if (p.IsObject() && p.HasMember(key)) {
    json::set(doc, key, json::copy(p[key], a), a);
  } else {
    json::setNull(doc, key, a);
  }
}

void metadataFrom(rapidjson::Document& doc, const Params& p) {
  auto& a = doc.GetAllocator();
  if (p.IsObject() && p.HasMember("metadata") && p["metadata"].IsObject()) {
    json::set(doc, "metadata", json::copy(p["metadata"], a), a);
  } else {
    json::set(doc, "metadata", rapidjson::Value(rapidjson::kObjectType), a);
  }
}

rapidjson::Value emptyList(const std::string& url, Alloc& a) {
  rapidjson::Value list(rapidjson::kObjectType);
  json::setString(list, "object", "list", a);
  json::set(list, "data", rapidjson::Value(rapidjson::kArrayType), a);
  json::setBool(list, "has_more", false, a);
  json::setInt(list, "total_count", 0, a);
  json::setString(list, "url", url, a);
  return list;
}

bool isDeclineMethod(const std::string& pm) {
  return pm.find("chargeDeclined") != std::string::npos || pm.find("declined") != std::string::npos;
}

StripeError cardDeclined() {
  return StripeError{402, "card_error", "Your card was declined.", "card_declined", ""};
}

StripeError unexpectedState(const std::string& what, const std::string& status) {
  return StripeError{
      400, "invalid_request_error",
      "This " + what + " cannot be processed because it has a status of " + status + ".",
      what == "invoice" ? "invoice_unexpected_state" : "payment_intent_unexpected_state", ""};
}

}  // namespace

// --- builders ---

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
  rapidjson::Document d = object();
  json::assign(d, p, d.GetAllocator());
  if (!d.HasMember("metadata")) metadataFrom(d, p);
  return d;
}

rapidjson::Document FakeStripe::buildCustomer(const Params& p) {
  rapidjson::Document d = object();
  auto& a = d.GetAllocator();
  copyOrNull(d, p, "address");
  json::setInt(d, "balance", json::getInt(p, "balance", 0), a);
  json::setNull(d, "currency", a);
  json::setNull(d, "default_source", a);
  json::setBool(d, "delinquent", false, a);
  copyOrNull(d, p, "description");
  copyOrNull(d, p, "email");
  json::setString(d, "invoice_prefix", ids_.next("", 8), a);
  metadataFrom(d, p);
  copyOrNull(d, p, "name");
  json::setInt(d, "next_invoice_sequence", 1, a);
  copyOrNull(d, p, "phone");
  json::set(d, "preferred_locales", rapidjson::Value(rapidjson::kArrayType), a);
  copyOrNull(d, p, "shipping");
  json::setString(d, "tax_exempt", "none", a);
  json::setNull(d, "test_clock", a);
  return d;
}

rapidjson::Document FakeStripe::buildPaymentIntent(const Params& p) {
  rapidjson::Document d = object();
  auto& a = d.GetAllocator();
  std::int64_t amount = requireInt(p, "amount");
  std::string currency = requireString(p, "currency");
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
  copyOrNull(d, p, "customer");
  copyOrNull(d, p, "description");
  copyOrNull(d, p, "invoice");
  json::setNull(d, "last_payment_error", a);
  json::setNull(d, "latest_charge", a);
  metadataFrom(d, p);
  copyOrNull(d, p, "payment_method");
  rapidjson::Value types(rapidjson::kArrayType);
  types.PushBack(json::str("card", a), a);
  json::set(d, "payment_method_types", std::move(types), a);
  copyOrNull(d, p, "receipt_email");
  json::setString(
      d, "status",
      json::has(p, "payment_method") ? "requires_confirmation" : "requires_payment_method", a);
  return d;
}

rapidjson::Document FakeStripe::buildInvoice(const Params& p) {
  rapidjson::Document d = object();
  auto& a = d.GetAllocator();
  std::string customer = requireString(p, "customer");
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
  copyOrNull(d, p, "days_until_due");
  copyOrNull(d, p, "description");
  copyOrNull(d, p, "due_date");
  json::setNull(d, "hosted_invoice_url", a);
  json::set(d, "lines", emptyList("/v1/invoices/lines", a), a);
  metadataFrom(d, p);
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
  copyOrNull(d, p, "subscription");
  json::setInt(d, "subtotal", 0, a);
  json::setInt(d, "total", 0, a);
  return d;
}

rapidjson::Document FakeStripe::buildInvoiceItem(const Params& p) {
  rapidjson::Document d = object();
  auto& a = d.GetAllocator();
  std::string customer = requireString(p, "customer");
  find("customers", customer, "customer");
  std::int64_t quantity = json::getInt(p, "quantity", 1);
  std::int64_t amount = 0;
  if (json::has(p, "price")) {
    Record& price = find("prices", json::getString(p, "price"), "price");
    amount = json::getInt(price.doc, "unit_amount") * quantity;
    json::set(d, "price", json::copy(price.doc, a), a);
  } else {
    amount = requireInt(p, "amount");
    json::setNull(d, "price", a);
  }
  json::setInt(d, "amount", amount, a);
  json::setString(d, "currency", json::getString(p, "currency", "usd"), a);
  json::setString(d, "customer", customer, a);
  json::setInt(d, "date", clock_.nowSeconds(), a);
  copyOrNull(d, p, "description");
  json::setBool(d, "discountable", true, a);
  copyOrNull(d, p, "invoice");
  metadataFrom(d, p);
  json::setInt(d, "quantity", quantity, a);
  copyOrNull(d, p, "subscription");
  json::setInt(d, "unit_amount", quantity ? amount / quantity : amount, a);
  return d;
}

rapidjson::Document FakeStripe::buildSubscription(const Params& p) {
  rapidjson::Document d = object();
  auto& a = d.GetAllocator();
  std::string customer = requireString(p, "customer");
  find("customers", customer, "customer");
  if (!p.HasMember("items") || !p["items"].IsArray() || p["items"].Empty()) {
    throw StripeError{400, "invalid_request_error", "Missing required param: items.",
                      "parameter_missing", "items"};
  }
  rapidjson::Value items = emptyList("/v1/subscription_items", a);
  std::string interval = "month";
  for (const auto& item : p["items"].GetArray()) {
    rapidjson::Value si(rapidjson::kObjectType);
    json::setString(si, "id", ids_.next("si_", 14), a);
    json::setString(si, "object", "subscription_item", a);
    Record& price = find("prices", requireString(item, "price"), "items[0][price]");
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
  copyOrNull(d, p, "days_until_due");
  copyOrNull(d, p, "default_payment_method");
  copyOrNull(d, p, "description");
  json::setNull(d, "ended_at", a);
  json::set(d, "items", std::move(items), a);
  json::setNull(d, "latest_invoice", a);
  metadataFrom(d, p);
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
  rapidjson::Document d = object();
  auto& a = d.GetAllocator();
  std::string name = requireString(p, "name");
  json::setBool(d, "active", json::getBool(p, "active", true), a);
  json::setNull(d, "default_price", a);
  copyOrNull(d, p, "description");
  json::set(d, "images", rapidjson::Value(rapidjson::kArrayType), a);
  metadataFrom(d, p);
  json::setString(d, "name", name, a);
  json::setString(d, "type", "service", a);
  json::setInt(d, "updated", clock_.nowSeconds(), a);
  return d;
}

rapidjson::Document FakeStripe::buildPrice(const Params& p) {
  rapidjson::Document d = object();
  auto& a = d.GetAllocator();
  std::string currency = requireString(p, "currency");
  std::string product = json::getString(p, "product");
  if (product.empty() && p.HasMember("product_data")) {
    rapidjson::Document created = createResource(*kindInfo("products"), p["product_data"]);
    product = json::getString(created, "id");
  }
  if (product.empty()) requireString(p, "product");
  find("products", product, "product");
  json::setBool(d, "active", json::getBool(p, "active", true), a);
  json::setString(d, "billing_scheme", "per_unit", a);
  json::setString(d, "currency", currency, a);
  copyOrNull(d, p, "lookup_key");
  metadataFrom(d, p);
  copyOrNull(d, p, "nickname");
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
  copyOrNull(d, p, "unit_amount");
  return d;
}

rapidjson::Document FakeStripe::buildPaymentMethod(const Params& p) {
  rapidjson::Document d = object();
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
  copyOrNull(d, p, "customer");
  metadataFrom(d, p);
  json::setString(d, "type", json::getString(p, "type", "card"), a);
  return d;
}

rapidjson::Document FakeStripe::buildTerminalLocation(const Params& p) {
  rapidjson::Document d = object();
  auto& a = d.GetAllocator();
  copyOrNull(d, p, "address");
  json::setString(d, "display_name", requireString(p, "display_name"), a);
  metadataFrom(d, p);
  return d;
}

// --- creates ---

rapidjson::Document FakeStripe::createResource(const KindInfo& info, const Params& params) {
  if (info.kind == "payment_intents") return createPaymentIntent(params);
  if (info.kind == "charges") return createCharge(params);
  if (info.kind == "refunds") return createRefund(params);
  if (info.kind == "invoices") return createInvoice(params);
  if (info.kind == "invoiceitems") return createInvoiceItem(params);
  Record& r = insert(info, build(info, params));
  if (info.kind == "payment_methods" && json::has(r.doc, "customer")) {
    emit("payment_method.attached", r.doc);
  } else {
    announce(info, r, "created");
  }
  return copyDoc(r.doc);
}

rapidjson::Document FakeStripe::createPaymentIntent(const Params& p) {
  Record& r = insert(*kindInfo("payment_intents"), buildPaymentIntent(p));
  emit("payment_intent.created", r.doc);
  if (json::getBool(p, "confirm", false)) return confirmPaymentIntent(r.id, p);
  return copyDoc(r.doc);
}

std::string FakeStripe::makeBalanceTransaction(std::int64_t amount, const std::string& currency,
                                               const std::string& type,
                                               const std::string& sourceId) {
  rapidjson::Document d = object();
  auto& a = d.GetAllocator();
  std::int64_t fee = amount > 0 ? amount * 29 / 1000 + 30 : 0;
  json::setInt(d, "amount", amount, a);
  json::setInt(d, "available_on", clock_.nowSeconds() + 2 * 86400, a);
  json::setString(d, "currency", currency, a);
  json::setInt(d, "fee", fee, a);
  json::setInt(d, "net", amount - fee, a);
  json::setString(d, "reporting_category", type == "refund" ? "refund" : "charge", a);
  json::setString(d, "source", sourceId, a);
  json::setString(d, "status", "pending", a);
  json::setString(d, "type", type, a);
  return insert(*kindInfo("balance_transactions"), std::move(d)).id;
}

// A charge for a payment intent or invoice (source), with its event.
std::string FakeStripe::makeCharge(const rapidjson::Value& source, bool succeeded, bool captured) {
  rapidjson::Document d = object();
  auto& a = d.GetAllocator();
  std::string sourceObject = json::getString(source, "object");
  std::int64_t amount = sourceObject == "invoice" ? json::getInt(source, "amount_due")
                                                  : json::getInt(source, "amount");
  std::string currency = json::getString(source, "currency", "usd");
  json::setInt(d, "amount", amount, a);
  json::setInt(d, "amount_captured", succeeded && captured ? amount : 0, a);
  json::setInt(d, "amount_refunded", 0, a);
  json::setNull(d, "balance_transaction", a);
  json::setBool(d, "captured", succeeded && captured, a);
  json::setString(d, "currency", currency, a);
  json::set(d, "customer", json::copy(source["customer"], a), a);
  copyOrNull(d, source, "description");
  if (succeeded) {
    json::setNull(d, "failure_code", a);
    json::setNull(d, "failure_message", a);
  } else {
    json::setString(d, "failure_code", "card_declined", a);
    json::setString(d, "failure_message", "Your card was declined.", a);
  }
  json::setString(d, "invoice", sourceObject == "invoice" ? json::getString(source, "id") : "", a);
  if (sourceObject != "invoice") json::setNull(d, "invoice", a);
  metadataFrom(d, source);
  rapidjson::Value outcome(rapidjson::kObjectType);
  json::setString(outcome, "network_status",
                  succeeded ? "approved_by_network" : "declined_by_network", a);
  json::setString(outcome, "type", succeeded ? "authorized" : "issuer_declined", a);
  json::set(d, "outcome", std::move(outcome), a);
  json::setBool(d, "paid", succeeded, a);
  if (sourceObject == "payment_intent") {
    json::setString(d, "payment_intent", json::getString(source, "id"), a);
  } else {
    json::setNull(d, "payment_intent", a);
  }
  json::setString(d, "payment_method", json::getString(source, "payment_method", "pm_card_visa"),
                  a);
  json::setBool(d, "refunded", false, a);
  json::set(d, "refunds", emptyList("/v1/refunds", a), a);
  json::setString(d, "status", succeeded ? "succeeded" : "failed", a);
  Record& r = insert(*kindInfo("charges"), std::move(d));
  if (succeeded && captured) {
    std::string txn = makeBalanceTransaction(amount, currency, "charge", r.id);
    json::setString(r.doc, "balance_transaction", txn, r.doc.GetAllocator());
  }
  emit(succeeded ? "charge.succeeded" : "charge.failed", r.doc);
  return r.id;
}

rapidjson::Document FakeStripe::confirmPaymentIntent(const std::string& id, const Params& p) {
  Record& pi = findLive("payment_intents", id);
  auto& a = pi.doc.GetAllocator();
  std::string status = json::getString(pi.doc, "status");
  if (status != "requires_payment_method" && status != "requires_confirmation") {
    throw unexpectedState("payment_intent", status);
  }
  std::string pm = json::getString(p, "payment_method", json::getString(pi.doc, "payment_method"));
  if (pm.empty()) {
    throw StripeError{400, "invalid_request_error",
                      "You cannot confirm this PaymentIntent because it's missing a payment "
                      "method. Update the PaymentIntent with a payment method and then confirm "
                      "it again.",
                      "payment_intent_unexpected_state", ""};
  }
  json::setString(pi.doc, "payment_method", pm, a);
  if (isDeclineMethod(pm)) {
    std::string charge = makeCharge(pi.doc, false, false);
    rapidjson::Value err(rapidjson::kObjectType);
    json::setString(err, "charge", charge, a);
    json::setString(err, "code", "card_declined", a);
    json::setString(err, "decline_code", "generic_decline", a);
    json::setString(err, "message", "Your card was declined.", a);
    json::setString(err, "type", "card_error", a);
    json::set(pi.doc, "last_payment_error", std::move(err), a);
    json::setString(pi.doc, "latest_charge", charge, a);
    json::setNull(pi.doc, "payment_method", a);
    json::setString(pi.doc, "status", "requires_payment_method", a);
    emit("payment_intent.payment_failed", pi.doc);
    throw cardDeclined();
  }
  bool manual = json::getString(pi.doc, "capture_method") == "manual";
  std::string charge = makeCharge(pi.doc, true, !manual);
  std::int64_t amount = json::getInt(pi.doc, "amount");
  json::setString(pi.doc, "latest_charge", charge, a);
  json::setNull(pi.doc, "last_payment_error", a);
  if (manual) {
    json::setInt(pi.doc, "amount_capturable", amount, a);
    json::setString(pi.doc, "status", "requires_capture", a);
    emit("payment_intent.amount_capturable_updated", pi.doc);
  } else {
    json::setInt(pi.doc, "amount_received", amount, a);
    json::setString(pi.doc, "status", "succeeded", a);
    emit("payment_intent.succeeded", pi.doc);
  }
  return copyDoc(pi.doc);
}

rapidjson::Document FakeStripe::capturePaymentIntent(const std::string& id) {
  Record& pi = findLive("payment_intents", id);
  auto& a = pi.doc.GetAllocator();
  std::string status = json::getString(pi.doc, "status");
  if (status != "requires_capture") throw unexpectedState("payment_intent", status);
  std::int64_t amount = json::getInt(pi.doc, "amount");
  Record& charge = find("charges", json::getString(pi.doc, "latest_charge"));
  auto& ca = charge.doc.GetAllocator();
  json::setBool(charge.doc, "captured", true, ca);
  json::setInt(charge.doc, "amount_captured", amount, ca);
  std::string txn =
      makeBalanceTransaction(amount, json::getString(pi.doc, "currency"), "charge", charge.id);
  json::setString(charge.doc, "balance_transaction", txn, ca);
  emit("charge.captured", charge.doc);
  json::setInt(pi.doc, "amount_capturable", 0, a);
  json::setInt(pi.doc, "amount_received", amount, a);
  json::setString(pi.doc, "status", "succeeded", a);
  emit("payment_intent.succeeded", pi.doc);
  return copyDoc(pi.doc);
}

rapidjson::Document FakeStripe::cancelPaymentIntent(const std::string& id) {
  Record& pi = findLive("payment_intents", id);
  auto& a = pi.doc.GetAllocator();
  std::string status = json::getString(pi.doc, "status");
  if (status == "succeeded" || status == "canceled")
    throw unexpectedState("payment_intent", status);
  json::setInt(pi.doc, "canceled_at", clock_.nowSeconds(), a);
  json::setString(pi.doc, "cancellation_reason", "requested_by_customer", a);
  json::setString(pi.doc, "status", "canceled", a);
  emit("payment_intent.canceled", pi.doc);
  return copyDoc(pi.doc);
}

rapidjson::Document FakeStripe::createCharge(const Params& p) {
  rapidjson::Document source = object();
  auto& a = source.GetAllocator();
  json::setString(source, "object", "charge_request", a);
  json::setInt(source, "amount", requireInt(p, "amount"), a);
  json::setString(source, "currency", requireString(p, "currency"), a);
  if (json::has(p, "customer")) find("customers", json::getString(p, "customer"), "customer");
  copyOrNull(source, p, "customer");
  copyOrNull(source, p, "description");
  metadataFrom(source, p);
  std::string pm = json::getString(p, "source", json::getString(p, "payment_method", "tok_visa"));
  json::setString(source, "payment_method", pm, a);
  bool ok = !isDeclineMethod(pm);
  std::string id = makeCharge(source, ok, json::getBool(p, "capture", true));
  if (!ok) throw cardDeclined();
  return copyDoc(find("charges", id).doc);
}

rapidjson::Document FakeStripe::createRefund(const Params& p) {
  std::string chargeId = json::getString(p, "charge");
  if (chargeId.empty() && json::has(p, "payment_intent")) {
    Record& pi = find("payment_intents", json::getString(p, "payment_intent"), "payment_intent");
    chargeId = json::getString(pi.doc, "latest_charge");
  }
  if (chargeId.empty()) requireString(p, "charge");
  Record& charge = find("charges", chargeId, "charge");
  auto& ca = charge.doc.GetAllocator();
  std::int64_t remaining =
      json::getInt(charge.doc, "amount_captured") - json::getInt(charge.doc, "amount_refunded");
  std::int64_t amount = json::has(p, "amount") ? requireInt(p, "amount") : remaining;
  if (remaining <= 0) {
    throw StripeError{400, "invalid_request_error",
                      "Charge " + chargeId + " has already been refunded.",
                      "charge_already_refunded", ""};
  }
  if (amount <= 0 || amount > remaining) {
    throw StripeError{400, "invalid_request_error",
                      "Refund amount is greater than unrefunded amount on charge.",
                      "amount_too_large", "amount"};
  }
  std::string currency = json::getString(charge.doc, "currency");
  rapidjson::Document d = object();
  auto& a = d.GetAllocator();
  json::setInt(d, "amount", amount, a);
  json::setNull(d, "balance_transaction", a);
  json::setString(d, "charge", chargeId, a);
  json::setString(d, "currency", currency, a);
  metadataFrom(d, p);
  json::set(d, "payment_intent", json::copy(charge.doc["payment_intent"], a), a);
  copyOrNull(d, p, "reason");
  json::setString(d, "status", "succeeded", a);
  Record& refund = insert(*kindInfo("refunds"), std::move(d));
  std::string txn = makeBalanceTransaction(-amount, currency, "refund", refund.id);
  json::setString(refund.doc, "balance_transaction", txn, refund.doc.GetAllocator());
  emit("refund.created", refund.doc);

  rapidjson::Document prev = object();
  json::set(prev, "amount_refunded", json::copy(charge.doc["amount_refunded"], prev.GetAllocator()),
            prev.GetAllocator());
  json::set(prev, "refunded", json::copy(charge.doc["refunded"], prev.GetAllocator()),
            prev.GetAllocator());
  std::int64_t refunded = json::getInt(charge.doc, "amount_refunded") + amount;
  json::setInt(charge.doc, "amount_refunded", refunded, ca);
  json::setBool(charge.doc, "refunded", refunded >= json::getInt(charge.doc, "amount_captured"),
                ca);
  emit("charge.refunded", charge.doc, &prev);
  return copyDoc(refund.doc);
}

// --- invoices ---

namespace {

void recomputeTotals(rapidjson::Document& inv) {
  auto& a = inv.GetAllocator();
  std::int64_t total = 0;
  for (const auto& line : inv["lines"]["data"].GetArray()) total += json::getInt(line, "amount");
  json::setInt(inv["lines"], "total_count", inv["lines"]["data"].Size(), a);
  json::setInt(inv, "subtotal", total, a);
  json::setInt(inv, "total", total, a);
  json::setInt(inv, "amount_due", total, a);
  json::setInt(inv, "amount_remaining", total - json::getInt(inv, "amount_paid"), a);
}

void addLine(rapidjson::Document& inv, const rapidjson::Value& item, const std::string& lineId) {
  auto& a = inv.GetAllocator();
  rapidjson::Value line(rapidjson::kObjectType);
  json::setString(line, "id", lineId, a);
  json::setString(line, "object", "line_item", a);
  json::set(line, "amount", json::copy(item["amount"], a), a);
  json::set(line, "currency", json::copy(item["currency"], a), a);
  json::set(line, "description", json::copy(item["description"], a), a);
  json::set(line, "invoice_item", json::copy(item["id"], a), a);
  json::set(line, "price", json::copy(item["price"], a), a);
  json::set(line, "quantity", json::copy(item["quantity"], a), a);
  json::setString(line, "type", "invoiceitem", a);
  inv["lines"]["data"].PushBack(line, a);
  recomputeTotals(inv);
}

}  // namespace

rapidjson::Document FakeStripe::createInvoice(const Params& p) {
  Record& inv = insert(*kindInfo("invoices"), buildInvoice(p));
  auto& a = inv.doc.GetAllocator();
  json::setString(inv.doc["lines"], "url", "/v1/invoices/" + inv.id + "/lines", a);
  // Pending invoice items of the customer land on the new draft.
  std::string customer = json::getString(inv.doc, "customer");
  for (Record* item : store_.all("invoiceitems")) {
    if (json::getString(item->doc, "customer") != customer || json::has(item->doc, "invoice") ||
        json::getBool(item->doc, "deleted")) {
      continue;
    }
    json::setString(item->doc, "invoice", inv.id, item->doc.GetAllocator());
    addLine(inv.doc, item->doc, ids_.next("il_", 24));
  }
  emit("invoice.created", inv.doc);
  return copyDoc(inv.doc);
}

rapidjson::Document FakeStripe::createInvoiceItem(const Params& p) {
  Record* inv = nullptr;
  if (json::has(p, "invoice")) {
    inv = &find("invoices", json::getString(p, "invoice"), "invoice");
    if (json::getString(inv->doc, "status") != "draft") {
      throw unexpectedState("invoice", json::getString(inv->doc, "status"));
    }
  }
  Record& item = insert(*kindInfo("invoiceitems"), buildInvoiceItem(p));
  emit("invoiceitem.created", item.doc);
  if (inv) addLine(inv->doc, item.doc, ids_.next("il_", 24));
  return copyDoc(item.doc);
}

rapidjson::Document FakeStripe::finalizeInvoice(Record& inv) {
  auto& a = inv.doc.GetAllocator();
  std::string prefix = "FAKE";
  json::setString(inv.doc, "number", prefix + "-" + std::to_string(1000 + ++invoiceNumber_), a);
  json::setString(inv.doc, "hosted_invoice_url", "https://invoice.stripe.com/i/" + inv.id, a);
  json::setString(inv.doc, "status", "open", a);
  json::setInt(inv.doc["status_transitions"], "finalized_at", clock_.nowSeconds(), a);
  emit("invoice.finalized", inv.doc);
  return copyDoc(inv.doc);
}

rapidjson::Document FakeStripe::payInvoiceRecord(Record& inv, bool succeed) {
  auto& a = inv.doc.GetAllocator();
  std::int64_t due = json::getInt(inv.doc, "amount_due");
  json::setBool(inv.doc, "attempted", true, a);
  json::setInt(inv.doc, "attempt_count", json::getInt(inv.doc, "attempt_count") + 1, a);
  if (!succeed) {
    std::string charge = makeCharge(inv.doc, false, false);
    json::setString(inv.doc, "charge", charge, a);
    json::setInt(inv.doc, "next_payment_attempt", clock_.nowSeconds() + 3 * 86400, a);
    emit("invoice.payment_failed", inv.doc);
    return copyDoc(inv.doc);
  }
  if (due > 0) json::setString(inv.doc, "charge", makeCharge(inv.doc, true, true), a);
  json::setInt(inv.doc, "amount_paid", due, a);
  json::setInt(inv.doc, "amount_remaining", 0, a);
  json::setBool(inv.doc, "paid", true, a);
  json::setString(inv.doc, "status", "paid", a);
  json::setInt(inv.doc["status_transitions"], "paid_at", clock_.nowSeconds(), a);
  emit("invoice.paid", inv.doc);
  emit("invoice.payment_succeeded", inv.doc);
  return copyDoc(inv.doc);
}

rapidjson::Document FakeStripe::invoiceAction(const std::string& id, const std::string& action,
                                              const Params& p) {
  Record& inv = findLive("invoices", id);
  auto& a = inv.doc.GetAllocator();
  std::string status = json::getString(inv.doc, "status");
  if (action == "finalize") {
    if (status != "draft") throw unexpectedState("invoice", status);
    finalizeInvoice(inv);
    if (json::getInt(inv.doc, "amount_due") == 0) return payInvoiceRecord(inv, true);
    return copyDoc(inv.doc);
  }
  if (action == "pay") {
    if (status == "draft") finalizeInvoice(inv);
    status = json::getString(inv.doc, "status");
    if (status != "open") throw unexpectedState("invoice", status);
    bool ok = json::getBool(p, "paid_out_of_band") ||
              !isDeclineMethod(json::getString(p, "payment_method"));
    rapidjson::Document out = payInvoiceRecord(inv, ok);
    if (!ok) throw cardDeclined();
    return out;
  }
  if (status != "open") throw unexpectedState("invoice", status);
  if (action == "send") {
    emit("invoice.sent", inv.doc);
  } else if (action == "void") {
    json::setString(inv.doc, "status", "void", a);
    json::setInt(inv.doc["status_transitions"], "voided_at", clock_.nowSeconds(), a);
    emit("invoice.voided", inv.doc);
  } else {
    json::setString(inv.doc, "status", "uncollectible", a);
    json::setInt(inv.doc["status_transitions"], "marked_uncollectible_at", clock_.nowSeconds(), a);
    emit("invoice.marked_uncollectible", inv.doc);
  }
  return copyDoc(inv.doc);
}

rapidjson::Document FakeStripe::cancelSubscription(const std::string& id) {
  Record& sub = findLive("subscriptions", id);
  auto& a = sub.doc.GetAllocator();
  if (json::getString(sub.doc, "status") == "canceled") {
    throw StripeError{404, "invalid_request_error", "No such subscription: '" + id + "'",
                      "resource_missing", "id"};
  }
  json::setInt(sub.doc, "canceled_at", clock_.nowSeconds(), a);
  json::setInt(sub.doc, "ended_at", clock_.nowSeconds(), a);
  json::setString(sub.doc, "status", "canceled", a);
  emit("customer.subscription.deleted", sub.doc);
  return copyDoc(sub.doc);
}

rapidjson::Document FakeStripe::attachPaymentMethod(const std::string& id, const Params& p,
                                                    bool attach) {
  Record& pm = findLive("payment_methods", id);
  auto& a = pm.doc.GetAllocator();
  if (attach) {
    std::string customer = requireString(p, "customer");
    find("customers", customer, "customer");
    json::setString(pm.doc, "customer", customer, a);
    emit("payment_method.attached", pm.doc);
  } else {
    json::setNull(pm.doc, "customer", a);
    emit("payment_method.detached", pm.doc);
  }
  return copyDoc(pm.doc);
}

HttpResponse FakeStripe::balance() {
  std::map<std::string, std::int64_t> byCurrency;
  for (Record* t : store_.all("balance_transactions")) {
    byCurrency[json::getString(t->doc, "currency", "usd")] += json::getInt(t->doc, "net");
  }
  if (byCurrency.empty()) byCurrency["usd"] = 0;
  rapidjson::Document d = object();
  auto& a = d.GetAllocator();
  json::setString(d, "object", "balance", a);
  rapidjson::Value available(rapidjson::kArrayType), pending(rapidjson::kArrayType);
  for (const auto& [currency, amount] : byCurrency) {
    rapidjson::Value v(rapidjson::kObjectType), z(rapidjson::kObjectType);
    json::setInt(v, "amount", amount, a);
    json::setString(v, "currency", currency, a);
    available.PushBack(v, a);
    json::setInt(z, "amount", 0, a);
    json::setString(z, "currency", currency, a);
    pending.PushBack(z, a);
  }
  json::set(d, "available", std::move(available), a);
  json::setBool(d, "livemode", false, a);
  json::set(d, "pending", std::move(pending), a);
  return HttpResponse::json(200, d);
}

// --- C++ control helpers ---

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
