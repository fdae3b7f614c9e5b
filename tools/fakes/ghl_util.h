// Helpers the FakeGhl source files share: GHL's date format, validation errors, wrappers.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_http.h"

namespace sluice::fakes::ghl {

// Steady-clock milliseconds, for token expiry and rate-limit windows.
std::int64_t steadyMs();
// Whether the space-separated scope list holds scope.
bool hasScope(const std::string& scopes, const std::string& scope);

// "2024-03-27T18:13:49.123Z", the format of GHL's dateAdded/createdAt.
std::string isoTime(std::int64_t unixMillis);

// An OAuth error answer ({"error", "error_description"}), kept out of the effects ledger.
HttpResponse oauthError(int status, const std::string& error, const std::string& description);
// The inverse, for ISO 8601 UTC times ("...Z", optional milliseconds); -1 if unparsable.
std::int64_t parseIsoTime(const std::string& text);
// 422 listing "<field> should not be empty" for each missing field.
void requireFields(const rapidjson::Value& body, std::initializer_list<const char*> fields);
// 422 unless the query has each parameter.
void requireParams(const HttpRequest& req, std::initializer_list<const char*> params);
// {"key": value}
rapidjson::Document wrap(const char* key, const rapidjson::Value& value);
// An integer query parameter clamped into [min, max]; 422 if it is not a number.
std::int64_t intParam(const HttpRequest& req, const char* name, std::int64_t def, std::int64_t min,
                      std::int64_t max);
// A YYYY-MM-DD query parameter as the start of that day (UTC) in ms; def when absent; 422 when
// it is not such a date.
std::int64_t dayParamMs(const HttpRequest& req, const char* name, std::int64_t def);
// Newest first, later-inserted first within the same millisecond.
void newestFirst(std::vector<Record*>& records);
// The position right after the record with that id (a "start after" cursor); the end if none.
std::size_t indexAfter(const std::vector<Record*>& records, const std::string& id);
// Records of kind whose field equals value, by the store's insertion order.
bool fieldEquals(const rapidjson::Value& doc, const char* field, const std::string& value);

}  // namespace sluice::fakes::ghl
