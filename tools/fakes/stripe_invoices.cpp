// FakeStripe invoices: drafts that collect pending invoice items, finalize, pay (or fail), void
// and mark uncollectible, each step announced with its event.
#include "tools/fakes/fake_json.h"
#include "tools/fakes/fake_stripe.h"
#include "tools/fakes/stripe_util.h"

namespace sluice::fakes {

using stripe::Params;

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
      throw stripe::unexpectedState("invoice", json::getString(inv->doc, "status"));
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
    if (status != "draft") throw stripe::unexpectedState("invoice", status);
    finalizeInvoice(inv);
    if (json::getInt(inv.doc, "amount_due") == 0) return payInvoiceRecord(inv, true);
    return copyDoc(inv.doc);
  }
  if (action == "pay") {
    if (status == "draft") finalizeInvoice(inv);
    status = json::getString(inv.doc, "status");
    if (status != "open") throw stripe::unexpectedState("invoice", status);
    bool ok = json::getBool(p, "paid_out_of_band") ||
              !stripe::isDeclineMethod(json::getString(p, "payment_method"));
    rapidjson::Document out = payInvoiceRecord(inv, ok);
    if (!ok) throw stripe::cardDeclined();
    return out;
  }
  if (status != "open") throw stripe::unexpectedState("invoice", status);
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

}  // namespace sluice::fakes
