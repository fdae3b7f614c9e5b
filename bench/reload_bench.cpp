// sluice-bench-reload: SIGHUP at N flows. One `sluice run` process (the real binary) runs N flows
// (each its own trigger) against the fake Stripe and GHL in this process. After a warm-up in
// which every trigger is seeded, one flow is added to the file and the process gets SIGHUP.
// From its log and /metrics: how long reading the file and building what runs on it took
// (the flows go on meanwhile), the pause of the switch (reload.ready -> the new run.start),
// polls started more than 1 s late from the signal to the end, the worst lateness bucket, and
// resident memory before the signal, at its peak during the reload and after it.
//
//   sluice-bench-reload [--flows N] [--every 1m] [--warmup S] [--after S]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include "bench/bench_config.h"
#include "bench/bench_process.h"
#include "http/poco_http_transport.h"
#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_stripe.h"

namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;
namespace bench = sluice::bench;

struct Options {
  int flows = 100000;
  std::string every = "1m";
  int warmupS = 90;  // from run.start: one interval seeds every trigger
  int afterS = 30;   // after reload.ok
};

std::string fileText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream all;
  all << in.rdbuf();
  return all.str();
}

// The time of day (ms) of the first log line at or after `from` that holds `text`, or -1.
int64_t loggedAtMs(const std::string& log, const std::string& text, size_t from = 0) {
  const size_t at = log.find(text, from);
  if (at == std::string::npos) return -1;
  const size_t line = log.rfind('\n', at) == std::string::npos ? 0 : log.rfind('\n', at) + 1;
  // "2026-12-04T09:38:07.123Z INFO  event ..."
  const int h = std::atoi(log.c_str() + line + 11), m = std::atoi(log.c_str() + line + 14);
  const double s = std::atof(log.c_str() + line + 17);
  return (h * 3600 + m * 60) * 1000LL + static_cast<int64_t>(s * 1000);
}

// Waits (bounded) for text in the log; false when the process ended or the time ran out.
bool waitForLog(const std::string& log, const std::string& text, pid_t pid, int timeoutS,
                double& peakRss) {
  const auto until = SteadyClock::now() + std::chrono::seconds(timeoutS);
  while (SteadyClock::now() < until) {
    peakRss = std::max(peakRss, bench::rssMiBOf(pid));
    if (fileText(log).find(text) != std::string::npos) return true;
    if (waitpid(pid, nullptr, WNOHANG) != 0) return false;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// The upper bound of the highest lateness bucket that gained polls between two scrapes.
std::string worstLatenessBucket(const std::string& before, const std::string& after) {
  const auto buckets = [](const std::string& text) {
    std::map<double, double> out;  // le -> cumulative count
    std::istringstream in(text);
    const std::string prefix = "sluice_poll_lateness_seconds_bucket{le=\"";
    for (std::string line; std::getline(in, line);) {
      if (line.rfind(prefix, 0) != 0) continue;
      const std::string le =
          line.substr(prefix.size(), line.find('"', prefix.size()) - prefix.size());
      out[le == "+Inf" ? 1e300 : std::stod(le)] = std::stod(line.substr(line.rfind(' ') + 1));
    }
    return out;
  };
  const auto b = buckets(before), a = buckets(after);
  double below = 0;
  std::string worst = "none";
  for (const auto& [le, count] : a) {
    const double gained = count - (b.count(le) ? b.at(le) : 0);
    if (gained > below) worst = le > 1e299 ? "+Inf" : std::to_string(le) + " s";
    below = std::max(below, gained);
  }
  return worst;
}

int usage() {
  std::fprintf(stderr,
               "usage: sluice-bench-reload [--flows N] [--every 1m] [--warmup S] [--after S]\n");
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--flows")
      o.flows = std::atoi(v.c_str());
    else if (a == "--every")
      o.every = v;
    else if (a == "--warmup")
      o.warmupS = std::atoi(v.c_str());
    else if (a == "--after")
      o.afterS = std::atoi(v.c_str());
    else
      return usage();
  }
  if (argc % 2 == 0) return usage();
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("sluice-reload-" + std::to_string(getpid())))
          .string();
  std::filesystem::create_directories(dir);
  sluice::fakes::FakeStripe stripe;
  stripe.setApiKey(bench::kStripeKey);
  stripe.start();
  sluice::fakes::FakeGhl ghl{"loc_bench"};
  ghl.setStaticToken(bench::kGhlToken);
  ghl.start();
  const std::string admin = "127.0.0.1:" + std::to_string(20000 + getpid() % 20000);
  const std::string file = dir + "/sluice.yaml";
  bench::BenchFlows flows{o.flows, o.every, 4, admin};
  bench::writeConfig(file, flows, stripe.baseUrl(), ghl.baseUrl(), dir);
  setenv("BENCH_STRIPE_KEY", bench::kStripeKey, 1);
  setenv("BENCH_GHL_TOKEN", bench::kGhlToken, 1);
  setenv("SLUICE_CATALOG", SLUICE_CATALOG_PATH, 0);
  const std::string log = dir + "/sluice.log";
  const pid_t sluice = bench::spawn({SLUICE_BINARY_PATH, "run", "-c", file}, log);
  std::printf(
      "sluice-bench-reload: %d flows every %s; warm-up %d s after run.start, %d s after "
      "reload.ok\n",
      o.flows, o.every.c_str(), o.warmupS, o.afterS);
  double peak = 0;
  if (!waitForLog(log, "run.start", sluice, 600, peak)) {
    std::fprintf(stderr, "sluice run did not start:\n%s\n", fileText(log).c_str());
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::seconds(o.warmupS));
  auto http = sluice::makePocoTransport();
  const std::string before = bench::scrape(*http, admin);
  const double rssBefore = bench::rssMiBOf(sluice);
  const double startPeak = bench::peakRssMiBOf(sluice);  // loading at start-up

  ++flows.flows;  // the reload changes something: one more flow
  bench::writeConfig(file, flows, stripe.baseUrl(), ghl.baseUrl(), dir);
  const size_t logFrom = fileText(log).size();
  kill(sluice, SIGHUP);
  peak = rssBefore;
  // Resident memory once the file is read, and once the next runner is built beside the old.
  double rssRead = 0, rssReady = 0;
  if (waitForLog(log, "reload.read", sluice, 600, peak)) rssRead = bench::rssMiBOf(sluice);
  if (waitForLog(log, "reload.ready", sluice, 600, peak)) rssReady = bench::rssMiBOf(sluice);
  const bool reloaded = waitForLog(log, "reload.ok", sluice, 600, peak);
  double rssAfter = 0;
  for (int i = 0; reloaded && i < o.afterS * 20; ++i) {
    rssAfter = bench::rssMiBOf(sluice);
    peak = std::max(peak, rssAfter);
    std::this_thread::sleep_for(50ms);
  }
  // The process's own high-water mark, when the reload set it (above the start-up's).
  if (bench::peakRssMiBOf(sluice) > startPeak) peak = std::max(peak, bench::peakRssMiBOf(sluice));
  const std::string after = reloaded ? bench::scrape(*http, admin) : before;
  kill(sluice, SIGTERM);
  waitpid(sluice, nullptr, 0);
  const std::string text = fileText(log);
  if (!reloaded) {
    std::fprintf(stderr, "no reload.ok:\n%s\n", text.substr(logFrom).c_str());
    return 1;
  }
  const int64_t hup = loggedAtMs(text, "name=SIGHUP", logFrom);
  const int64_t read = loggedAtMs(text, "reload.read", logFrom);
  const int64_t ready = loggedAtMs(text, "reload.ready", logFrom);
  const int64_t stopped = loggedAtMs(text, "run.stop reason=reload", logFrom);
  const int64_t started =
      loggedAtMs(text, "run.start", text.find("run.stop reason=reload", logFrom));
  const double polls = bench::counterSum(after, "sluice_polls_total") -
                       bench::counterSum(before, "sluice_polls_total");
  const double late = bench::counterSum(after, "sluice_polls_late_total") -
                      bench::counterSum(before, "sluice_polls_late_total");
  std::printf(
      "read_ms=%lld build_ms=%lld switch_pause_ms=%lld (old runner stopped after %lld ms)\n",
      static_cast<long long>(read - hup), static_cast<long long>(ready - read),
      static_cast<long long>(started - ready), static_cast<long long>(stopped - ready));
  std::printf("polls_after_signal=%.0f late_polls=%.0f worst_lateness_bucket=%s\n", polls, late,
              worstLatenessBucket(before, after).c_str());
  std::printf("rss_mib at reload.read=%.1f at reload.ready=%.1f\n", rssRead, rssReady);
  std::printf(
      "rss_mib before=%.1f peak=%.1f after=%.1f (peak %.2fx before; start-up's peak %.1f)\n",
      rssBefore, peak, rssAfter, rssBefore > 0 ? peak / rssBefore : 0, startPeak);
  std::filesystem::remove_all(dir);
  return 0;
}
