#include "console/console_auth.h"

#include <Poco/DigestEngine.h>
#include <Poco/Exception.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>
#include <Poco/URI.h>

#include <fstream>

#include "core/error.h"

namespace sluice::console {

namespace {

// SHA2Engine is SHA-256 by default: HMACEngine needs the block and digest sizes as constants.
class Sha256 : public Poco::SHA2Engine {
 public:
  enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
};

std::string hmacHex(const std::string& key, const std::string& text) {
  Poco::HMACEngine<Sha256> engine(key);
  engine.update(text);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

bool sameText(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// The value of one cookie in a Cookie header ("a=1; b=2"); "" when absent.
std::string cookieValue(const std::string& header, const std::string& name) {
  size_t at = 0;
  while (at < header.size()) {
    const size_t end = std::min(header.find(';', at), header.size());
    std::string pair = header.substr(at, end - at);
    pair.erase(0, pair.find_first_not_of(' '));
    if (pair.compare(0, name.size() + 1, name + "=") == 0) return pair.substr(name.size() + 1);
    at = end + 1;
  }
  return "";
}

// host[:port] of a URL, the port only when it is not the scheme's own ("" when it has no
// host). The scheme is left out: a TLS proxy in front of the console is the same origin.
std::string authorityOf(const std::string& url) {
  try {
    const Poco::URI uri(url);
    if (uri.getHost().empty() || !uri.getUserInfo().empty()) return "";
    return uri.getAuthority();
  } catch (const Poco::Exception&) {
    return "";
  }
}

}  // namespace

std::string newProcessSecret() {
  std::ifstream random("/dev/urandom", std::ios::binary);
  std::string bytes(32, '\0');
  if (!random.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
    throw Error("console: cannot read /dev/urandom for the session secret");
  static const char* const kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  return hex;
}

ConsoleAuth::ConsoleAuth(std::string token, std::string processSecret) : token_(std::move(token)) {
  if (token_.empty()) return;
  session_ = hmacHex(processSecret, "session\n" + token_);
  csrf_ = hmacHex(processSecret, "csrf\n" + token_);
}

bool ConsoleAuth::tokenMatches(const std::string& given) const {
  return tokenSet() && sameText(hmacHex(session_, given), hmacHex(session_, token_));
}

bool ConsoleAuth::signedIn(const HttpRequest& request) const {
  if (!tokenSet()) return false;
  return sameText(cookieValue(request.header("Cookie"), kCookie), session_);
}

bool ConsoleAuth::csrfMatches(const std::string& given) const {
  return tokenSet() && sameText(given, csrf_);
}

bool ConsoleAuth::sameOrigin(const HttpRequest& request) {
  const std::string host = request.header("Host");
  if (host.empty()) return false;
  const std::string own = authorityOf("http://" + host);
  const std::string origin = request.header("Origin");
  if (!origin.empty() && origin != "null") return !own.empty() && authorityOf(origin) == own;
  const std::string referer = request.header("Referer");
  return !own.empty() && !referer.empty() && authorityOf(referer) == own;
}

}  // namespace sluice::console
