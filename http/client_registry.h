// One ApiClient per connection, shared by polls and actions so they share its rate limit,
// its keep-alive connections and its OAuth tokens.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "http/api_client.h"

namespace sluice {

class ClientRegistry {
 public:
  // insecure: the transport for connections with verify_tls: false (nullptr: none may have it).
  ClientRegistry(const Config& config, const Catalog& catalog, HttpTransport& transport,
                 TokenStore* state, const Clock& clock, Sleeper sleeper,
                 HttpTransport* insecure = nullptr,
                 const AppRegistry& apps = AppRegistry::builtIn());
  // Throws Error for an unknown connection (the config loader already rejects those).
  ApiClient& get(const std::string& connection);
  // Every connection's rate limit holds across restarts and processes on this store.
  void shareBudgets(RateBudgetStore& store);

 private:
  std::map<std::string, std::unique_ptr<ApiClient>> clients_;
};

}  // namespace sluice
