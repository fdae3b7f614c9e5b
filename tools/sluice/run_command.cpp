// `sluice run`: the long-lived scheduler. SIGTERM/SIGINT stop it after the work in flight;
// SIGHUP reloads the file (cursors are kept: they belong to triggers, not to the file).
#include <malloc.h>
#include <pthread.h>
#include <chrono>
#include <csignal>
#include <functional>
#include <ostream>
#include <thread>

#include "core/exit_codes.h"
#include "core/logger.h"
#include "http/poco_http_transport.h"
#include "service/admin_server.h"
#include "service/runner.h"
#include "tools/sluice/command_table.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/config_reloader.h"
#include "tools/sluice/context.h"
#include "tools/sluice/run_generation.h"

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
  // Stops the current runner for the generation a reload built (none attached: the main loop
  // sees that generation waiting when it starts the next runner).
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

// Frees a generation that stopped on a thread of its own, while the next one runs: at 100,000
// flows freeing a config and its runner takes a few hundred milliseconds.
class Retirer {
 public:
  ~Retirer() { wait(); }
  void retire(std::unique_ptr<RunGeneration> done) {
    wait();
    thread_ = std::thread([done = std::move(done)]() mutable {
      done.reset();
      malloc_trim(0);  // what the old config and runner held goes back to the system
    });
  }

 private:
  void wait() {
    if (thread_.joinable()) thread_.join();
  }
  std::thread thread_;
};

// Runs a generation until it stops; the reason.
StopReason runGeneration(RunGeneration& g, SignalWatcher& signals, AdminServer& admin,
                         NextGeneration& next, bool once) {
  signals.attach(&g.runner());
  admin.attach(&g.runner());
  admin.attachPages(&g.pages());
  if (next.waiting()) g.runner().requestReload();  // built while no runner was attached
  const StopReason reason = g.runner().run(once);
  admin.attachPages(nullptr);
  admin.attach(nullptr);
  signals.attach(nullptr);
  return reason;
}

}  // namespace

int runCommand(const std::vector<std::string>& argv, Io io) {
  Args args(argv, runFlags());
  if (args.has("help")) {
    io.out << usageHelp("run");
    return EXIT_OK;
  }
  applyLogLevel(args);
  applyLogFile(args);
  SignalWatcher signals;
  // First: the transport loads the system's CA store on a thread of its own while the file is
  // read.
  auto transport = makePocoTransport();
  TransportOptions unverified;
  unverified.verifyTls = false;
  auto insecure = makePocoTransport(unverified);  // used only by verify_tls: false connections
  Context ctx = loadContext(args);
  // Reading a large file leaves the flows' YAML trees' memory free but resident; give back
  // what malloc can.
  malloc_trim(0);
  logConfigWarnings(ctx.config);
  auto state = openState(ctx.config);
  SystemClock clock;
  AdminServer admin;
  startAdmin(admin, ctx.config, args);
  const std::string consoleSecret = console::newProcessSecret();  // sessions outlive reloads
  const RunParts parts{ctx.catalog, *state, *transport, insecure.get(), clock, consoleSecret};
  auto current = std::make_unique<RunGeneration>(
      std::make_shared<const Config>(std::move(ctx.config)), parts, /*listTenants=*/true);
  NextGeneration next;
  Retirer retirer;
  ConfigReloader reloader(args.get("config", "sluice.yaml"), ctx.catalog);
  // SIGHUP: the next generation is built beside the running one, which then stops for the
  // switch only.
  signals.onReload([&] {
    reloader.start([&](Config loaded) {
      // What reading the file left free goes back before the next runner is built beside the
      // running one (as after the start-up's read).
      malloc_trim(0);
      const int64_t started = clock.nowMs();
      next.put(std::make_unique<RunGeneration>(std::make_shared<const Config>(std::move(loaded)),
                                               parts, /*listTenants=*/true));
      logInfo("reload.ready", kv("build_ms", clock.nowMs() - started));
      signals.requestReload();
    });
  });
  signals.start();
  // However this ends, no signal reaches the reloader once it is gone.
  const auto stopSignals = makeScopeExit([&] { signals.stop(); });
  while (true) {
    const StopReason reason = runGeneration(*current, signals, admin, next, args.has("once"));
    const bool again = reason == StopReason::Reload || reason == StopReason::Tenants;
    if (!again || signals.stopRequested()) break;
    // A generation a SIGHUP built is the next one whatever stopped this one: it has the file
    // and a fresh listing of the tenants (building another from the old file first would
    // cost a second pause). Otherwise tenants changed: the store has them already.
    std::unique_ptr<RunGeneration> following = next.take();
    if (!following)
      following = std::make_unique<RunGeneration>(current->written(), parts,
                                                  /*listTenants=*/false);
    following->runner().adoptSchedule(current->runner());
    const bool reloaded = following->written() != current->written();
    retirer.retire(std::move(current));
    current = std::move(following);
    if (reloaded) {
      Logger::instance().setSecrets(current->written()->secrets());
      logInfo("reload.ok", kv("flows", static_cast<long long>(current->written()->flows.size())));
    }
  }
  return EXIT_OK;
}

}  // namespace sluice::cli
