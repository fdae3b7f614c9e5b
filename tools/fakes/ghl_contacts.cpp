// FakeGhl contacts: create/upsert/update/delete, the deprecated cursor list, search,
// duplicate lookup, tags, notes and tasks.
#include <algorithm>

#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_json.h"
#include "tools/fakes/ghl_util.h"

namespace sluice::fakes {

namespace {

using Body = rapidjson::Value;

const char* const kStringFields[] = {"firstName",   "lastName",   "name",        "phone",
                                     "companyName", "address1",   "city",        "state",
                                     "country",     "postalCode", "website",     "timezone",
                                     "source",      "assignedTo", "dateOfBirth", "type"};

std::string trim(const std::string& s) {
  std::size_t b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

void setNames(rapidjson::Value& c, rapidjson::Document::AllocatorType& a) {
  std::string first = json::getString(c, "firstName"), last = json::getString(c, "lastName");
  std::string full = trim(first + " " + last);
  if (full.empty()) full = json::getString(c, "name");
  json::setString(c, "name", full, a);
  json::setString(c, "contactName", full, a);
  json::setString(c, "firstNameLowerCase", lower(first), a);
  json::setString(c, "lastNameLowerCase", lower(last), a);
  json::setString(c, "fullNameLowerCase", lower(full), a);
}

// GHL keeps tags lower-cased and unique.
rapidjson::Value normalizedTags(const Body& tags, const rapidjson::Value* keep,
                                rapidjson::Document::AllocatorType& a) {
  std::vector<std::string> out;
  auto add = [&out](const rapidjson::Value& v) {
    if (!v.IsString()) return;
    std::string t = lower(trim(v.GetString()));
    if (!t.empty() && std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
  };
  if (keep && keep->IsArray()) {
    for (const auto& t : keep->GetArray()) add(t);
  }
  if (tags.IsArray()) {
    for (const auto& t : tags.GetArray()) add(t);
  }
  rapidjson::Value list(rapidjson::kArrayType);
  for (const std::string& t : out) list.PushBack(json::str(t, a), a);
  return list;
}

// Input [{id, key?, field_value|value}] -> stored [{id, key?, value}].
rapidjson::Value customFields(const Body& input, rapidjson::Document::AllocatorType& a) {
  rapidjson::Value out(rapidjson::kArrayType);
  if (!input.IsArray()) return out;
  for (const auto& f : input.GetArray()) {
    if (!f.IsObject()) continue;
    rapidjson::Value v(rapidjson::kObjectType);
    json::setString(v, "id", json::getString(f, "id", json::getString(f, "key")), a);
    if (f.HasMember("key")) json::set(v, "key", json::copy(f["key"], a), a);
    const char* valueKey = f.HasMember("field_value") ? "field_value" : "value";
    json::set(v, "value", f.HasMember(valueKey) ? json::copy(f[valueKey], a) : rapidjson::Value(),
              a);
    out.PushBack(v, a);
  }
  return out;
}

std::string fieldText(const rapidjson::Value& doc, const std::string& field) {
  if (!doc.HasMember(field.c_str())) return "";
  return lower(json::asText(doc[field.c_str()]));
}

bool filterMatches(const rapidjson::Value& doc, const rapidjson::Value& filter);

bool groupMatches(const rapidjson::Value& doc, const rapidjson::Value& filters, bool any) {
  if (!filters.IsArray()) return true;
  bool result = !any;
  for (const auto& f : filters.GetArray()) {
    bool m = filterMatches(doc, f);
    result = any ? (result || m) : (result && m);
  }
  return result;
}

bool filterMatches(const rapidjson::Value& doc, const rapidjson::Value& filter) {
  if (!filter.IsObject()) return true;
  if (filter.HasMember("filters")) {
    return groupMatches(doc, filter["filters"], json::getString(filter, "group") == "OR");
  }
  std::string field = json::getString(filter, "field");
  std::string op = json::getString(filter, "operator", "eq");
  std::string value = filter.HasMember("value") && !filter["value"].IsObject()
                          ? lower(json::asText(filter["value"]))
                          : "";
  if (field == "tags") {
    bool has = false;
    if (doc.HasMember("tags") && doc["tags"].IsArray()) {
      for (const auto& t : doc["tags"].GetArray())
        has = has || (t.IsString() && value == t.GetString());
    }
    return (op == "eq" || op == "contains") ? has : !has;
  }
  std::string actual = fieldText(doc, field);
  if (!actual.empty() && actual.front() == '"') actual = actual.substr(1, actual.size() - 2);
  if (op == "eq") return actual == value;
  if (op == "not_eq") return actual != value;
  if (op == "contains") return actual.find(value) != std::string::npos;
  if (op == "not_contains") return actual.find(value) == std::string::npos;
  if (op == "exists") return !actual.empty() && actual != "null";
  if (op == "not_exists") return actual.empty() || actual == "null";
  if (op == "range" && filter.HasMember("value") && filter["value"].IsObject()) {
    const rapidjson::Value& r = filter["value"];
    std::string raw = json::getString(doc, field.c_str());
    if (r.HasMember("gte") && raw < json::asText(r["gte"])) return false;
    if (r.HasMember("gt") && raw <= json::asText(r["gt"])) return false;
    if (r.HasMember("lte") && raw > json::asText(r["lte"])) return false;
    if (r.HasMember("lt") && raw >= json::asText(r["lt"])) return false;
    return true;
  }
  throw GhlError{422, "", {"unsupported filter operator: " + op}};
}

bool queryMatches(const rapidjson::Value& doc, const std::string& query) {
  if (query.empty()) return true;
  std::string q = lower(query);
  for (const char* f : {"name", "email", "phone", "companyName"}) {
    if (lower(json::getString(doc, f)).find(q) != std::string::npos) return true;
  }
  return false;
}

std::vector<Record*> childrenOf(RecordStore& store, const std::string& kind,
                                const std::string& contactId) {
  std::vector<Record*> out;
  for (Record* r : store.all(kind)) {
    if (ghl::fieldEquals(r->doc, "contactId", contactId)) out.push_back(r);
  }
  ghl::newestFirst(out);
  return out;
}

HttpResponse listOf(const char* key, const std::vector<Record*>& records) {
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const Record* r : records) list.PushBack(json::copy(r->doc, a), a);
  json::set(d, key, std::move(list), a);
  return HttpResponse::json(200, d);
}

HttpResponse succeeded() {
  // GHL spells it this way.
  return HttpResponse::json(200, "{\"succeded\":true}");
}

}  // namespace

rapidjson::Document FakeGhl::buildContact(const Body& b, const std::string& locationId) {
  rapidjson::Document c;
  c.SetObject();
  auto& a = c.GetAllocator();
  json::setString(c, "locationId", locationId, a);
  for (const char* f : kStringFields) json::setNull(c, f, a);
  json::setString(c, "type", "lead", a);
  json::setNull(c, "email", a);
  json::setNull(c, "emailLowerCase", a);
  json::setBool(c, "dnd", false, a);
  json::set(c, "tags", rapidjson::Value(rapidjson::kArrayType), a);
  json::set(c, "customFields", rapidjson::Value(rapidjson::kArrayType), a);
  json::setString(c, "dateAdded", isoNow(), a);
  applyContactFields(c, b);
  return c;
}

void FakeGhl::applyContactFields(rapidjson::Document& c, const Body& b) {
  auto& a = c.GetAllocator();
  std::string email = json::getString(b, "email");
  if (!email.empty() && email.find('@') == std::string::npos) {
    throw GhlError{422, "", {"email must be an email"}};
  }
  for (const char* f : kStringFields) {
    if (b.HasMember(f)) json::set(c, f, json::copy(b[f], a), a);
  }
  if (b.HasMember("email")) {
    json::set(c, "email", email.empty() ? rapidjson::Value() : json::str(lower(email), a), a);
    json::set(c, "emailLowerCase", json::copy(c["email"], a), a);
  }
  if (b.HasMember("dnd")) json::setBool(c, "dnd", json::getBool(b, "dnd"), a);
  if (b.HasMember("tags")) json::set(c, "tags", normalizedTags(b["tags"], nullptr, a), a);
  if (b.HasMember("customFields"))
    json::set(c, "customFields", customFields(b["customFields"], a), a);
  if (b.HasMember("customField"))
    json::set(c, "customFields", customFields(b["customField"], a), a);
  setNames(c, a);
  json::setString(c, "dateUpdated", isoNow(), a);
}

// The first contact of the location, in insertion order, with this email or this phone.
Record* FakeGhl::findContactByEmailOrPhone(const std::string& location, const std::string& email,
                                           const std::string& phone) {
  Record* first = nullptr;
  auto consider = [&](const char* field, const std::string& value) {
    if (value.empty()) return;
    for (Record* r : store_.withField("contacts", field, value)) {
      if (!ghl::fieldEquals(r->doc, "locationId", location)) continue;
      if (!first || r->seq < first->seq) first = r;
      return;
    }
  };
  consider("email", lower(email));
  consider("phone", phone);
  return first;
}

Record& FakeGhl::createContactRecord(const Body& b) {
  ghl::requireFields(b, {"locationId"});
  std::string location = json::getString(b, "locationId");
  Record* loc = store_.find("locations", location);
  bool allowDuplicates = loc && loc->doc.HasMember("settings") &&
                         json::getBool(loc->doc["settings"], "allowDuplicateContact");
  std::string email = json::getString(b, "email");
  if (!allowDuplicates && !email.empty() && findContactByEmailOrPhone(location, email, "")) {
    throw GhlError{400, "This location does not allow duplicated contacts.", {}};
  }
  return insert("contacts", buildContact(b, location));
}

HttpResponse FakeGhl::listContacts(const HttpRequest& req) {
  ghl::requireParams(req, {"locationId"});
  std::string location = req.param("locationId"), query = req.param("query");
  std::int64_t limit = ghl::intParam(req, "limit", 20, 1, 100);
  std::vector<Record*> records;
  for (Record* r : store_.all("contacts")) {
    if (ghl::fieldEquals(r->doc, "locationId", location) && queryMatches(r->doc, query)) {
      records.push_back(r);
    }
  }
  ghl::newestFirst(records);
  // Cursor: the page after (startAfter, startAfterId) in newest-first order.
  std::size_t begin = 0;
  std::string afterId = req.param("startAfterId");
  std::int64_t afterMs = ghl::intParam(req, "startAfter", -1, -1, INT64_MAX);
  auto byId = std::find_if(records.begin(), records.end(),
                           [&](const Record* r) { return r->id == afterId; });
  if (!afterId.empty() && byId != records.end()) {
    begin = static_cast<std::size_t>(byId - records.begin()) + 1;
  } else if (afterMs >= 0) {
    while (begin < records.size() && records[begin]->createdMs >= afterMs) ++begin;
  }
  std::size_t end = std::min(records.size(), begin + static_cast<std::size_t>(limit));
  bool more = end < records.size();
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (std::size_t i = begin; i < end; ++i) list.PushBack(json::copy(records[i]->doc, a), a);
  json::set(d, "contacts", std::move(list), a);
  rapidjson::Value meta(rapidjson::kObjectType);
  json::setInt(meta, "total", static_cast<std::int64_t>(records.size()), a);
  std::int64_t page = static_cast<std::int64_t>(begin) / limit + 1;
  json::setInt(meta, "currentPage", page, a);
  if (end > begin) {
    const Record* last = records[end - 1];
    json::setString(meta, "startAfterId", last->id, a);
    json::setInt(meta, "startAfter", last->createdMs, a);
  } else {
    json::setNull(meta, "startAfterId", a);
    json::setNull(meta, "startAfter", a);
  }
  if (more) {
    const Record* last = records[end - 1];
    json::setString(meta, "nextPageUrl",
                    baseUrl() + "/contacts/?locationId=" + location + "&startAfter=" +
                        std::to_string(last->createdMs) + "&startAfterId=" + last->id,
                    a);
    json::setInt(meta, "nextPage", page + 1, a);
  } else {
    json::setNull(meta, "nextPageUrl", a);
    json::setNull(meta, "nextPage", a);
  }
  if (page > 1) {
    json::setInt(meta, "prevPage", page - 1, a);
  } else {
    json::setNull(meta, "prevPage", a);
  }
  json::set(d, "meta", std::move(meta), a);
  return HttpResponse::json(200, d);
}

HttpResponse FakeGhl::searchContacts(const Body& b) {
  ghl::requireFields(b, {"locationId"});
  std::string location = json::getString(b, "locationId");
  std::int64_t pageLimit = std::clamp<std::int64_t>(json::getInt(b, "pageLimit", 20), 1, 500);
  std::int64_t page = std::max<std::int64_t>(json::getInt(b, "page", 1), 1);
  std::vector<Record*> records;
  for (Record* r : store_.all("contacts")) {
    if (!ghl::fieldEquals(r->doc, "locationId", location)) continue;
    if (!queryMatches(r->doc, json::getString(b, "query"))) continue;
    if (b.HasMember("filters") && !groupMatches(r->doc, b["filters"], false)) continue;
    records.push_back(r);
  }
  ghl::newestFirst(records);
  bool ascending = b.HasMember("sort") && b["sort"].IsArray() && !b["sort"].Empty() &&
                   json::getString(b["sort"][0], "direction") == "asc";
  if (ascending) std::reverse(records.begin(), records.end());
  std::size_t begin = static_cast<std::size_t>((page - 1) * pageLimit);
  // searchAfter [dateAddedMs, id] continues after that contact, past the 10,000 page cap.
  if (b.HasMember("searchAfter") && b["searchAfter"].IsArray() && b["searchAfter"].Size() == 2) {
    begin = ghl::indexAfter(records, json::asText(b["searchAfter"][1]));
  }
  begin = std::min(begin, records.size());
  std::size_t end = std::min(records.size(), begin + static_cast<std::size_t>(pageLimit));
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (std::size_t i = begin; i < end; ++i) {
    rapidjson::Value c = json::copy(records[i]->doc, a);
    rapidjson::Value after(rapidjson::kArrayType);
    after.PushBack(rapidjson::Value(static_cast<int64_t>(records[i]->createdMs)), a);
    after.PushBack(json::str(records[i]->id, a), a);
    json::set(c, "searchAfter", std::move(after), a);
    list.PushBack(c, a);
  }
  json::set(d, "contacts", std::move(list), a);
  json::setInt(d, "total", static_cast<std::int64_t>(records.size()), a);
  HttpResponse r = HttpResponse::json(200, d);
  r.effect = false;
  return r;
}

HttpResponse FakeGhl::upsertContact(const Body& b) {
  ghl::requireFields(b, {"locationId"});
  std::string location = json::getString(b, "locationId");
  Record* existing =
      findContactByEmailOrPhone(location, json::getString(b, "email"), json::getString(b, "phone"));
  bool created = existing == nullptr;
  if (existing) {
    applyContactFields(existing->doc, b);
  } else {
    existing = &insert("contacts", buildContact(b, location));
  }
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  json::setBool(d, "new", created, a);
  json::set(d, "contact", json::copy(existing->doc, a), a);
  json::setString(d, "traceId", ids_.next("", 24), a);
  return HttpResponse::json(created ? 201 : 200, d);
}

HttpResponse FakeGhl::changeTags(const std::string& id, const Body& b, bool add) {
  Record& c = require("contacts", id, "Contact");
  ghl::requireFields(b, {"tags"});
  auto& a = c.doc.GetAllocator();
  if (add) {
    json::set(c.doc, "tags", normalizedTags(b["tags"], &c.doc["tags"], a), a);
  } else {
    rapidjson::Value kept(rapidjson::kArrayType);
    rapidjson::Value removeList(rapidjson::kArrayType);
    rapidjson::Value drop = normalizedTags(b["tags"], nullptr, a);
    for (const auto& t : c.doc["tags"].GetArray()) {
      if (std::find(drop.Begin(), drop.End(), t) == drop.End()) kept.PushBack(json::copy(t, a), a);
    }
    json::set(c.doc, "tags", std::move(kept), a);
  }
  json::setString(c.doc, "dateUpdated", isoNow(), a);
  return HttpResponse::json(add ? 201 : 200, ghl::wrap("tags", c.doc["tags"]));
}

rapidjson::Document FakeGhl::buildNote(const std::string& contactId, const Body& b) {
  require("contacts", contactId, "Contact");
  ghl::requireFields(b, {"body"});
  rapidjson::Document n;
  n.SetObject();
  auto& a = n.GetAllocator();
  json::set(n, "body", json::copy(b["body"], a), a);
  json::setString(n, "userId", json::getString(b, "userId"), a);
  json::setString(n, "dateAdded", isoNow(), a);
  json::setString(n, "contactId", contactId, a);
  return n;
}

rapidjson::Document FakeGhl::buildTask(const std::string& contactId, const Body& b) {
  require("contacts", contactId, "Contact");
  ghl::requireFields(b, {"title", "dueDate"});
  rapidjson::Document t;
  t.SetObject();
  auto& a = t.GetAllocator();
  json::set(t, "title", json::copy(b["title"], a), a);
  json::setString(t, "body", json::getString(b, "body"), a);
  json::setString(t, "assignedTo", json::getString(b, "assignedTo"), a);
  json::set(t, "dueDate", json::copy(b["dueDate"], a), a);
  json::setBool(t, "completed", json::getBool(b, "completed", false), a);
  json::setString(t, "contactId", contactId, a);
  json::setString(t, "dateAdded", isoNow(), a);
  return t;
}

void FakeGhl::registerContactRoutes() {
  on("POST", "/contacts/", [this](const HttpRequest&, const Body& b, const PathParams&) {
    return HttpResponse::json(201, ghl::wrap("contact", createContactRecord(b).doc));
  });
  on("POST", "/contacts/upsert",
     [this](const HttpRequest&, const Body& b, const PathParams&) { return upsertContact(b); });
  on("POST", "/contacts/search",
     [this](const HttpRequest&, const Body& b, const PathParams&) { return searchContacts(b); });
  on("GET", "/contacts/search/duplicate",
     [this](const HttpRequest& req, const Body&, const PathParams&) {
       ghl::requireParams(req, {"locationId"});
       Record* r = findContactByEmailOrPhone(req.param("locationId"), req.param("email"),
                                             req.param("number"));
       rapidjson::Value none;
       return HttpResponse::json(200, ghl::wrap("contact", r ? r->doc : none));
     });
  on("GET", "/contacts/",
     [this](const HttpRequest& req, const Body&, const PathParams&) { return listContacts(req); });
  on("GET", "/contacts/{contactId}", [this](const HttpRequest&, const Body&, const PathParams& p) {
    return HttpResponse::json(
        200, ghl::wrap("contact", require("contacts", p.at("contactId"), "Contact").doc));
  });
  on("PUT", "/contacts/{contactId}",
     [this](const HttpRequest&, const Body& b, const PathParams& p) {
       Record& c = require("contacts", p.at("contactId"), "Contact");
       applyContactFields(c.doc, b);
       rapidjson::Document d = ghl::wrap("contact", c.doc);
       json::setBool(d, "succeded", true, d.GetAllocator());
       return HttpResponse::json(200, d);
     });
  on("DELETE", "/contacts/{contactId}",
     [this](const HttpRequest&, const Body&, const PathParams& p) {
       const std::string& id = p.at("contactId");
       require("contacts", id, "Contact");
       store_.erase("contacts", id);
       for (const char* kind : {"notes", "tasks"}) {
         for (Record* r : childrenOf(store_, kind, id)) store_.erase(kind, r->id);
       }
       return succeeded();
     });
  on("POST", "/contacts/{contactId}/tags",
     [this](const HttpRequest&, const Body& b, const PathParams& p) {
       return changeTags(p.at("contactId"), b, true);
     });
  on("DELETE", "/contacts/{contactId}/tags",
     [this](const HttpRequest&, const Body& b, const PathParams& p) {
       return changeTags(p.at("contactId"), b, false);
     });
}

void FakeGhl::registerContactChildRoutes() {
  on("GET", "/contacts/{contactId}/notes",
     [this](const HttpRequest&, const Body&, const PathParams& p) {
       require("contacts", p.at("contactId"), "Contact");
       return listOf("notes", childrenOf(store_, "notes", p.at("contactId")));
     });
  on("POST", "/contacts/{contactId}/notes",
     [this](const HttpRequest&, const Body& b, const PathParams& p) {
       Record& n = insert("notes", buildNote(p.at("contactId"), b));
       return HttpResponse::json(201, ghl::wrap("note", n.doc));
     });
  on("GET", "/contacts/{contactId}/notes/{id}",
     [this](const HttpRequest&, const Body&, const PathParams& p) {
       return HttpResponse::json(200, ghl::wrap("note", require("notes", p.at("id"), "Note").doc));
     });
  on("PUT", "/contacts/{contactId}/notes/{id}",
     [this](const HttpRequest&, const Body& b, const PathParams& p) {
       Record& n = require("notes", p.at("id"), "Note");
       ghl::requireFields(b, {"body"});
       json::set(n.doc, "body", json::copy(b["body"], n.doc.GetAllocator()), n.doc.GetAllocator());
       return HttpResponse::json(200, ghl::wrap("note", n.doc));
     });
  on("DELETE", "/contacts/{contactId}/notes/{id}",
     [this](const HttpRequest&, const Body&, const PathParams& p) {
       require("notes", p.at("id"), "Note");
       store_.erase("notes", p.at("id"));
       return succeeded();
     });
  on("GET", "/contacts/{contactId}/tasks",
     [this](const HttpRequest&, const Body&, const PathParams& p) {
       require("contacts", p.at("contactId"), "Contact");
       return listOf("tasks", childrenOf(store_, "tasks", p.at("contactId")));
     });
  on("POST", "/contacts/{contactId}/tasks",
     [this](const HttpRequest&, const Body& b, const PathParams& p) {
       Record& t = insert("tasks", buildTask(p.at("contactId"), b));
       return HttpResponse::json(201, ghl::wrap("task", t.doc));
     });
  on("GET", "/contacts/{contactId}/tasks/{taskId}",
     [this](const HttpRequest&, const Body&, const PathParams& p) {
       return HttpResponse::json(200,
                                 ghl::wrap("task", require("tasks", p.at("taskId"), "Task").doc));
     });
  on("PUT", "/contacts/{contactId}/tasks/{taskId}",
     [this](const HttpRequest&, const Body& b, const PathParams& p) {
       Record& t = require("tasks", p.at("taskId"), "Task");
       for (const char* f : {"title", "body", "dueDate", "completed", "assignedTo"}) {
         if (b.HasMember(f))
           json::set(t.doc, f, json::copy(b[f], t.doc.GetAllocator()), t.doc.GetAllocator());
       }
       return HttpResponse::json(200, ghl::wrap("task", t.doc));
     });
  on("PUT", "/contacts/{contactId}/tasks/{taskId}/completed",
     [this](const HttpRequest&, const Body& b, const PathParams& p) {
       Record& t = require("tasks", p.at("taskId"), "Task");
       ghl::requireFields(b, {"completed"});
       json::setBool(t.doc, "completed", json::getBool(b, "completed"), t.doc.GetAllocator());
       return HttpResponse::json(200, ghl::wrap("task", t.doc));
     });
  on("DELETE", "/contacts/{contactId}/tasks/{taskId}",
     [this](const HttpRequest&, const Body&, const PathParams& p) {
       require("tasks", p.at("taskId"), "Task");
       store_.erase("tasks", p.at("taskId"));
       return succeeded();
     });
}

// --- C++ helpers ---

std::string FakeGhl::createContact(const std::string& fieldsJson) {
  rapidjson::Document b = parseFields(fieldsJson);
  std::lock_guard<std::recursive_mutex> lock(mu_);
  if (!json::has(b, "locationId")) json::setString(b, "locationId", locationId_, b.GetAllocator());
  try {
    return json::dump(createContactRecord(b).doc);
  } catch (const GhlError& e) {
    throw ControlError(e.status, e.messages.empty() ? e.message : e.messages.front());
  }
}

std::string FakeGhl::updateContact(const std::string& id, const std::string& fieldsJson) {
  rapidjson::Document b = parseFields(fieldsJson);
  std::lock_guard<std::recursive_mutex> lock(mu_);
  try {
    Record& c = require("contacts", id, "Contact");
    applyContactFields(c.doc, b);
    return json::dump(c.doc);
  } catch (const GhlError& e) {
    throw ControlError(e.status, e.messages.empty() ? e.message : e.messages.front());
  }
}

void FakeGhl::deleteContact(const std::string& id) {
  deleteRecord("contacts", id);
}

std::string FakeGhl::addNote(const std::string& contactId, const std::string& body) {
  rapidjson::Document b = parseFields("{}");
  json::setString(b, "body", body, b.GetAllocator());
  json::setString(b, "contactId", contactId, b.GetAllocator());
  return createRecord("notes", json::dump(b));
}

std::string FakeGhl::addTask(const std::string& contactId, const std::string& title) {
  rapidjson::Document b = parseFields("{}");
  json::setString(b, "title", title, b.GetAllocator());
  json::setString(b, "dueDate", ghl::isoTime((now() + 86400) * 1000), b.GetAllocator());
  json::setString(b, "contactId", contactId, b.GetAllocator());
  return createRecord("tasks", json::dump(b));
}

}  // namespace sluice::fakes
