// A local fake of the HighLevel (GoHighLevel) API v2 (services.leadconnectorhq.com):
// bearer tokens with OAuth refresh rotation and expiry, the Version and User-Agent header
// rules, per-window rate limits with GHL's headers, and the contacts, conversations,
// payments, opportunities, locations and users endpoints a connector polls.
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

  std::string locationId() const { return locationId_; }
  std::string companyId() const { return "comp_fake_0001"; }

  // --- auth ---
  // A private integration token: valid until changed, never expires.
  void setStaticToken(const std::string& token);
  // OAuth client: /oauth/token trades refreshToken for a new access + refresh token pair.
  void setOAuthClient(const std::string& clientId, const std::string& clientSecret,
                      const std::string& refreshToken);
  void setTokenLifetime(std::int64_t seconds);  // of OAuth access tokens (default 86399)
  std::string issueAccessToken();               // a valid OAuth access token, as if refreshed
  void expireAccessTokens();                    // every OAuth access token is expired now
  std::string currentRefreshToken() const;
  std::int64_t refreshCount() const;  // successful refresh grants
  std::int64_t rateLimitedCount() const;  // requests answered 429 by the rate limit

  // --- agencies: a marketplace app installed in many locations (ghl_agency.cpp) ---
  // The app's OAuth client for the authorization-code grant.
  void setOAuthApp(const std::string& clientId, const std::string& clientSecret,
                   const std::string& redirectUri, const std::string& appId = "app_fake_0001");
  // A one-time code, as HighLevel redirects with after the user approves the app.
  std::string authorizationCode(
      const std::string& userType = "Company",
      const std::string& scopes =
          "oauth.readonly oauth.write locations.readonly contacts.readonly contacts.write");
  // A location of the company with the app installed (again).
  void addLocation(const std::string& id, const std::string& name = "");
  void uninstallLocation(const std::string& id);
  void installLocation(const std::string& id);
  std::vector<std::string> installedLocationIds() const;
  // The location's tokens are refused (401) and no new one is granted: a revoked install.
  void revokeLocation(const std::string& id);
  std::int64_t authorizationCodeGrants() const;
  std::int64_t locationTokenGrants(const std::string& locationId) const;
  // Requests served to a location (by its token or its locationId), and the most in any one
  // rate-limit window.
  std::int64_t locationRequestCount(const std::string& locationId) const;
  int maxRequestsInAnyWindow(const std::string& locationId) const;

  // --- rate limits (per location, like GHL's per-location limits) ---
  void setRateLimit(int maxPerWindow, int windowMs = 10000);
  void setDailyLimit(std::int64_t perDay);

  // Whether the default location rejects a second contact with the same email (GHL default).
  void setAllowDuplicateContacts(bool allow);

  // --- helpers that drive realistic activity; each returns the record as JSON text ---
  // fieldsJson as POST /contacts/ takes it; locationId defaults to locationId().
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
  std::string createOpportunity(const std::string& contactId, const std::string& name,
                                double monetaryValue = 0);

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
  struct Token {
    std::int64_t expiresAtMs = 0;  // steady clock; 0 = never
    std::string userType;          // "" = an old-style token, allowed everywhere
    std::string location;          // a Location token's own location
    std::string scopes;
  };
  struct Code {
    std::string userType;
    std::string scopes;
  };
  struct Window {
    std::int64_t startMs = 0;
    int used = 0;
    int most = 0;
    std::int64_t daily = 0;
    std::int64_t total = 0;
  };

  // Plumbing.
  void on(const std::string& method, const std::string& pattern, Handler handler);
  static HttpResponse errorResponse(const GhlError& e);
  static std::string requiredVersion(const std::string& path);
  bool tokenValid(const std::string& token) const;
  // The location a request acts in: its token's, else the locationId it names, else default.
  std::string requestLocation(const HttpRequest& req, const Token* token) const;
  std::optional<HttpResponse> checkRateLimit(const std::string& location);
  // A Location token naming another location, or a Company token on a location route.
  std::optional<HttpResponse> checkTokenScope(const HttpRequest& req, const Token& token) const;
  std::string isoNow() const;
  Record& insert(const std::string& kind, rapidjson::Document doc);
  Record& require(const std::string& kind, const std::string& id, const std::string& what);
  void seedDefaults();

  // OAuth.
  HttpResponse tokenGrant(const HttpRequest& req);
  HttpResponse codeGrant(const HttpRequest& form);
  HttpResponse tokenAnswer(const std::string& access, const std::string& refresh,
                           const std::string& userType, const std::string& scopes,
                           const std::string& location);
  std::string newToken(Token info);
  HttpResponse installedLocations(const HttpRequest& req);
  HttpResponse locationToken(const HttpRequest& req);
  void registerAgencyRoutes();
  bool handleAgencyControl(const HttpRequest& req, const std::vector<std::string>& segs,
                           const rapidjson::Value& body, rapidjson::Document& out);

  // Routes by area.
  void registerRoutes();
  void registerContactRoutes();
  void registerContactChildRoutes();
  void registerConversationRoutes();
  void registerPaymentRoutes();
  void registerOpportunityRoutes();
  void registerLocationRoutes();

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
  std::map<std::string, Window> windows_;  // by location
  std::map<std::string, std::int64_t> rateLimitedBy_;
  std::string lastLocation_;  // of the request being answered, for its rate-limit headers

  std::string appClientId_, appSecret_, redirectUri_, appId_ = "app_fake_0001";
  std::map<std::string, Code> codes_;
  std::map<std::string, std::string> companyRefresh_;  // refresh token -> scopes
  std::int64_t codeGrants_ = 0;
  std::map<std::string, std::int64_t> locationGrants_;
  std::map<std::string, bool> installed_;  // location -> installed now
  std::map<std::string, std::string> installedAt_;
  std::map<std::string, bool> revoked_;
};

}  // namespace sluice::fakes
