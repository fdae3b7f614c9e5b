#include "tools/fakes/stripe_util.h"

#include "tools/fakes/fake_json.h"

namespace sluice::fakes::stripe {

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

bool isDeleted(const Record& r) {
  return json::getBool(r.doc, "deleted", false);
}

}  // namespace sluice::fakes::stripe
