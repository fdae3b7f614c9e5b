// sluice-bench-agency: one `sluice run` process (the real binary) over an agency of T GHL
// sub-accounts with F flows each (T x F flow instances, each its own trigger), against the
// fake GHL in this process with GHL's own limits (100 requests per 10 s per sub-account and
// per company). Measures, after a warm-up interval in which every sub-account gets its token
// and seeds its triggers: the process's resident memory, its CPU per poll, and how many polls
// started more than 1 s late (sluice_polls_late_total) out of all (sluice_polls_total).
//
//   sluice-bench-agency [--tenants T] [--flows F] [--every 1m] [--warmup S] [--seconds S]
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_process.h"
#include "core/http.h"
#include "http/poco_http_transport.h"
#include "tools/fakes/fake_ghl.h"

namespace {

using sluice::bench::counterSum;
using sluice::bench::cpuMsOf;
using sluice::bench::rssMiBOf;
using sluice::bench::scrape;
using sluice::bench::spawn;

struct Options {
  int tenants = 1000;
  int flows = 5;
  std::string every = "1m";
  int warmupS = 150;
  int seconds = 120;
};

std::string config(const Options& o, const sluice::fakes::FakeGhl& ghl, const std::string& admin) {
  std::string text =
      "state: sqlite:state.db\n"
      "settings: { demo_mode: true, admin: \"" +
      admin +
      "\" }\n"
      "connections:\n"
      "  agency: { app: ghl, base_url: " +
      ghl.baseUrl() +
      ", client_id: bench-client, client_secret: \"${BENCH_SECRET}\", user_type: Company, "
      "company_id: " +
      ghl.companyId() +
      ", app_id: app_fake_0001, redirect_uri: "
      "http://127.0.0.1:1/cb, locations: all }\n"
      "flows:\n";
  for (int f = 0; f < o.flows; ++f)
    text +=
        "  - name: flow" + std::to_string(f) +
        "\n    trigger: { op: ghl.contacts.search_contacts, connection: agency, every: " + o.every +
        ", with: { query: q" + std::to_string(f) +
        " } }\n    steps: [ { op: ghl.contacts.add_tags_to_contact, connection: agency, "
        "with: { contactId: \"{{trigger.id}}\", tags: [seen] } } ]\n";
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--tenants")
      o.tenants = std::atoi(v.c_str());
    else if (a == "--flows")
      o.flows = std::atoi(v.c_str());
    else if (a == "--every")
      o.every = v;
    else if (a == "--warmup")
      o.warmupS = std::atoi(v.c_str());
    else if (a == "--seconds")
      o.seconds = std::atoi(v.c_str());
    else {
      std::fprintf(stderr,
                   "usage: sluice-bench-agency [--tenants T] [--flows F] [--every 1m] "
                   "[--warmup S] [--seconds S]\n");
      return 64;
    }
  }
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("sluice-agency-" + std::to_string(getpid())))
          .string();
  std::filesystem::create_directories(dir);
  sluice::fakes::FakeGhl ghl;
  ghl.setOAuthApp("bench-client", "bench-secret", "http://127.0.0.1:1/cb");
  for (int t = 0; t < o.tenants; ++t) ghl.addLocation("loc_b" + std::to_string(10000 + t));
  ghl.start();
  const std::string admin = "127.0.0.1:" + std::to_string(20000 + getpid() % 20000);
  const std::string file = dir + "/sluice.yaml";
  std::ofstream(file) << config(o, ghl, admin);
  setenv("BENCH_SECRET", "bench-secret", 1);
  setenv("SLUICE_CATALOG", SLUICE_CATALOG_PATH, 0);
  const std::string log = dir + "/sluice.log";
  std::filesystem::current_path(dir);
  int status = 0;
  pid_t connect = spawn({SLUICE_BINARY_PATH, "connect", "ghl", "-c", file, "agency", "--code",
                         ghl.authorizationCode()},
                        log);
  waitpid(connect, &status, 0);
  const pid_t sluice = spawn({SLUICE_BINARY_PATH, "run", "-c", file}, log);
  std::printf("sluice-bench-agency: %d sub-accounts x %d flows every %s; warm-up %d s, then %d s\n",
              o.tenants, o.flows, o.every.c_str(), o.warmupS, o.seconds);
  std::this_thread::sleep_for(std::chrono::seconds(o.warmupS));
  auto http = sluice::makePocoTransport();
  const std::string before = scrape(*http, admin);
  const double cpu0 = cpuMsOf(sluice);
  std::this_thread::sleep_for(std::chrono::seconds(o.seconds));
  const std::string after = scrape(*http, admin);
  const double cpu1 = cpuMsOf(sluice);
  const double rss = rssMiBOf(sluice);
  const double polls =
      counterSum(after, "sluice_polls_total") - counterSum(before, "sluice_polls_total");
  const double late =
      counterSum(after, "sluice_polls_late_total") - counterSum(before, "sluice_polls_late_total");
  kill(sluice, SIGTERM);
  waitpid(sluice, &status, 0);
  std::printf(
      "flow_instances=%d rss_mib=%.1f polls=%.0f polls_per_s=%.1f cpu_ms_per_poll=%.3f "
      "late_polls=%.0f (%.2f%%) location_tokens=%lld rate_limited=%lld (agency's own calls %lld)\n",
      o.tenants * o.flows, rss, polls, polls / o.seconds, polls > 0 ? (cpu1 - cpu0) / polls : 0,
      late, polls > 0 ? 100.0 * late / polls : 0,
      static_cast<long long>(ghl.locationTokenGrants("loc_b10000")),
      static_cast<long long>(ghl.rateLimitedCount()),
      static_cast<long long>(ghl.rateLimitedCount(ghl.companyId())));
  std::filesystem::remove_all(dir);
  return 0;
}
