// What every call to an API comes to: Ok, Retry (after a wait the server may name) or Fatal,
// with the parsed body and an error that names the operation. Connectors make it (classify);
// the poller, the dispatcher and the lookups read it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/http.h"
#include "core/json.h"

namespace sluice {

enum class Outcome { Ok, Retry, Fatal };
const char* toString(Outcome outcome);

struct ApiResult {
  Outcome outcome = Outcome::Fatal;
  int status = 0;                 // HTTP status; 0 when no response arrived
  std::shared_ptr<JsonDoc> json;  // parsed body (Ok, and errors that had a JSON body)
  int64_t retryAfterMs = -1;      // the server's wish (Retry-After, rate-limit reset); -1 = none
  std::string error;              // what went wrong, naming the operation; never a secret
  HttpHeaders headers;
  bool unauthorized = false;  // 401: the connector may refresh and try once more
};

// Retry-After as milliseconds: delta-seconds or an HTTP date; -1 when absent or unreadable.
int64_t parseRetryAfterMs(const std::string& value, int64_t nowMs);

}  // namespace sluice
