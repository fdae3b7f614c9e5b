#include "tools/fakes/ghl_util.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>

#include "tools/fakes/fake_json.h"

namespace sluice::fakes::ghl {

std::int64_t steadyMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

bool hasScope(const std::string& scopes, const std::string& scope) {
  return (" " + scopes + " ").find(" " + scope + " ") != std::string::npos;
}

std::string isoTime(std::int64_t unixMillis) {
  std::time_t seconds = static_cast<std::time_t>(unixMillis / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  char out[40];
  std::snprintf(out, sizeof(out), "%s.%03dZ", buf, static_cast<int>(unixMillis % 1000));
  return out;
}

std::int64_t parseIsoTime(const std::string& text) {
  std::tm tm{};
  int millis = 0;
  int n = std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d.%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                      &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis);
  if (n < 6) return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + (n == 7 ? millis : 0);
}

void newestFirst(std::vector<Record*>& records) {
  std::sort(records.begin(), records.end(), [](const Record* x, const Record* y) {
    return x->createdMs != y->createdMs ? x->createdMs > y->createdMs : x->seq > y->seq;
  });
}

std::size_t indexAfter(const std::vector<Record*>& records, const std::string& id) {
  auto it =
      std::find_if(records.begin(), records.end(), [&](const Record* r) { return r->id == id; });
  return it == records.end() ? records.size() : static_cast<std::size_t>(it - records.begin()) + 1;
}

void requireFields(const rapidjson::Value& body, std::initializer_list<const char*> fields) {
  GhlError error{422, "", {}};
  for (const char* f : fields) {
    bool present = body.IsObject() && body.HasMember(f) && !body[f].IsNull() &&
                   !(body[f].IsString() && body[f].GetStringLength() == 0);
    if (!present) error.messages.push_back(std::string(f) + " should not be empty");
  }
  if (!error.messages.empty()) throw error;
}

void requireParams(const HttpRequest& req, std::initializer_list<const char*> params) {
  GhlError error{422, "", {}};
  for (const char* p : params) {
    if (req.param(p).empty()) error.messages.push_back(std::string(p) + " should not be empty");
  }
  if (!error.messages.empty()) throw error;
}

rapidjson::Document wrap(const char* key, const rapidjson::Value& value) {
  rapidjson::Document d;
  d.SetObject();
  json::set(d, key, json::copy(value, d.GetAllocator()), d.GetAllocator());
  return d;
}

std::int64_t intParam(const HttpRequest& req, const char* name, std::int64_t def, std::int64_t min,
                      std::int64_t max) {
  std::string text = req.param(name);
  if (text.empty()) return def;
  try {
    std::size_t used = 0;
    std::int64_t v = std::stoll(text, &used);
    if (used != text.size()) throw std::invalid_argument(text);
    return std::clamp(v, min, max);
  } catch (const std::exception&) {
    throw GhlError{422, "", {std::string(name) + " must be a number"}};
  }
}

std::int64_t dayParamMs(const HttpRequest& req, const char* name, std::int64_t def) {
  const std::string text = req.param(name);
  if (text.empty()) return def;
  std::tm day{};
  const char* end = strptime(text.c_str(), "%Y-%m-%d", &day);
  if (!end || *end != '\0') throw GhlError{422, "", {std::string(name) + " must be YYYY-MM-DD"}};
  return static_cast<std::int64_t>(timegm(&day)) * 1000;
}

bool fieldEquals(const rapidjson::Value& doc, const char* field, const std::string& value) {
  return json::getString(doc, field) == value;
}

HttpResponse oauthError(int status, const std::string& error, const std::string& description) {
  rapidjson::Document d;
  d.SetObject();
  json::setString(d, "error", error, d.GetAllocator());
  json::setString(d, "error_description", description, d.GetAllocator());
  HttpResponse r = HttpResponse::json(status, d);
  r.effect = false;
  return r;
}

}  // namespace sluice::fakes::ghl
