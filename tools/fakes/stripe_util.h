// Helpers the FakeStripe source files share: required parameters, the object builders' small
// pieces, and the errors several flows answer with.
#pragma once

#include <cstdint>
#include <string>

#include <rapidjson/document.h>

#include "tools/fakes/fake_store.h"
#include "tools/fakes/fake_stripe.h"

namespace sluice::fakes::stripe {

using Params = rapidjson::Value;
using Alloc = rapidjson::Document::AllocatorType;

// The parameter, or a 400 parameter_missing (parameter_invalid_integer for an int).
std::string requireString(const Params& p, const char* key);
std::int64_t requireInt(const Params& p, const char* key);
rapidjson::Document object();
// Copies p[key] into doc[key] when present, else sets it to JSON null.
void copyOrNull(rapidjson::Document& doc, const Params& p, const char* key);
// p's metadata object, else {}.
void metadataFrom(rapidjson::Document& doc, const Params& p);
// {"object": "list", "data": [], ...} as an embedded list (invoice lines, refunds).
rapidjson::Value emptyList(const std::string& url, Alloc& a);
// Test payment methods that decline ("pm_card_chargeDeclined", "...declined...").
bool isDeclineMethod(const std::string& pm);
StripeError cardDeclined();
StripeError unexpectedState(const std::string& what, const std::string& status);
// A deleted object's tombstone ({"deleted": true}).
bool isDeleted(const Record& r);

}  // namespace sluice::fakes::stripe
