// The outcome of checking one webhook request's signature: what the receiver answers and logs.
// reason never contains the secret, the key or the signature itself.
#pragma once

#include <string>

namespace sluice {

struct WebhookVerdict {
  enum class Kind {
    Ok,
    Missing,    // no signature header: 401
    Malformed,  // a header or payload that cannot be read: 400
    Invalid,    // no signature matches (tampered body, wrong secret or key): 401
    Stale,      // signed too long ago (or in the future), outside the replay window: 400
  };
  Kind kind = Kind::Ok;
  std::string reason;

  bool ok() const { return kind == Kind::Ok; }
  static WebhookVerdict accept() { return {}; }
  static WebhookVerdict reject(Kind kind, std::string reason) { return {kind, std::move(reason)}; }
};

}  // namespace sluice
