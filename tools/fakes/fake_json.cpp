#include "tools/fakes/fake_json.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace sluice::fakes::json {

bool parseObject(const std::string& text, rapidjson::Document& doc) {
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    doc.SetObject();
    return false;
  }
  return true;
}

std::string dump(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

rapidjson::Value str(const std::string& s, Alloc& a) {
  return rapidjson::Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a);
}

std::string getString(const rapidjson::Value& obj, const char* key, const std::string& def) {
  if (!obj.IsObject()) return def;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return def;
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

std::int64_t getInt(const rapidjson::Value& obj, const char* key, std::int64_t def) {
  if (!obj.IsObject()) return def;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return def;
  if (it->value.IsInt64()) return it->value.GetInt64();
  if (it->value.IsNumber()) return static_cast<std::int64_t>(it->value.GetDouble());
  if (it->value.IsString()) {
    try {
      return std::stoll(it->value.GetString());
    } catch (...) {
      return def;
    }
  }
  return def;
}

bool getBool(const rapidjson::Value& obj, const char* key, bool def) {
  if (!obj.IsObject()) return def;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return def;
  if (it->value.IsBool()) return it->value.GetBool();
  if (it->value.IsString()) return std::string(it->value.GetString()) == "true";
  return def;
}

bool has(const rapidjson::Value& obj, const char* key) {
  return obj.IsObject() && obj.HasMember(key) && !obj[key].IsNull();
}

void set(rapidjson::Value& obj, const std::string& key, rapidjson::Value value, Alloc& a) {
  auto it = obj.FindMember(key.c_str());
  if (it != obj.MemberEnd()) {
    it->value = value;
    return;
  }
  obj.AddMember(str(key, a), value, a);
}

void setString(rapidjson::Value& obj, const std::string& key, const std::string& s, Alloc& a) {
  set(obj, key, str(s, a), a);
}

void setInt(rapidjson::Value& obj, const std::string& key, std::int64_t n, Alloc& a) {
  set(obj, key, rapidjson::Value(static_cast<int64_t>(n)), a);
}

void setBool(rapidjson::Value& obj, const std::string& key, bool b, Alloc& a) {
  set(obj, key, rapidjson::Value(b), a);
}

void setNull(rapidjson::Value& obj, const std::string& key, Alloc& a) {
  set(obj, key, rapidjson::Value(rapidjson::kNullType), a);
}

void remove(rapidjson::Value& obj, const std::string& key) {
  if (obj.IsObject()) obj.RemoveMember(key.c_str());
}

rapidjson::Value copy(const rapidjson::Value& v, Alloc& a) {
  return rapidjson::Value(v, a);
}

void assign(rapidjson::Value& dst, const rapidjson::Value& src, Alloc& a) {
  if (!src.IsObject()) return;
  for (auto it = src.MemberBegin(); it != src.MemberEnd(); ++it) {
    set(dst, it->name.GetString(), copy(it->value, a), a);
  }
}

std::string asText(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  return dump(v);
}

}  // namespace sluice::fakes::json
