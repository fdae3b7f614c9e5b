// A local fake of the HighLevel (GoHighLevel) API v2 (services.leadconnectorhq.com):
// bearer tokens with OAuth refresh rotation and expiry, the Version and User-Agent header
// rules, per-window rate limits with GHL's headers, and the contacts, conversations,
// payments, opportunities, locations and users endpoints a connector polls.
//
// Agencies (ghl_oauth.cpp, ghl_locations.cpp, ghl_access.cpp): a marketplace app installed
// in many locations (sub-accounts) of one company. The authorization-code grant gives a
// Company token (or a Location token); GET /oauth/installedLocations lists the installs and
// POST /oauth/locationToken trades the Company token for one location's token. A Location
// token acts only in its own location (403 elsewhere), a Company token only on /oauth/ and
// /locations/ routes (401 elsewhere); the static token and the old refresh-grant tokens act
// everywhere. Rate limits and request counts are kept per location (per company for a
// Company token). Without any of this set up, the fake is the single location it always was.
//
// Control routes (besides FakeServer's /_control/<kind>, faults, clock, effects, reset):
//   POST /_control/oauth {"expire_now","lifetime","static_token","refresh_token","issue"}
//   POST /_control/rate_limit {"max","interval_ms","daily"} -> limits and counts per location
//   POST /_control/settings {"allow_duplicate_contacts"}
//   POST /_control/actions/{receive_message|order|transaction|opportunity} {"contactId",...}
//   POST /_control/oauth/app {"client_id","client_secret","redirect_uri","app_id"}
//   POST /_control/oauth/code {"userType","scopes","locationId"} -> {"code"}
//   POST /_control/locations {"id","name"}: a location with the app installed
//   POST /_control/locations/{id}/uninstall | install | revoke
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "tools/fakes/fake_server.h"

namespace sluice::fakes {

// Thrown inside the fake's handlers, answered as {"statusCode": N, "message": ...}; a 422
// carries a list of messages, like GHL's validation errors.
struct GhlError {
  int status;
  std::string message;
  std::vector<std::string> messages;
};

class FakeGhl : public FakeServer {
 public:
  explicit FakeGhl(std::string locationId = "loc_fake_0001");
  ~FakeGhl() override;

  std::string locationId() const { return locationId_; }  // the default location
  std::string companyId() const { return "comp_fake_0001"; }

  // --- auth ---
  // A private integration token: valid until changed, never expires, acts everywhere.
  void setStaticToken(const std::string& token);
  // OAuth client: /oauth/token trades refreshToken for a new access + refresh token pair.
  void setOAuthClient(const std::string& clientId, const std::string& clientSecret,
                      const std::string& refreshToken);
  void setTokenLifetime(std::int64_t seconds);  // of OAuth access tokens (default 86399)
  std::string issueAccessToken();               // a valid OAuth access token, as if refreshed
  void expireAccessTokens();                    // every OAuth access token is expired now
  std::string currentRefreshToken() const;
  std::int64_t refreshCount() const;  // successful refresh grants (both clients)

  // --- agencies: a marketplace app installed in many locations ---
  // The app's OAuth client for the authorization-code grant (ghl_oauth.cpp); the app comes
  // installed in locationId().
  void setOAuthApp(const std::string& clientId, const std::string& clientSecret,
                   const std::string& redirectUri, const std::string& appId = "app_fake_0001");
  // A one-time code, as HighLevel redirects with after the user approves the app at
  // chooselocation. A Location code is for locationId (default: locationId()), which the
  // approval installs the app in.
  static constexpr const char* kAppScopes =
      "oauth.readonly oauth.write locations.readonly contacts.readonly contacts.write";
  std::string authorizationCode(const std::string& userType = "Company",
                                const std::string& scopes = kAppScopes,
                                const std::string& locationId = "");
  std::int64_t authorizationCodeGrants() const;  // codes traded at /oauth/token
  // Locations of the company (ghl_locations.cpp). addLocation makes one (if new) and installs
  // the app there; uninstall ends its tokens and takes it off the installed list.
  void addLocation(const std::string& id, const std::string& name = "");
  void uninstallLocation(const std::string& id);
  void installLocation(const std::string& id);
  std::vector<std::string> installedLocationIds() const;  // in the order they were added
  // A revoked install: the location's tokens are refused (401), and so is a new one from POST
  // /oauth/locationToken (401), though it is still listed as installed; installLocation ends it.
  void revokeLocationTokens(const std::string& locationId);
  void revokeLocation(const std::string& id) { revokeLocationTokens(id); }  // the same
  std::int64_t locationTokenGrants(const std::string& locationId) const;

  // --- rate limits (per location, like GHL's per-location limits; ghl_access.cpp) ---
  // A request counts for its token's location, the company for a Company token, and the
  // default location for the static and the old refresh-grant tokens.
  void setRateLimit(int maxPerWindow, int windowMs = 10000);  // and restarts the windows
  void setDailyLimit(std::int64_t perDay);
  std::int64_t rateLimitedCount() const;  // requests answered 429 by the rate limit, in all
  std::int64_t rateLimitedCount(const std::string& locationId) const;
  // The most requests served to the location within one window.
  int maxRequestsInAnyWindow(const std::string& locationId) const;
  // A location id: the API requests counted for that location (429s included). A route key
  // ("GET /contacts/", with its space) means FakeServer::requestCount, the count per route.
  std::int64_t requestCount(const std::string& locationIdOrRouteKey) const;
  std::int64_t locationRequestCount(const std::string& locationId) const;

  // Whether the location (default: locationId()) rejects a second contact with the same
  // email (GHL default).
  void setAllowDuplicateContacts(bool allow, const std::string& locationId = "");

  // --- helpers that drive realistic activity; each returns the record as JSON text ---
  // fieldsJson as POST /contacts/ takes it; locationId defaults to locationId(). The other
  // helpers act in their contact's location.
  std::string createContact(const std::string& fieldsJson);
  std::string updateContact(const std::string& id, const std::string& fieldsJson);
  void deleteContact(const std::string& id);
  std::string addNote(const std::string& contactId, const std::string& body);
  std::string addTask(const std::string& contactId, const std::string& title);
  // An inbound message from the contact (a conversation is created when there is none).
  std::string receiveMessage(const std::string& contactId, const std::string& body,
                             const std::string& type = "SMS");
  std::string createOrder(const std::string& contactId, double amount,
                          const std::string& status = "completed");
  std::string createTransaction(const std::string& contactId, double amount,
                                const std::string& status = "succeeded");
  // locationId defaults to the contact's.
  std::string createOpportunity(const std::string& contactId, const std::string& name,
                                double monetaryValue = 0, const std::string& locationId = "");

 protected:
  HttpResponse apiError(int status, const std::string& message) const override;
  std::optional<HttpResponse> preflight(const HttpRequest& req) override;
  void decorate(HttpResponse& resp) override;
  rapidjson::Document controlCreate(const std::string& kind,
                                    const rapidjson::Value& fields) override;
  rapidjson::Document controlUpdate(const std::string& kind, const std::string& id,
                                    const rapidjson::Value& fields) override;
  bool handleControl(const HttpRequest& req, const std::vector<std::string>& segs,
                     HttpResponse& resp) override;
  void onReset() override;

 private:
  using Body = rapidjson::Value;
  using Handler = std::function<HttpResponse(const HttpRequest&, const Body&, const PathParams&)>;
  // An access or app refresh token: what it may do.
  struct Token {
    std::int64_t expiresAtMs = 0;  // steady clock; 0 = never
    std::string userType;          // "Company", "Location"; "" = an old-style token, everywhere
    std::string location;          // a Location token's own location
    std::string scopes;
  };
  struct Code {
    std::string userType;
    std::string scopes;
    std::string location;
  };
  // One location's (or the company's) rate-limit window and counts.
  struct Window {
    std::int64_t startMs = 0;
    int used = 0;               // served in the current window
    int most = 0;               // the most served in one window
    std::int64_t daily = 0;     // served today
    std::int64_t requests = 0;  // every request counted here, 429s included
    std::int64_t limited = 0;   // answered 429
  };
  struct Install {
    bool installed = false;
    bool revoked = false;
    std::string installedAt;
  };

  // Plumbing (fake_ghl.cpp).
  void on(const std::string& method, const std::string& pattern, Handler handler);
  static HttpResponse errorResponse(const GhlError& e);
  static std::string requiredVersion(const std::string& path);
  bool tokenValid(const std::string& token) const;
  std::string isoNow() const;
  Record& insert(const std::string& kind, rapidjson::Document doc);
  Record& require(const std::string& kind, const std::string& id, const std::string& what);
  void seedDefaults();

  // Access (ghl_access.cpp).
  const Token* tokenOf(const HttpRequest& req) const;  // nullptr: static, unknown or none
  // Where a request counts for rate limits: see setRateLimit.
  std::string requestLocation(const Token* token) const;
  std::optional<HttpResponse> checkRateLimit(const std::string& location);
  // A Location token naming another location, a Company token off the agency routes.
  std::optional<HttpResponse> checkTokenAccess(const HttpRequest& req, const Token& token) const;
  // Every location a request names: locationId, altId, path ids and the records they name.
  std::vector<std::string> namedLocations(const HttpRequest& req) const;
  std::string recordLocation(const std::string& kind, const std::string& id) const;

  // OAuth (ghl_oauth.cpp).
  HttpResponse tokenGrant(const HttpRequest& req);
  HttpResponse legacyRefreshGrant(const HttpRequest& form);
  HttpResponse codeGrant(const HttpRequest& form);
  HttpResponse appRefreshGrant(const HttpRequest& form);
  // A new access + refresh token pair for the grant, as /oauth/token answers it.
  HttpResponse grantTokens(const Token& grant);
  void startTokenBody(rapidjson::Document& d, const std::string& access) const;
  void insertLocation(const std::string& id, const std::string& name, const std::string& email);
  std::string newToken(Token info);
  HttpResponse locationToken(const HttpRequest& req);
  void forgetLocationTokens(const std::string& location);

  // Locations (ghl_locations.cpp).
  void registerLocationRoutes();
  void registerAgencyRoutes();
  HttpResponse installedLocations(const HttpRequest& req);
  HttpResponse searchLocations(const HttpRequest& req);
  bool installedNow(const std::string& location) const;

  // Control (ghl_control.cpp).
  bool handleAgencyControl(const HttpRequest& req, const std::vector<std::string>& segs,
                           const rapidjson::Value& body, rapidjson::Document& out);
  bool handleActionControl(const std::string& name, const rapidjson::Value& body,
                           HttpResponse& resp);
  void rateLimitJson(rapidjson::Document& out);

  // Routes by area.
  void registerRoutes();
  void registerContactRoutes();
  void registerContactChildRoutes();
  void registerConversationRoutes();
  void registerPaymentRoutes();
  void registerOpportunityRoutes();

  // Contacts.
  rapidjson::Document buildContact(const Body& b, const std::string& locationId);
  void applyContactFields(rapidjson::Document& c, const Body& b);
  Record* findContactByEmailOrPhone(const std::string& location, const std::string& email,
                                    const std::string& phone);
  Record& createContactRecord(const Body& b);
  HttpResponse listContacts(const HttpRequest& req);
  HttpResponse searchContacts(const Body& b);
  HttpResponse upsertContact(const Body& b);
  HttpResponse changeTags(const std::string& id, const Body& b, bool add);
  rapidjson::Document buildNote(const std::string& contactId, const Body& b);
  rapidjson::Document buildTask(const std::string& contactId, const Body& b);

  // Conversations.
  Record& conversationFor(const std::string& contactId, bool create);
  Record& addMessage(const std::string& contactId, const Body& b, const std::string& direction);
  HttpResponse searchConversations(const HttpRequest& req);
  HttpResponse listMessages(const std::string& conversationId, const HttpRequest& req);

  // Payments and opportunities.
  // What an order and a transaction begin with: _id, altId/altType, the contact, currency.
  rapidjson::Document startPayment(const Body& b);
  rapidjson::Document buildOrder(const Body& b);
  rapidjson::Document buildTransaction(const Body& b);
  rapidjson::Document buildOpportunity(const Body& b);
  HttpResponse listPayments(const std::string& kind, const HttpRequest& req);
  HttpResponse searchOpportunities(const HttpRequest& req);

  std::string locationId_;
  std::string staticToken_;
  std::string clientId_;
  std::string clientSecret_;
  std::string refreshToken_;
  std::int64_t tokenLifetime_ = 86399;
  std::int64_t refreshCount_ = 0;
  std::map<std::string, Token> accessTokens_;

  int windowMax_ = 100;
  int windowMs_ = 10000;
  std::int64_t dailyLimit_ = 200000;
  std::int64_t rateLimited_ = 0;
  std::map<std::string, Window> windows_;  // by location (or company)
  std::string lastLocation_;  // of the request being answered, for its rate-limit headers

  std::string appClientId_, appSecret_, redirectUri_, appId_ = "app_fake_0001";
  std::map<std::string, Code> codes_;
  std::map<std::string, Token> appRefreshTokens_;  // rotated on use
  std::int64_t codeGrants_ = 0;
  std::map<std::string, std::int64_t> locationGrants_;
  std::map<std::string, Install> installs_;  // by location
};

}  // namespace sluice::fakes
