// FakeGhl conversations and messages (Version 2021-04-15): one conversation per contact,
// newest-first message pages with a lastMessageId cursor.
#include <algorithm>

#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_json.h"
#include "tools/fakes/ghl_util.h"

namespace sluice::fakes {

namespace {

using Body = rapidjson::Value;

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

int typeNumber(const std::string& messageType) {
  if (messageType == "TYPE_CALL") return 1;
  if (messageType == "TYPE_EMAIL") return 3;
  if (messageType == "TYPE_WHATSAPP") return 19;
  return 2;  // TYPE_SMS and the rest
}

// Newest first by (sortKey, insertion).
void newestFirstBy(std::vector<Record*>& records, const char* key) {
  std::sort(records.begin(), records.end(), [key](const Record* x, const Record* y) {
    std::int64_t a = json::getInt(x->doc, key), b = json::getInt(y->doc, key);
    if (a != b) return a > b;
    return x->seq > y->seq;
  });
}

}  // namespace

Record& FakeGhl::conversationFor(const std::string& contactId, bool create) {
  Record& contact = require("contacts", contactId, "Contact");
  for (Record* r : store_.all("conversations")) {
    if (ghl::fieldEquals(r->doc, "contactId", contactId)) return *r;
  }
  if (!create) throw GhlError{404, "Conversation not found", {}};
  rapidjson::Document c;
  c.SetObject();
  auto& a = c.GetAllocator();
  std::int64_t now = clock_.nowMillis();
  json::setString(c, "contactId", contactId, a);
  json::set(c, "locationId", json::copy(contact.doc["locationId"], a), a);
  json::setString(c, "lastMessageBody", "", a);
  json::setString(c, "lastMessageType", "", a);
  json::setInt(c, "lastMessageDate", now, a);
  json::setString(c, "type", "TYPE_PHONE", a);
  json::setInt(c, "unreadCount", 0, a);
  json::set(c, "fullName", json::copy(contact.doc["name"], a), a);
  json::set(c, "contactName", json::copy(contact.doc["name"], a), a);
  json::set(c, "email", json::copy(contact.doc["email"], a), a);
  json::set(c, "phone", json::copy(contact.doc["phone"], a), a);
  json::setInt(c, "dateAdded", now, a);
  json::setInt(c, "dateUpdated", now, a);
  json::setBool(c, "deleted", false, a);
  return insert("conversations", std::move(c));
}

Record& FakeGhl::addMessage(const std::string& contactId, const Body& b,
                            const std::string& direction) {
  Record& conv = conversationFor(contactId, true);
  std::string messageType = "TYPE_" + upper(json::getString(b, "type", "SMS"));
  std::string text =
      json::getString(b, "message", json::getString(b, "html", json::getString(b, "body")));
  std::int64_t now = clock_.nowMillis();
  rapidjson::Document m;
  m.SetObject();
  auto& a = m.GetAllocator();
  json::setInt(m, "type", typeNumber(messageType), a);
  json::setString(m, "messageType", messageType, a);
  json::set(m, "locationId", json::copy(conv.doc["locationId"], a), a);
  json::setString(m, "contactId", contactId, a);
  json::setString(m, "conversationId", conv.id, a);
  json::setString(m, "dateAdded", ghl::isoTime(now), a);
  json::setString(m, "body", text, a);
  json::setString(m, "direction", direction, a);
  json::setString(m, "status", "delivered", a);
  json::setString(m, "contentType", "text/plain", a);
  json::set(m, "attachments",
            b.HasMember("attachments") ? json::copy(b["attachments"], a)
                                       : rapidjson::Value(rapidjson::kArrayType),
            a);
  json::setString(m, "source", direction == "outbound" ? "api" : "app", a);
  if (messageType == "TYPE_EMAIL") json::setString(m, "subject", json::getString(b, "subject"), a);
  Record& msg = insert("messages", std::move(m));
  auto& ca = conv.doc.GetAllocator();
  json::setString(conv.doc, "lastMessageBody", text, ca);
  json::setString(conv.doc, "lastMessageType", messageType, ca);
  json::setString(conv.doc, "lastMessageDirection", direction, ca);
  json::setInt(conv.doc, "lastMessageDate", now, ca);
  json::setInt(conv.doc, "dateUpdated", now, ca);
  if (direction == "inbound") {
    json::setInt(conv.doc, "unreadCount", json::getInt(conv.doc, "unreadCount") + 1, ca);
  }
  return msg;
}

HttpResponse FakeGhl::searchConversations(const HttpRequest& req) {
  ghl::requireParams(req, {"locationId"});
  std::string location = req.param("locationId"), contactId = req.param("contactId");
  std::string query = lower(req.param("query"));
  std::int64_t limit = ghl::intParam(req, "limit", 20, 1, 100);
  std::int64_t after = ghl::intParam(req, "startAfterDate", -1, -1, INT64_MAX);
  bool ascending = req.param("sort") == "asc";
  std::vector<Record*> records;
  for (Record* r : store_.all("conversations")) {
    if (!ghl::fieldEquals(r->doc, "locationId", location)) continue;
    if (!contactId.empty() && !ghl::fieldEquals(r->doc, "contactId", contactId)) continue;
    if (!query.empty() &&
        lower(json::getString(r->doc, "contactName")).find(query) == std::string::npos &&
        lower(json::getString(r->doc, "email")).find(query) == std::string::npos) {
      continue;
    }
    records.push_back(r);
  }
  newestFirstBy(records, "lastMessageDate");
  if (ascending) std::reverse(records.begin(), records.end());
  std::size_t total = records.size();
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (Record* r : records) {
    std::int64_t at = json::getInt(r->doc, "lastMessageDate");
    if (after >= 0 && (ascending ? at <= after : at >= after)) continue;
    if (static_cast<std::int64_t>(list.Size()) >= limit) break;
    rapidjson::Value c = json::copy(r->doc, a);
    rapidjson::Value sort(rapidjson::kArrayType);
    sort.PushBack(rapidjson::Value(static_cast<int64_t>(at)), a);
    json::set(c, "sort", std::move(sort), a);
    list.PushBack(c, a);
  }
  json::set(d, "conversations", std::move(list), a);
  json::setInt(d, "total", static_cast<std::int64_t>(total), a);
  return HttpResponse::json(200, d);
}

HttpResponse FakeGhl::listMessages(const std::string& conversationId, const HttpRequest& req) {
  require("conversations", conversationId, "Conversation");
  std::int64_t limit = ghl::intParam(req, "limit", 20, 1, 100);
  std::string types = req.param("type"), lastId = req.param("lastMessageId");
  std::vector<Record*> records;
  for (Record* r : store_.all("messages")) {
    if (!ghl::fieldEquals(r->doc, "conversationId", conversationId)) continue;
    if (!types.empty() && types.find(json::getString(r->doc, "messageType")) == std::string::npos) {
      continue;
    }
    records.push_back(r);
  }
  std::sort(records.begin(), records.end(), [](const Record* x, const Record* y) {
    return x->createdMs != y->createdMs ? x->createdMs > y->createdMs : x->seq > y->seq;
  });
  std::size_t begin = 0;
  if (!lastId.empty()) {
    auto it = std::find_if(records.begin(), records.end(),
                           [&](const Record* r) { return r->id == lastId; });
    begin =
        it == records.end() ? records.size() : static_cast<std::size_t>(it - records.begin()) + 1;
  }
  std::size_t end = std::min(records.size(), begin + static_cast<std::size_t>(limit));
  rapidjson::Document d;
  d.SetObject();
  auto& a = d.GetAllocator();
  rapidjson::Value page(rapidjson::kObjectType);
  if (end > begin) {
    json::setString(page, "lastMessageId", records[end - 1]->id, a);
  } else {
    json::setNull(page, "lastMessageId", a);
  }
  json::setBool(page, "nextPage", end < records.size(), a);
  rapidjson::Value list(rapidjson::kArrayType);
  for (std::size_t i = begin; i < end; ++i) list.PushBack(json::copy(records[i]->doc, a), a);
  json::set(page, "messages", std::move(list), a);
  json::set(d, "messages", std::move(page), a);
  return HttpResponse::json(200, d);
}

void FakeGhl::registerConversationRoutes() {
  on("POST", "/conversations/", [this](const HttpRequest&, const Body& b, const PathParams&) {
    ghl::requireFields(b, {"locationId", "contactId"});
    std::string contactId = json::getString(b, "contactId");
    require("contacts", contactId, "Contact");
    for (Record* r : store_.all("conversations")) {
      if (ghl::fieldEquals(r->doc, "contactId", contactId)) {
        throw GhlError{400, "Conversation already exists", {}};
      }
    }
    Record& c = conversationFor(contactId, true);
    rapidjson::Document d;
    d.SetObject();
    auto& a = d.GetAllocator();
    json::setBool(d, "success", true, a);
    rapidjson::Value conv(rapidjson::kObjectType);
    json::setString(conv, "id", c.id, a);
    json::setString(conv, "dateUpdated", ghl::isoTime(json::getInt(c.doc, "dateUpdated")), a);
    json::setString(conv, "dateAdded", ghl::isoTime(json::getInt(c.doc, "dateAdded")), a);
    json::setBool(conv, "deleted", false, a);
    json::setString(conv, "contactId", contactId, a);
    json::set(conv, "locationId", json::copy(c.doc["locationId"], a), a);
    json::setString(conv, "lastMessageDate", ghl::isoTime(json::getInt(c.doc, "lastMessageDate")),
                    a);
    json::set(d, "conversation", std::move(conv), a);
    return HttpResponse::json(201, d);
  });
  on("GET", "/conversations/search",
     [this](const HttpRequest& req, const Body&, const PathParams&) {
       return searchConversations(req);
     });
  on("GET", "/conversations/{conversationId}",
     [this](const HttpRequest&, const Body&, const PathParams& p) {
       return HttpResponse::json(
           200, require("conversations", p.at("conversationId"), "Conversation").doc);
     });
  on("GET", "/conversations/{conversationId}/messages",
     [this](const HttpRequest& req, const Body&, const PathParams& p) {
       return listMessages(p.at("conversationId"), req);
     });
  on("GET", "/conversations/messages/{id}",
     [this](const HttpRequest&, const Body&, const PathParams& p) {
       return HttpResponse::json(
           200, ghl::wrap("message", require("messages", p.at("id"), "Message").doc));
     });
  for (const char* path : {"/conversations/messages", "/conversations/messages/inbound"}) {
    bool inbound = std::string(path).find("inbound") != std::string::npos;
    on("POST", path, [this, inbound](const HttpRequest&, const Body& b, const PathParams&) {
      ghl::requireFields(b, {"type", "contactId"});
      Record& m = addMessage(json::getString(b, "contactId"), b, inbound ? "inbound" : "outbound");
      rapidjson::Document d;
      d.SetObject();
      auto& a = d.GetAllocator();
      json::set(d, "conversationId", json::copy(m.doc["conversationId"], a), a);
      json::setString(d, "messageId", m.id, a);
      json::setString(d, "msg", "Message queued successfully.", a);
      json::setString(d, "status", "delivered", a);
      return HttpResponse::json(201, d);
    });
  }
}

std::string FakeGhl::receiveMessage(const std::string& contactId, const std::string& body,
                                    const std::string& type) {
  rapidjson::Document b = parseFields("{}");
  json::setString(b, "contactId", contactId, b.GetAllocator());
  json::setString(b, "body", body, b.GetAllocator());
  json::setString(b, "type", type, b.GetAllocator());
  json::setString(b, "direction", "inbound", b.GetAllocator());
  return createRecord("messages", json::dump(b));
}

}  // namespace sluice::fakes
