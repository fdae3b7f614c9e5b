// FakeGhl payments (orders scoped by altId, transactions by altId/altType, limit + offset pages)
// and opportunities (create, search).
#include <algorithm>

#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_json.h"
#include "tools/fakes/ghl_util.h"

namespace sluice::fakes {

namespace {

using Body = rapidjson::Value;

double number(const Body& b, const char* key, double def) {
  if (!b.HasMember(key)) return def;
  if (b[key].IsNumber()) return b[key].GetDouble();
  if (b[key].IsString()) return std::atof(b[key].GetString());
  return def;
}

}  // namespace

rapidjson::Document FakeGhl::startPayment(const Body& b) {
  ghl::requireFields(b, {"contactId"});
  Record& contact = require("contacts", json::getString(b, "contactId"), "Contact");
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  json::setString(d, "_id", ids_.next("", 24), a);
  json::setString(d, "altId",
                  json::getString(b, "altId", json::getString(contact.doc, "locationId")), a);
  json::setString(d, "altType", "location", a);
  json::setString(d, "contactId", contact.id, a);
  json::set(d, "contactName", json::copy(contact.doc["name"], a), a);
  json::set(d, "contactEmail", json::copy(contact.doc["email"], a), a);
  json::setString(d, "currency", json::getString(b, "currency", "USD"), a);
  return d;
}

rapidjson::Document FakeGhl::buildOrder(const Body& b) {
  rapidjson::Document o = startPayment(b);
  auto& a = o.GetAllocator();
  double amount = number(b, "amount", 100);
  json::set(o, "amount", rapidjson::Value(amount), a);
  json::set(o, "subtotal", rapidjson::Value(amount), a);
  json::setString(o, "status", json::getString(b, "status", "completed"), a);
  json::setString(o, "paymentStatus", json::getString(b, "paymentStatus", "paid"), a);
  json::setString(o, "fulfillmentStatus", "unfulfilled", a);
  json::setBool(o, "liveMode", false, a);
  // OrderResponseSchema of the official spec: the source as flat fields, not an object.
  json::setString(o, "sourceType", "funnel", a);
  json::setString(o, "sourceName", "Fake Funnel", a);
  json::setString(o, "createdAt", isoNow(), a);
  json::setString(o, "updatedAt", isoNow(), a);
  return o;
}

rapidjson::Document FakeGhl::buildTransaction(const Body& b) {
  rapidjson::Document t = startPayment(b);
  auto& a = t.GetAllocator();
  json::set(t, "amount", rapidjson::Value(number(b, "amount", 100)), a);
  json::setInt(t, "amountRefunded", 0, a);
  json::setString(t, "status", json::getString(b, "status", "succeeded"), a);
  json::setBool(t, "liveMode", false, a);
  json::setString(t, "entityType", "order", a);
  json::setString(t, "entityId", json::getString(b, "entityId"), a);
  json::setString(t, "entitySourceType", "funnel", a);
  json::setString(t, "entitySourceName", "Fake Funnel", a);
  json::setString(t, "paymentProviderType", "stripe", a);
  json::setString(t, "chargeId", ids_.next("ch_", 24), a);
  json::setString(t, "createdAt", isoNow(), a);
  json::setString(t, "updatedAt", isoNow(), a);
  json::setString(t, "fulfilledAt", isoNow(), a);
  return t;
}

namespace {

// The spec's scoping: orders take altId only, transactions altId with altType=location.
void requirePaymentScope(const std::string& kind, const HttpRequest& req) {
  if (kind == "orders") {
    ghl::requireParams(req, {"altId"});
    return;
  }
  ghl::requireParams(req, {"altId", "altType"});
  if (req.param("altType") != "location") {
    throw GhlError{422, "", {"altType must be one of the following values: location"}};
  }
}

}  // namespace

HttpResponse FakeGhl::listPayments(const std::string& kind, const HttpRequest& req) {
  requirePaymentScope(kind, req);
  std::int64_t limit = ghl::intParam(req, "limit", 10, 1, 100);
  std::int64_t offset = ghl::intParam(req, "offset", 0, 0, INT64_MAX);
  // startAt and endAt name days: from the start of the one to the end of the other.
  const std::int64_t from = ghl::dayParamMs(req, "startAt", INT64_MIN);
  const std::int64_t until = ghl::dayParamMs(req, "endAt", INT64_MAX - 86'400'000) + 86'400'000;
  std::vector<Record*> records;
  for (Record* r : store_.all(kind)) {
    if (!ghl::fieldEquals(r->doc, "altId", req.param("altId"))) continue;
    if (r->createdMs < from || r->createdMs >= until) continue;
    bool ok = true;
    for (const char* f : {"contactId", "status", "paymentStatus"}) {
      if (req.hasParam(f) && !ghl::fieldEquals(r->doc, f, req.param(f))) ok = false;
    }
    if (ok) records.push_back(r);
  }
  ghl::newestFirst(records);
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (std::size_t i = static_cast<std::size_t>(offset);
       i < records.size() && static_cast<std::int64_t>(list.Size()) < limit; ++i) {
    list.PushBack(json::copy(records[i]->doc, a), a);
  }
  json::set(d, "data", std::move(list), a);
  json::setInt(d, "totalCount", static_cast<std::int64_t>(records.size()), a);
  return HttpResponse::json(200, d);
}

void FakeGhl::registerPaymentRoutes() {
  for (const char* k : {"orders", "transactions"}) {
    std::string kind = k;
    std::string what = kind == "orders" ? "Order" : "Transaction";
    on("GET", "/payments/" + kind,
       [this, kind](const HttpRequest& req, const Body&, const PathParams&) {
         return listPayments(kind, req);
       });
    on("GET", "/payments/" + kind + "/{id}",
       [this, kind, what](const HttpRequest& req, const Body&, const PathParams& p) {
         requirePaymentScope(kind, req);
         Record& r = require(kind, p.at("id"), what);
         if (!ghl::fieldEquals(r.doc, "altId", req.param("altId"))) {
           throw GhlError{404, what + " not found", {}};
         }
         return HttpResponse::json(200, r.doc);
       });
  }
}

rapidjson::Document FakeGhl::buildOpportunity(const Body& b) {
  ghl::requireFields(b, {"pipelineId", "locationId", "name", "status", "contactId"});
  Record& contact = require("contacts", json::getString(b, "contactId"), "Contact");
  rapidjson::Document o;
  o.SetObject();
  auto& a = o.GetAllocator();
  json::set(o, "name", json::copy(b["name"], a), a);
  json::set(o, "monetaryValue", rapidjson::Value(number(b, "monetaryValue", 0)), a);
  json::set(o, "pipelineId", json::copy(b["pipelineId"], a), a);
  json::setString(o, "pipelineStageId", json::getString(b, "pipelineStageId"), a);
  json::setString(o, "assignedTo", json::getString(b, "assignedTo"), a);
  json::set(o, "status", json::copy(b["status"], a), a);
  json::setString(o, "source", json::getString(b, "source"), a);
  json::setString(o, "lastStatusChangeAt", isoNow(), a);
  json::setString(o, "lastStageChangeAt", isoNow(), a);
  json::setString(o, "createdAt", isoNow(), a);
  json::setString(o, "updatedAt", isoNow(), a);
  json::setString(o, "contactId", contact.id, a);
  json::set(o, "locationId", json::copy(b["locationId"], a), a);
  rapidjson::Value c(rapidjson::kObjectType);
  json::setString(c, "id", contact.id, a);
  for (const char* f : {"name", "companyName", "email", "phone", "tags"}) {
    json::set(c, f, json::copy(contact.doc[f], a), a);
  }
  json::set(o, "contact", std::move(c), a);
  return o;
}

HttpResponse FakeGhl::searchOpportunities(const HttpRequest& req) {
  ghl::requireParams(req, {"location_id"});
  std::int64_t limit = ghl::intParam(req, "limit", 20, 1, 100);
  std::int64_t page = ghl::intParam(req, "page", 1, 1, INT64_MAX / 200);
  std::string status = req.param("status"), q = lower(req.param("q"));
  std::vector<Record*> records;
  for (Record* r : store_.all("opportunities")) {
    if (!ghl::fieldEquals(r->doc, "locationId", req.param("location_id"))) continue;
    if (req.hasParam("contact_id") &&
        !ghl::fieldEquals(r->doc, "contactId", req.param("contact_id")))
      continue;
    if (req.hasParam("pipeline_id") &&
        !ghl::fieldEquals(r->doc, "pipelineId", req.param("pipeline_id")))
      continue;
    if (!status.empty() && status != "all" && !ghl::fieldEquals(r->doc, "status", status)) continue;
    if (!q.empty() && lower(json::getString(r->doc, "name")).find(q) == std::string::npos) continue;
    records.push_back(r);
  }
  ghl::newestFirst(records);
  std::size_t begin = static_cast<std::size_t>((page - 1) * limit);
  std::string afterId = req.param("startAfterId");
  if (!afterId.empty()) begin = ghl::indexAfter(records, afterId);
  begin = std::min(begin, records.size());
  std::size_t end = std::min(records.size(), begin + static_cast<std::size_t>(limit));
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (std::size_t i = begin; i < end; ++i) list.PushBack(json::copy(records[i]->doc, a), a);
  json::set(d, "opportunities", std::move(list), a);
  rapidjson::Value meta(rapidjson::kObjectType);
  std::int64_t current = static_cast<std::int64_t>(begin) / limit + 1;
  json::setInt(meta, "total", static_cast<std::int64_t>(records.size()), a);
  json::setInt(meta, "currentPage", current, a);
  bool more = end < records.size();
  if (end > begin) {
    json::setString(meta, "startAfterId", records[end - 1]->id, a);
    json::setInt(meta, "startAfter", records[end - 1]->createdMs, a);
  } else {
    json::setNull(meta, "startAfterId", a);
    json::setNull(meta, "startAfter", a);
  }
  if (more) {
    json::setInt(meta, "nextPage", current + 1, a);
    json::setString(meta, "nextPageUrl",
                    baseUrl() + "/opportunities/search?location_id=" + req.param("location_id") +
                        "&startAfterId=" + records[end - 1]->id,
                    a);
  } else {
    json::setNull(meta, "nextPage", a);
    json::setNull(meta, "nextPageUrl", a);
  }
  if (current > 1) {
    json::setInt(meta, "prevPage", current - 1, a);
  } else {
    json::setNull(meta, "prevPage", a);
  }
  json::set(d, "meta", std::move(meta), a);
  json::set(d, "aggregations", rapidjson::Value(rapidjson::kObjectType), a);
  return HttpResponse::json(200, d);
}

void FakeGhl::registerOpportunityRoutes() {
  on("POST", "/opportunities/", [this](const HttpRequest&, const Body& b, const PathParams&) {
    return HttpResponse::json(
        201, ghl::wrap("opportunity", insert("opportunities", buildOpportunity(b)).doc));
  });
  on("GET", "/opportunities/search",
     [this](const HttpRequest& req, const Body&, const PathParams&) {
       return searchOpportunities(req);
     });
  on("GET", "/opportunities/{id}", [this](const HttpRequest&, const Body&, const PathParams& p) {
    return HttpResponse::json(
        200, ghl::wrap("opportunity", require("opportunities", p.at("id"), "Opportunity").doc));
  });
  on("PUT", "/opportunities/{id}", [this](const HttpRequest&, const Body& b, const PathParams& p) {
    Record& o = require("opportunities", p.at("id"), "Opportunity");
    auto& a = o.doc.GetAllocator();
    for (const char* f : {"name", "monetaryValue", "pipelineId", "pipelineStageId", "status",
                          "assignedTo", "source"}) {
      if (b.HasMember(f)) json::set(o.doc, f, json::copy(b[f], a), a);
    }
    json::setString(o.doc, "updatedAt", isoNow(), a);
    return HttpResponse::json(200, ghl::wrap("opportunity", o.doc));
  });
  on("DELETE", "/opportunities/{id}", [this](const HttpRequest&, const Body&, const PathParams& p) {
    require("opportunities", p.at("id"), "Opportunity");
    store_.erase("opportunities", p.at("id"));
    return HttpResponse::json(200, "{\"succeded\":true}");
  });
}

// --- C++ helpers ---

namespace {

std::string fieldsFor(const std::string& contactId, double amount, const char* amountKey,
                      const std::string& status) {
  rapidjson::Document b;
  b.SetObject();
  auto& a = b.GetAllocator();
  json::setString(b, "contactId", contactId, a);
  json::set(b, amountKey, rapidjson::Value(amount), a);
  json::setString(b, "status", status, a);
  return json::dump(b);
}

}  // namespace

std::string FakeGhl::createOrder(const std::string& contactId, double amount,
                                 const std::string& status) {
  return createRecord("orders", fieldsFor(contactId, amount, "amount", status));
}

std::string FakeGhl::createTransaction(const std::string& contactId, double amount,
                                       const std::string& status) {
  return createRecord("transactions", fieldsFor(contactId, amount, "amount", status));
}

std::string FakeGhl::createOpportunity(const std::string& contactId, const std::string& name,
                                       double monetaryValue, const std::string& locationId) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  const std::string location =
      locationId.empty() ? recordLocation("contacts", contactId) : locationId;
  rapidjson::Document b;
  b.SetObject();
  auto& a = b.GetAllocator();
  json::setString(b, "contactId", contactId, a);
  json::setString(b, "name", name, a);
  json::set(b, "monetaryValue", rapidjson::Value(monetaryValue), a);
  json::setString(b, "pipelineId", "pipe_fake_0001", a);
  json::setString(b, "status", "open", a);
  json::setString(b, "locationId", location.empty() ? locationId_ : location, a);
  return createRecord("opportunities", json::dump(b));
}

}  // namespace sluice::fakes
