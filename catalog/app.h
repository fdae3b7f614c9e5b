// What all operations of one app share: apps/<app>/app.yaml.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "catalog/operation.h"

namespace sluice {

// A setting a connection of this app takes (declared once; validated, listed and masked
// from this one row).
struct SettingSpec {
  std::string name;
  ValueType type = ValueType::String;
  bool required = false;
  bool secret = false;
  std::string description;
  std::vector<std::string> enumValues;
  std::string defaultValue;
};

struct RateLimitSpec {
  long long requests = 0;                      // per window
  double perSeconds = 0;                       // window length
  long long daily = 0;                         // 0 = none
  long long testRequests = 0;                  // Stripe test mode
  std::map<std::string, std::string> headers;  // role -> response header name
};

struct ErrorShape {
  std::vector<std::string> message;  // pointers, first present wins
  std::string code;
  std::string type;
  std::string param;
  std::string retryHeader;
};

// The accounts one connection of the app can act in: GHL sub-accounts (locations) of an agency,
// Stripe connected accounts of a platform. A connection asks for them with
// `<key>: all | [ids] | { where: CONDITION }` and then runs its flows once per tenant.
struct TenantSpec {
  std::string key;       // the connection key that asks for them: locations, accounts
  std::string setting;   // the connection setting each tenant fills in: location_id, account
  std::string variable;  // {{tenant.<variable>}} in templates: location_id, account_id
  std::string list;      // the operation (of this app) that lists them
  std::string id;        // JSON pointer to a listed record's id
  std::string label;     // JSON pointer to its name, for status and logs
  // What to ask for when connecting (OAuth scopes the listing and the tenant tokens need).
  std::vector<std::string> scopes;
  // Connection settings a connection asking for tenants must have (the listing reads them).
  std::vector<std::string> needs;
  SourceLocation where;
};

struct Category {
  std::string id;    // contacts
  std::string name;  // Contacts
  std::string file;
};

struct App {
  std::string id;
  std::string name;
  std::string status = "stable";
  std::string baseUrl;
  std::string spec;      // relative to the shared specs folder
  std::string encoding;  // json | form
  std::string authKind;  // bearer | oauth2
  std::string tokenUrl;
  // OAuth 2.0 authorization-code flow (`sluice connect`): where the user approves the app.
  std::string authorizeUrl;
  std::vector<std::pair<std::string, Template>> headers;
  std::string idempotencyHeader;
  // request_presets: query and body parts many operations share (GHL's locationId), which an
  // operation's request names with `preset:`.
  struct RequestPreset {
    ValueTemplate query;
    ValueTemplate body;
  };
  std::map<std::string, RequestPreset> requestPresets;
  // Flows may name webhook event types that bring this app's new records (webhook_events).
  bool webhookEventTypes = false;
  RateLimitSpec rateLimit;
  std::optional<TenantSpec> tenants;
  ErrorShape errors;
  std::vector<SettingSpec> connection;
  // Reasoned deviations from the spec that hold for every operation of the app (a protocol
  // header the vendor documents outside its OpenAPI file).
  std::vector<SpecException> specExceptions;
  std::map<std::string, Pagination> paginations;
  std::vector<Category> categories;
  std::vector<Operation> operations;
  std::string folder;

  const Operation* find(const std::string& opId) const;
  const SettingSpec* setting(const std::string& name) const;
};

}  // namespace sluice
