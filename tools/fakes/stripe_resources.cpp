// FakeStripe flows that touch several objects and announce each step with an event: creates,
// payment intents (confirm, capture, cancel), charges, refunds, subscriptions, payment methods
// and the balance. Builders live in stripe_builders.cpp, invoices in stripe_invoices.cpp.
#include <algorithm>

#include "tools/fakes/fake_json.h"
#include "tools/fakes/fake_stripe.h"
#include "tools/fakes/stripe_util.h"

namespace sluice::fakes {

using stripe::Params;

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
  rapidjson::Document d = stripe::object();
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
  rapidjson::Document d = stripe::object();
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
  stripe::copyOrNull(d, source, "description");
  if (succeeded) {
    json::setNull(d, "failure_code", a);
    json::setNull(d, "failure_message", a);
  } else {
    json::setString(d, "failure_code", "card_declined", a);
    json::setString(d, "failure_message", "Your card was declined.", a);
  }
  json::setString(d, "invoice", sourceObject == "invoice" ? json::getString(source, "id") : "", a);
  if (sourceObject != "invoice") json::setNull(d, "invoice", a);
  stripe::metadataFrom(d, source);
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
  json::set(d, "refunds", stripe::emptyList("/v1/refunds", a), a);
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
    throw stripe::unexpectedState("payment_intent", status);
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
  if (stripe::isDeclineMethod(pm)) {
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
    throw stripe::cardDeclined();
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
  if (status != "requires_capture") throw stripe::unexpectedState("payment_intent", status);
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
    throw stripe::unexpectedState("payment_intent", status);
  json::setInt(pi.doc, "canceled_at", clock_.nowSeconds(), a);
  json::setString(pi.doc, "cancellation_reason", "requested_by_customer", a);
  json::setString(pi.doc, "status", "canceled", a);
  emit("payment_intent.canceled", pi.doc);
  return copyDoc(pi.doc);
}

rapidjson::Document FakeStripe::createCharge(const Params& p) {
  rapidjson::Document source = stripe::object();
  auto& a = source.GetAllocator();
  json::setString(source, "object", "charge_request", a);
  json::setInt(source, "amount", stripe::requireInt(p, "amount"), a);
  json::setString(source, "currency", stripe::requireString(p, "currency"), a);
  if (json::has(p, "customer")) find("customers", json::getString(p, "customer"), "customer");
  stripe::copyOrNull(source, p, "customer");
  stripe::copyOrNull(source, p, "description");
  stripe::metadataFrom(source, p);
  std::string pm = json::getString(p, "source", json::getString(p, "payment_method", "tok_visa"));
  json::setString(source, "payment_method", pm, a);
  bool ok = !stripe::isDeclineMethod(pm);
  std::string id = makeCharge(source, ok, json::getBool(p, "capture", true));
  if (!ok) throw stripe::cardDeclined();
  return copyDoc(find("charges", id).doc);
}

rapidjson::Document FakeStripe::createRefund(const Params& p) {
  std::string chargeId = json::getString(p, "charge");
  if (chargeId.empty() && json::has(p, "payment_intent")) {
    Record& pi = find("payment_intents", json::getString(p, "payment_intent"), "payment_intent");
    chargeId = json::getString(pi.doc, "latest_charge");
  }
  if (chargeId.empty()) stripe::requireString(p, "charge");
  Record& charge = find("charges", chargeId, "charge");
  auto& ca = charge.doc.GetAllocator();
  std::int64_t remaining =
      json::getInt(charge.doc, "amount_captured") - json::getInt(charge.doc, "amount_refunded");
  std::int64_t amount = json::has(p, "amount") ? stripe::requireInt(p, "amount") : remaining;
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
  rapidjson::Document d = stripe::object();
  auto& a = d.GetAllocator();
  json::setInt(d, "amount", amount, a);
  json::setNull(d, "balance_transaction", a);
  json::setString(d, "charge", chargeId, a);
  json::setString(d, "currency", currency, a);
  stripe::metadataFrom(d, p);
  json::set(d, "payment_intent", json::copy(charge.doc["payment_intent"], a), a);
  stripe::copyOrNull(d, p, "reason");
  json::setString(d, "status", "succeeded", a);
  Record& refund = insert(*kindInfo("refunds"), std::move(d));
  std::string txn = makeBalanceTransaction(-amount, currency, "refund", refund.id);
  json::setString(refund.doc, "balance_transaction", txn, refund.doc.GetAllocator());
  emit("refund.created", refund.doc);

  rapidjson::Document prev = stripe::object();
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
    std::string customer = stripe::requireString(p, "customer");
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
  rapidjson::Document d = stripe::object();
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

}  // namespace sluice::fakes
