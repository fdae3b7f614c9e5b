// application/x-www-form-urlencoded with Stripe's bracketed nesting:
//   {"metadata":{"plan":"pro"},"items":[{"price":"p_1"}]}
//   -> metadata[plan]=pro&items[0][price]=p_1
#pragma once

#include <string>

#include "core/json.h"

namespace sluice {

std::string formEncode(const JsonValue& object);
// Percent-encodes one key or value (RFC 3986 unreserved characters stay).
std::string urlEncode(const std::string& text);

}  // namespace sluice
