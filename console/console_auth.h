// Who may change state through the console. With settings.console_token set, a browser signs in
// by giving the token once (POST /login); it then holds a session cookie derived from the token
// and a per-process secret (HttpOnly, SameSite=Strict), never the token itself. Every POST that
// changes state also carries a CSRF token in its form, derived from the same secret, and must
// come from the console's own origin (Origin, else Referer, naming the Host it was sent to).
// Without a configured token nothing can sign in: the console is read-only.
#pragma once

#include <string>

#include "core/http.h"

namespace sluice::console {

// 32 random bytes, hex: the per-process secret (new at each start, so a restart signs every
// browser out).
std::string newProcessSecret();

class ConsoleAuth {
 public:
  static constexpr const char* kCookie = "sluice_console";

  ConsoleAuth(std::string token, std::string processSecret);

  bool tokenSet() const { return !token_.empty(); }
  // Compared in constant time; false when no token is configured.
  bool tokenMatches(const std::string& given) const;
  // The session cookie's value once signed in.
  const std::string& session() const { return session_; }
  // The request carries the session cookie.
  bool signedIn(const HttpRequest& request) const;
  // What every state-changing form carries in its "csrf" field.
  const std::string& csrf() const { return csrf_; }
  bool csrfMatches(const std::string& given) const;
  // Origin (or, without it, Referer) names the host the request was sent to.
  static bool sameOrigin(const HttpRequest& request);

 private:
  std::string token_;
  std::string session_;
  std::string csrf_;
};

}  // namespace sluice::console
