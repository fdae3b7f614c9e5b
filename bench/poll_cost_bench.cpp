// sluice-bench-poll-cost: what one poll costs with few and with many existing records, for a
// GHL trigger (contact search, newest first) and a Stripe trigger (new customers).
//
//   sluice-bench-poll-cost [--small 100] [--large 100000] [--polls 20] [--new 3]
//
// For each trigger and each size, the fakes run in a child process holding that many
// records, all older than a minute. The first poll seeds; then each round the child adds
// --new records and the trigger is polled once. Reported per poll: pages, records read, new
// items, sluice's own CPU (getrusage of this process: the fakes' work is not in it) and the
// wall time (which includes the fake's search over all its records). The issue's target: a
// poll's cost with 100,000 existing records within 1.5x of one with 100.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/bench_process.h"
#include "catalog/catalog.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/iso_time.h"
#include "core/logger.h"
#include "http/poco_http_transport.h"
#include "service/runner.h"
#include "state/state_store.h"
#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_stripe.h"

namespace {

namespace fs = std::filesystem;
using namespace sluice;
using namespace sluice::bench;

constexpr const char* kStripeKey = "sk_test_pollcost0001";
constexpr const char* kGhlToken = "ghl-pollcost-token-0001";
constexpr const char* kLocation = "loc_pollcost";

struct Options {
  int small = 100;
  int large = 100000;
  int polls = 20;
  int fresh = 3;  // new records per round
};

struct Trigger {
  std::string app;  // "ghl" or "stripe": which fake holds the records
  std::string op;
};

// The fakes' process: `existing` old records of the trigger's kind; 'n' adds fresh ones.
int fakesChild(int in, int out, const Trigger& t, int existing, int fresh) {
  fakes::FakeStripe stripe(kStripeKey);
  fakes::FakeGhl ghl(kLocation);
  ghl.setStaticToken(kGhlToken);
  ghl.setRateLimit(1000000000, 10000);
  ghl.setAllowDuplicateContacts(true);  // the fake's duplicate check scans every contact
  const int64_t now = SystemClock().nowMs();
  for (int i = 0; i < existing; ++i) {
    const int64_t at = now - 60'000 - static_cast<int64_t>(existing - i) * 1000;
    const std::string email = "old" + std::to_string(i) + "@bench.test";
    if (t.app == "ghl")
      ghl.createRecord("contacts", R"({"locationId":")" + std::string(kLocation) +
                                       R"(","email":")" + email + R"(","dateAdded":")" +
                                       formatIsoSeconds(at) + R"("})");
    else
      stripe.createRecord("customers", R"({"email":")" + email + R"(","created":)" +
                                           std::to_string(at / 1000) + "}");
  }
  stripe.start();
  ghl.start();
  if (!writeLine(out, std::to_string(stripe.port()) + " " + std::to_string(ghl.port()))) return 1;
  long made = 0;
  char c;
  while (read(in, &c, 1) == 1 && c != 'q') {
    for (int i = 0; i < fresh; ++i, ++made) {
      const std::string email = "new" + std::to_string(made) + "@bench.test";
      if (t.app == "ghl")
        ghl.createContact(R"({"email":")" + email + R"("})");
      else
        stripe.createCustomer(email, "New " + std::to_string(made));
    }
    if (!writeLine(out, "ok")) return 1;
  }
  return 0;
}

std::string configText(const Trigger& t, const std::string& stripeUrl, const std::string& ghlUrl) {
  return "settings: { workers: 1, admin: off }\n"
         "connections:\n"
         "  stripe: { app: stripe, api_key: \"${BENCH_STRIPE_KEY}\", base_url: " +
         stripeUrl +
         ", rate_limit: { requests: 1000000, per: 1s } }\n"
         "  ghl: { app: ghl, token: \"${BENCH_GHL_TOKEN}\", location_id: " +
         kLocation + ", base_url: " + ghlUrl +
         ", rate_limit: { requests: 1000000, per: 1s } }\n"
         "flows:\n"
         "  - name: cost\n"
         "    trigger: { op: " +
         t.op + ", connection: " + t.app +
         ", every: 1m }\n"
         "    steps:\n"
         "      - op: ghl.contacts.add_tags_to_contact\n"
         "        connection: ghl\n"
         "        with: { contactId: \"{{trigger.id}}\", tags: [\"new\"] }\n";
}

struct Cost {
  int seedPages = 0;
  double pages = 0, fetched = 0, fresh = 0, cpuMs = 0, wallMs = 0;  // per poll
};

Cost measure(const Catalog& catalog, const Trigger& t, int existing, const Options& o) {
  Child fakes =
      forkChild([&](int in, int out) { return fakesChild(in, out, t, existing, o.fresh); });
  const std::string ports = fakes.line();
  const std::string stripePort = ports.substr(0, ports.find(' '));
  const std::string ghlPort = ports.substr(ports.find(' ') + 1);
  const std::map<std::string, std::string> env = {{"BENCH_STRIPE_KEY", kStripeKey},
                                                  {"BENCH_GHL_TOKEN", kGhlToken}};
  const Config config =
      loadConfigText(configText(t, "http://127.0.0.1:" + stripePort, "http://127.0.0.1:" + ghlPort),
                     "poll-cost.yaml", catalog, &env);
  const fs::path dir = fs::temp_directory_path() / ("sluice-poll-cost-" + std::to_string(getpid()));
  fs::create_directories(dir);
  Cost cost;
  {
    auto state = openStateStore("sqlite:" + (dir / "state.db").string());
    auto transport = makePocoTransport();
    SystemClock clock;
    Runner runner(catalog, config, *state, *transport, clock);
    const std::string key = runner.triggers().at(0)->spec.key;
    runner.pollAllNow();  // the seed
    cost.seedPages = state->history(key, 1).at(0).pages;
    for (int i = 0; i < o.polls; ++i) {
      fakes.send('n');
      fakes.line();
      const double cpu0 = cpuMs();
      const int64_t wall0 = clock.nowMs();
      runner.pollAllNow();
      cost.cpuMs += cpuMs() - cpu0;
      cost.wallMs += static_cast<double>(clock.nowMs() - wall0);
      const PollRecord last = state->history(key, 1).at(0);
      if (!last.error.empty()) throw std::runtime_error("poll failed: " + last.error);
      cost.pages += last.pages;
      cost.fetched += last.fetched;
      cost.fresh += last.newItems;
    }
  }
  fakes.send('q');
  waitpid(fakes.pid, nullptr, 0);
  fs::remove_all(dir);
  for (double* v : {&cost.pages, &cost.fetched, &cost.fresh, &cost.cpuMs, &cost.wallMs})
    *v /= o.polls;
  return cost;
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--small")
      o.small = value;
    else if (flag == "--large")
      o.large = value;
    else if (flag == "--polls")
      o.polls = value;
    else if (flag == "--new")
      o.fresh = value;
    else
      throw std::runtime_error("unknown flag " + flag);
  }
  return o;
}

void print(const Trigger& t, int existing, const Cost& c) {
  std::printf("%-32s %9d %10d %10.1f %12.1f %8.1f %11.3f %12.2f\n", t.op.c_str(), existing,
              c.seedPages, c.pages, c.fetched, c.fresh, c.cpuMs, c.wallMs);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    Logger::instance().setLevel(LogLevel::Warn);
    const Catalog catalog = Catalog::load(SLUICE_CATALOG_PATH);
    const std::vector<Trigger> triggers = {{"ghl", "ghl.contacts.search_contacts"},
                                           {"stripe", "stripe.customers.new_customer"}};
    std::printf("%d polls per row, %d new records before each\n", o.polls, o.fresh);
    std::printf("%-32s %9s %10s %10s %12s %8s %11s %12s\n", "trigger", "existing", "seed pages",
                "pages/poll", "records/poll", "new/poll", "CPU ms/poll", "wall ms/poll");
    for (const auto& t : triggers) {
      const Cost small = measure(catalog, t, o.small, o);
      print(t, o.small, small);
      const Cost large = measure(catalog, t, o.large, o);
      print(t, o.large, large);
      std::printf("%-32s ratio %d/%d: CPU %.2fx, records read %.2fx, wall %.2fx\n", "", o.large,
                  o.small, large.cpuMs / small.cpuMs, large.fetched / small.fetched,
                  large.wallMs / small.wallMs);
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sluice-bench-poll-cost: %s\n", e.what());
    return 1;
  }
}
