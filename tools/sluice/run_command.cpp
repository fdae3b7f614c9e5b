// `sluice run`: the long-lived scheduler. SIGTERM/SIGINT stop it after the work in flight;
// SIGHUP reloads the file (cursors are kept: they belong to triggers, not to the file).
#include <malloc.h>
#include <pthread.h>
#include <csignal>
#include <ostream>
#include <thread>

#include "core/exit_codes.h"
#include "core/logger.h"
#include "http/poco_http_transport.h"
#include "service/admin_server.h"
#include "service/runner.h"
#include "tools/sluice/commands.h"
#include "tools/sluice/context.h"

namespace sluice::cli {

namespace {

const std::vector<FlagSpec>& runFlags() {
  static const auto flags = configFlags({
      {"once", false, false, "poll every flow once, deliver what is due, exit"},
      {"log-level", true, false, "debug, info, warn or error (default info)"},
  });
  return flags;
}

}  // namespace

int runCommand(const std::vector<std::string>& argv, Io io) {
  Args args(argv, runFlags());
  if (args.has("help")) {
    io.out << "usage: sluice run -c FILE [--once] [--log-level LEVEL]\n\n"
              "Polls the enabled flows' triggers on their schedule and delivers new items to\n"
              "their steps until stopped (SIGTERM/SIGINT); SIGHUP reloads FILE.\n\n"
           << flagHelp(runFlags());
    return EXIT_OK;
  }
  if (args.has("log-level")) {
    LogLevel level;
    if (!parseLogLevel(args.get("log-level"), level))
      throw UsageError("--log-level must be debug, info, warn or error");
    Logger::instance().setLevel(level);
  }
  // Signals go to one thread that turns them into requests; every other thread blocks them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  Context ctx = loadContext(args);
  // Parsing a large file leaves most of the YAML tree's memory free but resident; give it
  // back (about 12 KiB per flow otherwise).
  malloc_trim(0);
  for (const auto& w : ctx.config.warnings) logWarn("config", kv("warning", w));
  for (const auto& [name, c] : ctx.config.connections)
    if (!c.verifyTls)
      logWarn("tls.verification.off",
              kv("connection", name) + " reason=\"verify_tls: false in the config\"");
  auto state = openState(ctx.config);
  auto transport = makePocoTransport();
  TransportOptions unverified;
  unverified.verifyTls = false;
  auto insecure = makePocoTransport(unverified);  // used only by verify_tls: false connections
  SystemClock clock;

  std::atomic<Runner*> current{nullptr};
  std::atomic<bool> done{false};
  std::thread signalThread([&] {
    while (!done) {
      timespec timeout{0, 200 * 1000 * 1000};
      const int sig = sigtimedwait(&signals, nullptr, &timeout);
      if (sig < 0) continue;
      Runner* r = current.load();
      if (sig == SIGHUP) {
        logInfo("signal", "name=SIGHUP action=reload");
        if (r) r->requestReload();
      } else {
        logInfo("signal",
                std::string("name=") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + " action=stop");
        done = true;
        if (r) r->requestStop();
      }
    }
  });
  struct Joiner {
    std::thread& t;
    std::atomic<bool>& done;
    ~Joiner() {
      done = true;
      t.join();
    }
  } joiner{signalThread, done};

  // /metrics, /healthz, /readyz; a port in use is not a reason to stop polling.
  AdminServer admin;
  if (ctx.config.settings.adminAddress != "off" && !args.has("once")) {
    try {
      admin.start(ctx.config.settings.adminAddress);
    } catch (const Error& e) {
      logWarn("admin.unavailable", kv("error", e.what()));
    }
  }
  while (true) {
    StopReason reason;
    {
      Runner runner(ctx.catalog, ctx.config, *state, *transport, clock, insecure.get());
      current = &runner;
      admin.attach(&runner);
      if (done) runner.requestStop();
      reason = runner.run(args.has("once"));
      admin.attach(nullptr);
      current = nullptr;
    }
    if (reason != StopReason::Reload || done) break;
    try {
      Config next = loadConfig(args.get("config", "sluice.yaml"), ctx.catalog);
      ctx.config = std::move(next);
      malloc_trim(0);
      Logger::instance().setSecrets(ctx.config.secrets());
      logInfo("reload.ok", kv("flows", static_cast<long long>(ctx.config.flows.size())));
    } catch (const Error& e) {
      logError("reload.failed",
               kv("error", Logger::instance().mask(e.what())) + " keeping=previous");
    }
  }
  return EXIT_OK;
}

}  // namespace sluice::cli
