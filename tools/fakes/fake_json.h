// Small RapidJSON helpers shared by the fakes, so handlers read like the API they fake.
#pragma once

#include <cstdint>
#include <string>

#include <rapidjson/document.h>

namespace sluice::fakes::json {

using Alloc = rapidjson::Document::AllocatorType;

// Parses text into doc; false (and doc left as an empty object) when it is not a JSON object.
bool parseObject(const std::string& text, rapidjson::Document& doc);
std::string dump(const rapidjson::Value& value);

rapidjson::Value str(const std::string& s, Alloc& a);
std::string getString(const rapidjson::Value& obj, const char* key, const std::string& def = "");
std::int64_t getInt(const rapidjson::Value& obj, const char* key, std::int64_t def = 0);
bool getBool(const rapidjson::Value& obj, const char* key, bool def = false);
bool has(const rapidjson::Value& obj, const char* key);

// Adds or replaces obj[key].
void set(rapidjson::Value& obj, const std::string& key, rapidjson::Value value, Alloc& a);
void setString(rapidjson::Value& obj, const std::string& key, const std::string& s, Alloc& a);
void setInt(rapidjson::Value& obj, const std::string& key, std::int64_t n, Alloc& a);
void setBool(rapidjson::Value& obj, const std::string& key, bool b, Alloc& a);
void setNull(rapidjson::Value& obj, const std::string& key, Alloc& a);
void remove(rapidjson::Value& obj, const std::string& key);

rapidjson::Value copy(const rapidjson::Value& v, Alloc& a);
// Copies every member of src into dst (replacing); nested objects are replaced, not merged.
void assign(rapidjson::Value& dst, const rapidjson::Value& src, Alloc& a);

// Value as a display string: strings as they are, everything else as JSON.
std::string asText(const rapidjson::Value& v);

}  // namespace sluice::fakes::json
