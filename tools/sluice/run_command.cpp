// `sluice run`: the long-lived scheduler. SIGTERM/SIGINT stop it after the work in flight;
// SIGHUP reloads the file (cursors are kept: they belong to triggers, not to the file).
#include <malloc.h>
#include <pthread.h>
#include <csignal>
#include <functional>
#include <optional>
#include <ostream>
#include <chrono>
#include <thread>

#include "console/console.h"
#include "core/exit_codes.h"
#include "core/logger.h"
#include "http/poco_http_transport.h"
#include "service/admin_server.h"
#include "service/runner.h"
#include "tenants/tenant_expansion.h"
#include "tenants/tenant_refresh.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/config_reloader.h"
#include "tools/sluice/context.h"

namespace sluice::cli {

namespace {

const std::vector<FlagSpec>& runFlags() {
  return flagsOf("run");
}

}  // namespace

namespace {

void applyLogLevel(const Args& args) {
  if (!args.has("log-level")) return;
  LogLevel level;
  if (!parseLogLevel(args.get("log-level"), level))
    throw UsageError("--log-level must be debug, info, warn or error");
  Logger::instance().setLevel(level);
}

void applyLogFile(const Args& args) {
  if (!args.has("log-file")) return;
  try {
    Logger::instance().openFile(args.get("log-file"));
  } catch (const Error& e) {
    throw UsageError(std::string("--log-file: ") + e.what());
  }
}

void logConfigWarnings(const Config& config) {
  for (const auto& w : config.warnings) logWarn("config", kv("warning", w.str()));
  for (const auto& [name, c] : config.connections)
    if (!c.verifyTls)
      logWarn("tls.verification.off",
              kv("connection", name) + " reason=\"verify_tls: false in the config\"");
}

// Runs fn when it goes out of scope.
template <typename Fn>
struct ScopeExit {
  Fn fn;
  ~ScopeExit() { fn(); }
};
template <typename Fn>
ScopeExit<Fn> makeScopeExit(Fn fn) {
  return ScopeExit<Fn>{std::move(fn)};
}

// Signals go to one thread that turns them into requests to the current runner; every other
// thread blocks them (the mask is set before any other thread starts).
class SignalWatcher {
 public:
  SignalWatcher() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGTERM);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGHUP);
    sigaddset(&signals_, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
  }
  ~SignalWatcher() { stop(); }
  // No more signals handled (before what onReload uses goes away).
  void stop() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  void start() {
    thread_ = std::thread([this] { watch(); });
  }
  void attach(Runner* runner) {
    current_ = runner;
    if (runner && done_) runner->requestStop();
  }
  // What SIGHUP starts (set before start()).
  void onReload(std::function<void()> fn) { onReload_ = std::move(fn); }
  // Stops the current runner to be rebuilt on a reloaded file (none attached: the main loop
  // takes the file at its next rebuild).
  void requestReload() {
    if (Runner* r = current_.load()) r->requestReload();
  }
  bool stopRequested() const { return done_; }

 private:
  void watch() {
    while (!done_) {
      timespec timeout{0, 200 * 1000 * 1000};
      const int sig = sigtimedwait(&signals_, nullptr, &timeout);
      if (sig < 0) continue;
      Runner* r = current_.load();
      if (sig == SIGUSR1) {
        Logger::instance().reopenFile();
        logInfo("signal", "name=SIGUSR1 action=reopen_log");
      } else if (sig == SIGHUP) {
        Logger::instance().reopenFile();
        logInfo("signal", "name=SIGHUP action=reload");
        if (onReload_) onReload_();
      } else {
        logInfo("signal",
                std::string("name=") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + " action=stop");
        done_ = true;
        if (r) r->requestStop();
      }
    }
  }

  sigset_t signals_;
  std::atomic<Runner*> current_{nullptr};
  std::atomic<bool> done_{false};
  std::function<void()> onReload_;
  std::thread thread_;
};

// /metrics, /healthz, /readyz and the console; a port in use is not a reason to stop polling.
void startAdmin(AdminServer& admin, const Config& config, const Args& args) {
  if (config.settings.adminAddress == "off" || args.has("once")) return;
  try {
    admin.start(config.settings.adminAddress);
  } catch (const Error& e) {
    logWarn("admin.unavailable", kv("error", e.what()));
  }
}

// SIGHUP: the file the reloader read (a broken one never reaches here) replaces the running
// config; the old one is freed first, with the runner built on it.
void useReloaded(Config next, Context& ctx) {
  ctx.config = std::move(next);
  malloc_trim(0);
  Logger::instance().setSecrets(ctx.config.secrets());
  logInfo("reload.ok", kv("flows", static_cast<long long>(ctx.config.flows.size())));
}

// The config that runs. Without agency connections, the written one as it is. With them, the
// tenants are listed now (a failed listing keeps the last known ones) and expansion (kept in
// `expanded`) runs one flow instance per tenant.
const Config& runningConfig(const Context& ctx, StateStore& state, HttpTransport& transport,
                            HttpTransport* insecure, const Clock& clock, bool listAgain,
                            std::optional<TenantExpansion>& expanded) {
  expanded.reset();
  if (!hasAgencyConnections(ctx.config)) return ctx.config;
  if (listAgain) {
    SealedTokenStore tokens(state, ctx.config.settings.tokenKey, ctx.config.settings.tokenKeyWhere);
    ClientRegistry clients(ctx.config, ctx.catalog, transport, &tokens, clock,
                           [](int64_t ms) {
                             std::this_thread::sleep_for(std::chrono::milliseconds(ms));
                             return true;
                           },
                           insecure);
    for (const auto& p : refreshTenants(ctx.config, ctx.catalog, clients, state, clock.nowMs()))
      logWarn("tenants.refresh.failed", kv("connection", p.connection) + " " +
                                            kv("error", Logger::instance().mask(p.message)));
  }
  expanded = expandTenants(ctx.config, ctx.catalog, state.tenants(""));
  for (const auto& note : expanded->notes) logWarn("tenant.unpaired", kv("why", note));
  return expanded->config;
}

}  // namespace

int runCommand(const std::vector<std::string>& argv, Io io) {
  Args args(argv, runFlags());
  if (args.has("help")) {
    io.out << "usage: sluice run -c FILE [--once] [--log-level LEVEL] [--log-file PATH]\n\n"
              "Polls the enabled flows' triggers on their schedule and delivers new items to\n"
              "their steps until stopped (SIGTERM/SIGINT); SIGHUP reloads FILE.\n\n"
           << flagHelp(runFlags());
    return EXIT_OK;
  }
  applyLogLevel(args);
  applyLogFile(args);
  SignalWatcher signals;
  Context ctx = loadContext(args);
  // Reading a large file leaves the flows' YAML trees' memory free but resident; give back
  // what malloc can.
  malloc_trim(0);
  logConfigWarnings(ctx.config);
  auto state = openState(ctx.config);
  auto transport = makePocoTransport();
  TransportOptions unverified;
  unverified.verifyTls = false;
  auto insecure = makePocoTransport(unverified);  // used only by verify_tls: false connections
  SystemClock clock;
  AdminServer admin;
  startAdmin(admin, ctx.config, args);
  const std::string consoleSecret = console::newProcessSecret();  // sessions outlive reloads
  ConfigReloader reloader(args.get("config", "sluice.yaml"), ctx.catalog);
  signals.onReload([&] { reloader.start([&] { signals.requestReload(); }); });
  signals.start();
  // However this ends, no signal reaches the reloader once it is gone.
  const auto stopSignals = makeScopeExit([&] { signals.stop(); });
  bool listTenants = true;
  while (true) {
    StopReason reason;
    {
      std::optional<TenantExpansion> expanded;
      const Config& running =
          runningConfig(ctx, *state, *transport, insecure.get(), clock, listTenants, expanded);
      Runner runner(ctx.catalog, running, *state, *transport, clock, insecure.get());
      console::Console pages(ctx.catalog, running, *state, clock, consoleSecret);
      signals.attach(&runner);
      admin.attach(&runner);
      admin.attachPages(&pages);
      if (reloader.waiting()) runner.requestReload();  // read while no runner was attached
      reason = runner.run(args.has("once"));
      admin.attachPages(nullptr);
      admin.attach(nullptr);
      signals.attach(nullptr);
    }
    const bool again = reason == StopReason::Reload || reason == StopReason::Tenants;
    if (!again || signals.stopRequested()) break;
    // Tenants changed: the store has them already. SIGHUP: the file, and a fresh listing.
    listTenants = reason == StopReason::Reload;
    if (auto next = reloader.take()) useReloaded(std::move(*next), ctx);
  }
  return EXIT_OK;
}

}  // namespace sluice::cli
