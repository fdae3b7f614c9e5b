// Stripe request bodies are application/x-www-form-urlencoded with bracketed nesting:
// metadata[plan]=pro, items[0][price]=price_1, expand[]=data.customer. This turns them
// into the JSON object the real API would have seen, so handlers work on one shape.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <rapidjson/document.h>

namespace sluice::fakes {

using FormPairs = std::vector<std::pair<std::string, std::string>>;

// Splits "a=1&b=x+y" into decoded pairs ('+' is a space, %XX escapes decoded).
FormPairs parseUrlEncoded(const std::string& text);

// Builds a nested JSON object from form pairs. Values stay strings except that fields known
// to be numeric (amount, quantity, days_until_due...) become integers and "true"/"false"
// become booleans, both only outside metadata, whose values are always strings.
// Returns false with *error set on a key that is not well-formed (e.g. "a[b").
bool decodeForm(const FormPairs& pairs, rapidjson::Document& out, std::string* error);
bool decodeForm(const std::string& body, rapidjson::Document& out, std::string* error);

}  // namespace sluice::fakes
