// `sluice connect APP -c FILE CONNECTION`: the OAuth 2.0 authorization-code flow of a
// marketplace app (HighLevel). Prints the approval URL with a one-time `state`, takes the
// redirect on the connection's 127.0.0.1 redirect_uri (or --listen), or the code pasted with
// --code, trades it for tokens and stores them (sealed with settings.token_key) in the state
// store. A redirect with another state is refused and nothing is stored.
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>
#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <ostream>
#include <set>

#include "core/exit_codes.h"
#include "core/form_encoding.h"
#include "core/http.h"
#include "core/logger.h"
#include "core/text.h"
#include "http/http_server.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/context.h"

namespace sluice::cli {

namespace {

std::string newState() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw Error("connect: no random bytes for state");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) out += {hex[b >> 4], hex[b & 15]};
  return out;
}

// The scopes to ask for: what listing tenants needs, and every operation the connection's
// flows run.
std::string scopesFor(const Context& ctx, const Connection& c) {
  std::set<std::string> scopes;
  const App* app = ctx.catalog.app(c.app);
  if (c.tenants.any() && app->tenants)
    scopes.insert(app->tenants->scopes.begin(), app->tenants->scopes.end());
  auto addOp = [&](const std::string& op, const std::string& connection) {
    if (connection != c.name) return;
    if (const Operation* o = ctx.catalog.find(op))
      scopes.insert(o->scopes.begin(), o->scopes.end());
  };
  for (const auto& f : ctx.config.flows) {
    addOp(f.trigger.op, f.trigger.connection);
    for (const auto& s : f.steps) addOp(s.op, s.connection);
  }
  return joined(std::vector<std::string>(scopes.begin(), scopes.end()), " ");
}

// A redirect that is not the answer to this request (or says the user declined).
class RefusedRedirect : public Error {
 public:
  using Error::Error;
};

struct Redirect {
  std::mutex mutex;
  std::condition_variable done;
  bool arrived = false;
  std::string code;
  std::string error;
};

void answer(Poco::Net::HTTPServerResponse& response, int status, const std::string& text) {
  response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  response.setContentType("text/plain; charset=utf-8");
  response.send() << text << "\n";
}

// Serves the one redirect; a wrong path is answered 404 and waited past.
void takeRedirect(Redirect& r, const std::string& path, const std::string& state,
                  Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
  const Poco::URI uri(request.getURI());
  if (uri.getPath() != path) return answer(response, 404, "not the redirect path");
  std::string code, got, error;
  for (const auto& [name, value] : uri.getQueryParameters()) {
    if (name == "code") code = value;
    if (name == "state") got = value;
    if (name == "error") error = value;
  }
  std::lock_guard<std::mutex> lock(r.mutex);
  if (r.arrived) return answer(response, 409, "sluice has had its redirect already");
  r.arrived = true;
  if (got != state)
    r.error =
        "the redirect's state parameter does not match this request (a stale or forged "
        "redirect): nothing was stored; run `sluice connect` again";
  else if (!error.empty() || code.empty())
    r.error = "the approval did not give a code (" + (error.empty() ? "no code" : error) + ")";
  else
    r.code = code;
  r.done.notify_all();
  answer(response, r.error.empty() ? 200 : 400,
         r.error.empty() ? "sluice: approved. You may close this tab." : "sluice: " + r.error);
}

// "127.0.0.1:PORT" of an http://127.0.0.1:PORT/... (or localhost) redirect URI, else "".
std::string localAddress(const Poco::URI& redirect) {
  const bool local = redirect.getHost() == "127.0.0.1" || redirect.getHost() == "localhost";
  if (redirect.getScheme() != "http" || !local) return "";
  return "127.0.0.1:" + std::to_string(redirect.getPort());
}

std::string waitForCode(const Args& args, const std::string& redirectUri, const std::string& state,
                        std::ostream& out) {
  const Poco::URI redirect(redirectUri);
  const std::string address = args.get("listen", localAddress(redirect));
  if (address.empty())
    throw UsageError("redirect_uri " + redirectUri +
                     " is not on this machine: give --listen "
                     "127.0.0.1:PORT behind it, or paste the code with --code");
  const auto seconds = parseDurationMs(args.get("timeout", "5m"));
  if (!seconds || *seconds <= 0) throw UsageError("--timeout: expected a duration like 5m");
  Redirect r;
  HttpServer server("connect", {1, 4}, [&](auto& request, auto& response) {
    takeRedirect(r, redirect.getPath().empty() ? "/" : redirect.getPath(), state, request,
                 response);
  });
  server.start(address);
  out << "Waiting for the redirect on " << address << " (up to " << args.get("timeout", "5m")
      << ")...\n"
      << std::flush;
  std::unique_lock<std::mutex> lock(r.mutex);
  if (!r.done.wait_for(lock, std::chrono::milliseconds(*seconds), [&] { return r.arrived; }))
    throw Error("no redirect arrived in time: run `sluice connect` again (or use --code)");
  if (!r.error.empty()) throw RefusedRedirect(r.error);
  return r.code;
}

}  // namespace

int connectCommand(const std::vector<std::string>& argv, Io io) {
  const auto& flags = flagsOf("connect");
  Args args(argv, flags);
  if (args.has("help") || args.positional().size() != 2) {
    io.out << usageHelp("connect");
    return args.has("help") ? EXIT_OK : EXIT_USAGE;
  }
  Context ctx = loadContext(args);
  const std::string appId = args.positional()[0], name = args.positional()[1];
  const auto it = ctx.config.connections.find(name);
  if (it == ctx.config.connections.end()) throw UsageError("unknown connection '" + name + "'");
  const Connection& c = it->second;
  const App* app = ctx.catalog.app(c.app);
  if (c.app != appId)
    throw UsageError("connection " + name + " is of app " + c.app + ", not " + appId);
  const auto setting = [&](const std::string& key) {
    auto s = c.settings.find(key);
    return s == c.settings.end() ? std::string() : s->second;
  };
  if (app->authorizeUrl.empty() || setting("client_id").empty() || setting("redirect_uri").empty())
    throw ConfigError(c.where, "connection " + name +
                                   ": `sluice connect` needs an app with an "
                                   "OAuth authorization URL and the settings client_id, "
                                   "client_secret and redirect_uri");
  auto state = openState(ctx.config);
  const std::string redirectUri = setting("redirect_uri");
  std::string code = args.get("code", "");
  if (code.empty()) {
    const std::string oauthState = newState();
    io.out << "Open this URL in a browser signed in to the account that approves the app:\n\n  "
           << app->authorizeUrl << "?response_type=code&redirect_uri=" << urlEncode(redirectUri)
           << "&client_id=" << urlEncode(setting("client_id"))
           << "&scope=" << urlEncode(scopesFor(ctx, c)) << "&state=" << oauthState << "\n\n";
    try {
      code = waitForCode(args, redirectUri, oauthState, io.out);
    } catch (const RefusedRedirect& e) {
      io.err << "sluice: connection " << name << ": " << e.what() << "\n";
      return EXIT_DATAERR;
    }
  }
  OneShotClients clients(ctx, state.get());
  std::string summary;
  try {
    summary = clients.registry->get(name).connector().connectWithCode(*clients.transport, code,
                                                                      redirectUri);
  } catch (const TransportError&) {
    throw;  // the vendor is unavailable: EXIT_UNAVAILABLE
  } catch (const ConfigError&) {
    throw;
  } catch (const Error& e) {
    // The vendor refused the grant: bad input, not a fault of sluice.
    io.err << "sluice: " << Logger::instance().mask(e.what()) << "\n";
    return EXIT_DATAERR;
  }
  io.out << "connected " << name << ": " << summary << "\n"
         << (clients.tokens->sealing() ? "tokens stored, sealed with settings.token_key\n"
                                       : "tokens stored UNSEALED: set settings.token_key\n");
  return EXIT_OK;
}

}  // namespace sluice::cli
