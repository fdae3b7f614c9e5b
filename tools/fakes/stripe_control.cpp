// FakeStripe control: records made through the API's own builders and events, the actions that
// drive activity, and the connected accounts the demo makes; the routes are listed in
// fake_stripe.h.
#include "tools/fakes/fake_json.h"
#include "tools/fakes/fake_stripe.h"
#include "tools/fakes/stripe_util.h"

namespace sluice::fakes {

using stripe::Params;

rapidjson::Document FakeStripe::controlCreate(const std::string& kind,
                                              const rapidjson::Value& fields) {
  const KindInfo* info = kindInfo(kind);
  if (!info) throw ControlError(404, "unknown Stripe kind: " + kind);
  try {
    rapidjson::Document doc = build(*info, fields);
    // Given fields win over the defaults, except a subscription's `items` ([{price}]), which
    // the builder turned into the list object Stripe returns.
    rapidjson::Document given;
    given.CopyFrom(fields, given.GetAllocator());
    if (info->kind == "subscriptions" && given.IsObject()) given.RemoveMember("items");
    json::assign(doc, given, doc.GetAllocator());
    Record& r = insert(*info, std::move(doc));
    announce(*info, r, "created");
    return copyDoc(r.doc);
  } catch (const StripeError& e) {
    throw ControlError(e.status, e.message);
  }
}

rapidjson::Document FakeStripe::controlUpdate(const std::string& kind, const std::string& id,
                                              const rapidjson::Value& fields) {
  const KindInfo* info = kindInfo(kind);
  if (!info) throw ControlError(404, "unknown Stripe kind: " + kind);
  try {
    return update(*info, id, fields);
  } catch (const StripeError& e) {
    throw ControlError(e.status, e.message);
  }
}

void FakeStripe::controlDelete(const std::string& kind, const std::string& id) {
  if (kind == "accounts") return deauthorizeAccount(id);
  const KindInfo* info = kindInfo(kind);
  if (!info) throw ControlError(404, "unknown Stripe kind: " + kind);
  try {
    remove(*info, id);
  } catch (const StripeError& e) {
    throw ControlError(e.status, e.message);
  }
}

bool FakeStripe::handleControl(const HttpRequest& req, const std::vector<std::string>& segs,
                               HttpResponse& resp) {
  if (req.method != "POST") return false;
  if (segs.size() == 1 && segs[0] == "accounts") {
    rapidjson::Document b = parseFields(req.body);
    const std::string metadata = b.HasMember("metadata") ? json::dump(b["metadata"]) : "{}";
    const std::string id = createAccount(json::getString(b, "name"), metadata);
    SpaceGuard platform(store_, "");
    resp = HttpResponse::json(201, find("accounts", id).doc);
    return true;
  }
  if (segs.size() == 3 && segs[0] == "accounts" && segs[2] == "deauthorize") {
    deauthorizeAccount(segs[1]);
    resp = HttpResponse::json(200, "{\"deauthorized\":true}");
    return true;
  }
  if (segs.size() != 2 || segs[0] != "actions") return false;
  return handleActionControl(segs[1], parseFields(req.body), req.header("Stripe-Account"), resp);
}

// POST /_control/actions/NAME: the helper of that name, in the account of the request.
bool FakeStripe::handleActionControl(const std::string& name, const rapidjson::Value& b,
                                     const std::string& account, HttpResponse& resp) {
  std::string customer = json::getString(b, "customer");
  std::int64_t amount = json::getInt(b, "amount", 1000);
  std::string currency = json::getString(b, "currency", "usd");
  std::string out;
  if (name == "create_customer") {
    std::string metadata = b.HasMember("metadata") ? json::dump(b["metadata"]) : "{}";
    out =
        createCustomer(json::getString(b, "email"), json::getString(b, "name"), metadata, account);
  } else if (name == "update_customer") {
    rapidjson::Document fields;
    fields.CopyFrom(b, fields.GetAllocator());
    fields.RemoveMember("id");
    out = updateCustomer(json::getString(b, "id"), json::dump(fields), account);
  } else if (name == "payment_succeeded") {
    out = succeedPayment(customer, amount, currency, account);
  } else if (name == "payment_failed") {
    out = failPayment(customer, amount, currency, account);
  } else if (name == "invoice_paid") {
    out = payInvoice(customer, amount, account);
  } else if (name == "invoice_failed") {
    out = failInvoice(customer, amount, account);
  } else if (name == "refund") {
    out = refundCharge(json::getString(b, "charge"), json::getInt(b, "amount", 0), account);
  } else {
    throw ControlError(404, "unknown action: " + name);
  }
  resp = HttpResponse::json(200, out);
  return true;
}

std::vector<std::string> FakeStripe::eventTypes(const std::string& account) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  RecordStore& store = const_cast<RecordStore&>(store_);
  SpaceGuard space(store, account.empty() ? store.space() : account);
  std::vector<std::string> types;
  for (Record* r : store.all("events")) types.push_back(json::getString(r->doc, "type"));
  return types;
}

}  // namespace sluice::fakes
