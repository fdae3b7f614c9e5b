// FakeStripe lists and search: newest first, cursor pages (starting_after, ending_before), the
// filters a list takes, and the search query language's clauses.
#include <algorithm>

#include "tools/fakes/fake_json.h"
#include "tools/fakes/fake_stripe.h"
#include "tools/fakes/stripe_util.h"

namespace sluice::fakes {

using stripe::Params;

namespace {

std::int64_t createdOf(const Record& r) {
  return r.createdMs / 1000;
}

// The field as the id it names: "cus_1" stays, an expanded {"id": "cus_1", ...} gives its id.
std::string fieldText(const rapidjson::Value& doc, const char* key) {
  if (!doc.IsObject() || !doc.HasMember(key)) return "";
  const rapidjson::Value& v = doc[key];
  if (v.IsObject()) return json::getString(v, "id");
  if (v.IsNull()) return "";
  return json::asText(v);
}

bool typeMatches(const std::string& pattern, const std::string& type) {
  if (!pattern.empty() && pattern.back() == '*') {
    return type.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  }
  return pattern == type;
}

bool createdMatches(const rapidjson::Value& q, std::int64_t created) {
  if (!q.HasMember("created")) return true;
  const rapidjson::Value& c = q["created"];
  if (!c.IsObject()) return created == json::getInt(q, "created");
  if (c.HasMember("gte") && created < json::getInt(c, "gte")) return false;
  if (c.HasMember("gt") && created <= json::getInt(c, "gt")) return false;
  if (c.HasMember("lte") && created > json::getInt(c, "lte")) return false;
  if (c.HasMember("lt") && created >= json::getInt(c, "lt")) return false;
  return true;
}

bool typeFilterMatches(const rapidjson::Value& q, const rapidjson::Value& doc) {
  std::string type = json::getString(doc, "type");
  if (q.HasMember("type") && !typeMatches(json::getString(q, "type"), type)) return false;
  if (q.HasMember("types") && q["types"].IsArray()) {
    bool any = false;
    for (const auto& t : q["types"].GetArray())
      any = any || (t.IsString() && typeMatches(t.GetString(), type));
    if (!any) return false;
  }
  return true;
}

bool matchesFilters(const Record& r, const rapidjson::Value& q) {
  static const char* kEquals[] = {"customer", "email",  "status",         "product",
                                  "invoice",  "charge", "payment_intent", "subscription",
                                  "currency", "price"};
  for (const char* key : kEquals) {
    if (q.HasMember(key) && q[key].IsString() && fieldText(r.doc, key) != q[key].GetString()) {
      return false;
    }
  }
  if (q.HasMember("active") && json::getBool(q, "active") != json::getBool(r.doc, "active", true)) {
    return false;
  }
  return typeFilterMatches(q, r.doc) && createdMatches(q, createdOf(r));
}

// Newest first; among records of the same second the later-inserted one comes first.
void sortNewestFirst(std::vector<Record*>& records) {
  std::sort(records.begin(), records.end(), [](const Record* a, const Record* b) {
    if (createdOf(*a) != createdOf(*b)) return createdOf(*a) > createdOf(*b);
    return a->seq > b->seq;
  });
}

// One clause of a search query: field:'value', field~'value', metadata['k']:'v', created>N.
struct Clause {
  std::string field;
  std::string metadataKey;
  std::string op;
  std::string value;
};

std::string unquote(std::string s) {
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) {
    return s.substr(1, s.size() - 2);
  }
  return s;
}

std::vector<Clause> parseQuery(const std::string& query) {
  std::vector<Clause> clauses;
  std::size_t start = 0;
  while (start < query.size()) {
    std::size_t end = query.find(" AND ", start);
    std::size_t endLower = query.find(" and ", start);
    end = std::min(end, endLower);
    std::string text = query.substr(start, end == std::string::npos ? end : end - start);
    std::size_t opPos = text.find_first_of(":~<>");
    if (opPos != std::string::npos) {
      Clause c;
      c.field = text.substr(0, opPos);
      std::size_t valueStart = opPos + 1;
      c.op = text.substr(opPos, 1);
      if ((c.op == "<" || c.op == ">") && opPos + 1 < text.size() && text[opPos + 1] == '=') {
        c.op += "=";
        ++valueStart;
      }
      c.value = unquote(text.substr(valueStart));
      if (c.field.rfind("metadata[", 0) == 0) {
        c.metadataKey = unquote(c.field.substr(9, c.field.size() - 10));
        c.field = "metadata";
      }
      clauses.push_back(c);
    }
    if (end == std::string::npos) break;
    start = end + 5;
  }
  return clauses;
}

bool clauseMatches(const Clause& c, const Record& r) {
  if (c.field == "created") {
    std::int64_t v = std::stoll(c.value), t = createdOf(r);
    if (c.op == ">") return t > v;
    if (c.op == ">=") return t >= v;
    if (c.op == "<") return t < v;
    if (c.op == "<=") return t <= v;
    return t == v;
  }
  std::string actual =
      c.field == "metadata"
          ? (r.doc.HasMember("metadata") ? fieldText(r.doc["metadata"], c.metadataKey.c_str()) : "")
          : fieldText(r.doc, c.field.c_str());
  if (c.op == "~") return actual.find(c.value) != std::string::npos;
  return actual == c.value;
}

// Stripe's list shape, {"object", "data": records [begin, begin + count), "has_more"}; the
// caller adds the rest (url, next_page, total_count).
rapidjson::Document stripeListObject(const char* object, const std::vector<Record*>& records,
                                     std::size_t begin, std::size_t count, bool hasMore) {
  rapidjson::Document doc;
  doc.SetObject();
  auto& a = doc.GetAllocator();
  json::setString(doc, "object", object, a);
  rapidjson::Value data(rapidjson::kArrayType);
  for (std::size_t i = begin; i < begin + count; ++i)
    data.PushBack(json::copy(records[i]->doc, a), a);
  json::set(doc, "data", std::move(data), a);
  json::setBool(doc, "has_more", hasMore, a);
  return doc;
}

}  // namespace

HttpResponse FakeStripe::list(const KindInfo& info, const HttpRequest& req) {
  return handle(req, [&](const rapidjson::Value& q) {
    std::int64_t limit = json::getInt(q, "limit", 10);
    if (limit < 1 || limit > 100) {
      throw StripeError{400, "invalid_request_error", "Invalid limit: must be between 1 and 100",
                        "parameter_invalid_integer", "limit"};
    }
    // Subscriptions list leaves canceled ones out unless asked (status=canceled or all).
    bool subscriptions = info.kind == "subscriptions";
    std::string status = json::getString(q, "status");
    rapidjson::Document filters;
    filters.CopyFrom(q, filters.GetAllocator());
    if (subscriptions && status == "all") filters.RemoveMember("status");
    const bool byEmail =
        q.HasMember("email") && q["email"].IsString() && store_.indexed(info.kind, "email");
    std::vector<Record*> candidates =
        byEmail ? store_.withField(info.kind, "email", q["email"].GetString())
                : store_.all(info.kind);
    std::vector<Record*> records;
    for (Record* r : candidates) {
      if (stripe::isDeleted(*r) || !matchesFilters(*r, filters)) continue;
      if (subscriptions && status.empty() && json::getString(r->doc, "status") == "canceled") {
        continue;
      }
      records.push_back(r);
    }
    sortNewestFirst(records);
    std::size_t begin = 0, end = records.size();
    auto position = [&](const char* param) {
      std::string cursor = json::getString(q, param);
      find(info.kind, cursor, param);
      auto it = std::find_if(records.begin(), records.end(),
                             [&](const Record* r) { return r->id == cursor; });
      return static_cast<std::size_t>(it - records.begin());
    };
    bool backwards = json::has(q, "ending_before");
    if (json::has(q, "starting_after")) begin = std::min(position("starting_after") + 1, end);
    if (backwards) end = std::min(position("ending_before"), records.size());
    std::size_t count = std::min<std::size_t>(static_cast<std::size_t>(limit), end - begin);
    // ending_before pages toward newer records: take the ones right before the cursor.
    if (backwards) begin = end - count;
    bool hasMore = backwards ? begin > 0 : begin + count < end;
    rapidjson::Document doc = stripeListObject("list", records, begin, count, hasMore);
    json::setString(doc, "url", "/v1/" + info.kind, doc.GetAllocator());
    return HttpResponse::json(200, doc);
  });
}

HttpResponse FakeStripe::search(const KindInfo& info, const HttpRequest& req) {
  return handle(req, [&](const rapidjson::Value& q) {
    std::string query = json::getString(q, "query");
    if (query.empty()) {
      throw StripeError{400, "invalid_request_error", "Missing required param: query.",
                        "parameter_missing", "query"};
    }
    std::vector<Clause> clauses = parseQuery(query);
    std::vector<Record*> records;
    for (Record* r : store_.all(info.kind)) {
      bool ok = !stripe::isDeleted(*r);
      for (const Clause& c : clauses) ok = ok && clauseMatches(c, *r);
      if (ok) records.push_back(r);
    }
    sortNewestFirst(records);
    std::size_t limit =
        static_cast<std::size_t>(std::clamp<std::int64_t>(json::getInt(q, "limit", 10), 1, 100));
    std::string page = json::getString(q, "page");
    std::size_t offset = page.rfind("page_", 0) == 0 ? std::stoul(page.substr(5)) : 0;
    offset = std::min(offset, records.size());
    std::size_t count = std::min(limit, records.size() - offset);
    bool more = offset + count < records.size();
    rapidjson::Document doc = stripeListObject("search_result", records, offset, count, more);
    auto& a = doc.GetAllocator();
    if (more) {
      json::setString(doc, "next_page", "page_" + std::to_string(offset + count), a);
    } else {
      json::setNull(doc, "next_page", a);
    }
    json::setInt(doc, "total_count", static_cast<std::int64_t>(records.size()), a);
    json::setString(doc, "url", "/v1/" + info.kind + "/search", a);
    HttpResponse resp = HttpResponse::json(200, doc);
    return resp;
  });
}

}  // namespace sluice::fakes
