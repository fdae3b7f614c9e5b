// sluice-bench-ceiling: sluice's own ceiling, against the minimal responder (bench/responder.h)
// instead of the fakes, so that the figures are bounded by sluice and not by the server.
//
//   sluice-bench-ceiling [--flows 2000] [--rounds 5] [--workers 4] [--seconds 3]
//
// The responder runs in a child process (its CPU is not sluice's). K flows, each a Stripe
// new-customer trigger with its own email input and one GHL upsert step, both connections
// pointed at the responder. Measured: bare keep-alive round-trips through sluice's transport
// with as many threads as workers; every trigger polled at once, `rounds` times (polls/s and
// CPU per poll); K items put in the outbox at once and delivered (deliveries/s and CPU per
// delivery). Polls/s is reported as a fraction of the bare round-trips. Then rounds in which
// every poll finds 3 new items and delivers them: polls/s with their deliveries, and CPU per
// poll with its three deliveries. Then the deliveries of flows of three steps. Last, deliveries to
// an API that answers in 20 ms, with a pool fixed at the workers and with the default one that
// grows (deliveries at the pace of the network, not of the pool).
#include <sys/wait.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_commit.h"
#include "bench/bench_process.h"
#include "bench/responder.h"
#include "catalog/catalog.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/logger.h"
#include "http/poco_http_transport.h"
#include "service/runner.h"
#include "state/state_store.h"

namespace {

namespace fs = std::filesystem;
using namespace sluice;
using namespace sluice::bench;
using SteadyClock = std::chrono::steady_clock;

struct Options {
  int flows = 2000;
  int rounds = 5;
  int workers = 4;
  int seconds = 3;  // of bare round-trips
};

constexpr int kSlowApiMs = 20;

double secondsSince(SteadyClock::time_point t) {
  return std::chrono::duration<double>(SteadyClock::now() - t).count();
}

int responderChild(int in, int out) {
  Responder responder;
  std::thread server([&] { responder.serve(); });
  const bool ok = writeLine(out, std::to_string(responder.port()));
  char c;
  while (ok && read(in, &c, 1) == 1 && c != 'q') {
    if (c == 'n')
      responder.newPerList(3);  // from now on every poll finds 3 new customers among 10
    else if (c == 'd')
      responder.answerAfterMs(kSlowApiMs);  // from now on every answer takes 20 ms
    else
      continue;
    writeLine(out, "ok");
  }
  responder.stop();
  server.join();
  return ok ? 0 : 1;
}

// maxWorkers 0: the pool's default ceiling. Each flow upserts its contact `steps` times: every
// step is a GHL call marked before it goes out (GHL takes no idempotency key).
std::string configText(const Options& o, const std::string& url, int maxWorkers = 0,
                       int steps = 1) {
  std::string text =
      "settings: { workers: " + std::to_string(o.workers) +
      (maxWorkers ? ", max_workers: " + std::to_string(maxWorkers) : std::string()) +
      ", admin: off }\n"
      "connections:\n"
      "  stripe: { app: stripe, api_key: \"${CEILING_STRIPE_KEY}\", base_url: " +
      url +
      ", rate_limit: { requests: 100000000, per: 1s } }\n"
      "  ghl: { app: ghl, token: \"${CEILING_GHL_TOKEN}\", location_id: loc_ceiling, "
      "base_url: " +
      url +
      ", rate_limit: { requests: 100000000, per: 1s } }\n"
      "flows:\n";
  for (int i = 0; i < o.flows; ++i) {
    text += "  - name: f" + std::to_string(i) +
            "\n    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 1m, "
            "with: { email: f" +
            std::to_string(i) + "@bench.test } }\n    steps:\n";
    for (int step = 0; step < steps; ++step)
      text +=
          "      - op: ghl.contacts.upsert_contact\n        connection: ghl\n"
          "        with: { email: \"{{trigger.email}}\" }\n";
  }
  return text;
}

double bareRoundTrips(const std::string& url, int threads, int seconds) {
  auto transport = makePocoTransport();
  std::atomic<long> done{0};
  const auto start = SteadyClock::now();
  const auto until = start + std::chrono::seconds(seconds);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      HttpRequest req;
      req.url = url + "/v1/customers?limit=100";
      while (SteadyClock::now() < until)
        if (transport->send(req).status == 200) ++done;
    });
  for (auto& t : pool) t.join();
  return static_cast<double>(done) / secondsSince(start);
}

// K items at once in the outbox, one per flow, then delivered; ids start with prefix.
void queueItems(StateStore& state, int k, const std::string& prefix = "cus_Ceiling") {
  PollCommit items =
      benchCommit("bench-ceiling-deliveries", "stripe.customers.new_customer", "stripe");
  items.nextDueMs = SystemClock().nowMs() + 3600 * 1000;
  for (int i = 0; i < k; ++i) {
    const std::string id = prefix + std::to_string(i);
    items.items.push_back({"f" + std::to_string(i), id,
                           R"({"id":")" + id + R"(","email":"f)" + std::to_string(i) +
                               R"(@bench.test","created":1760000000})",
                           id});
  }
  state.commitPoll(items);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::atoi(argv[i + 1]);
    if (flag == "--flows")
      o.flows = value;
    else if (flag == "--rounds")
      o.rounds = value;
    else if (flag == "--workers")
      o.workers = value;
    else if (flag == "--seconds")
      o.seconds = value;
    else
      throw std::runtime_error("unknown flag " + flag);
  }
  return o;
}

// Rounds in which every trigger's poll finds 3 new items among 10 and each is delivered (the
// flow of the side-by-side run against n8n). The rate at which polls keep up with their
// deliveries, and the CPU of a poll with its three deliveries.
void threeNewPerPoll(const Options& o, Runner& runner, StateStore& state, const Child& responder) {
  responder.send('n');
  responder.line();
  const size_t doneBefore = state.deliveries(DeliveryStatus::Done, 1 << 30).size();
  const double cpu0 = cpuMs();
  const auto t0 = SteadyClock::now();
  double pollingCpu = 0;  // of the polls that found the items, their deliveries aside
  for (int r = 0; r < o.rounds; ++r) {
    const double before = cpuMs();
    runner.pollAllNow();
    pollingCpu += cpuMs() - before;
    runner.drainOutbox();
  }
  const double elapsed = secondsSince(t0), cpu = cpuMs() - cpu0;
  const double polls = static_cast<double>(o.flows) * o.rounds;
  const size_t delivered = state.deliveries(DeliveryStatus::Done, 1 << 30).size() - doneBefore;
  std::printf("polls finding 3 new items, each delivered: %.0f polls/s with %.0f deliveries/s\n",
              polls / elapsed, delivered / elapsed);
  std::printf("CPU per poll with its 3 deliveries:        %.3f ms\n", cpu / polls);
  std::printf("  of which the poll and its commit:         %.3f ms\n", pollingCpu / polls);
  std::printf("  and each delivery:                        %.3f ms\n",
              (cpu - pollingCpu) / (3 * polls));
  if (delivered != 3 * static_cast<size_t>(polls))
    std::printf("WARNING: %zu deliveries for %.0f polls (3 each expected)\n", delivered, polls);
}

struct Drained {
  double perS = 0;
  double cpuMsEach = 0;
};

// `items` queued at once and delivered by a runner of the config `text`.
Drained drainQueued(const std::string& text, const Catalog& catalog,
                    const std::map<std::string, std::string>& env, StateStore& state,
                    HttpTransport& transport, const std::string& prefix, int items) {
  const Config config = loadConfigText(text, "ceiling.yaml", catalog, &env);
  SystemClock clock;
  Runner runner(catalog, config, state, transport, clock);
  queueItems(state, items, prefix);
  const double cpu0 = cpuMs();
  const auto t0 = SteadyClock::now();
  runner.drainOutbox();
  const Drained drained{items / secondsSince(t0), (cpuMs() - cpu0) / items};
  if (const int64_t left = state.pendingCount())
    std::printf("WARNING: %lld deliveries still pending\n", static_cast<long long>(left));
  return drained;
}

// Deliveries of a flow of three steps, each marked before its call: a step's result goes out
// with the next step's mark, so the three steps cost four writes.
void threeStepFlows(const Options& o, const std::string& url, const Catalog& catalog,
                    const std::map<std::string, std::string>& env, StateStore& state,
                    HttpTransport& transport) {
  const Drained d = drainQueued(configText(o, url, 0, 3), catalog, env, state, transport,
                                "cus_ThreeSteps", o.flows);
  std::printf("deliveries/s of a three-step flow, %d queued: %.0f\n", o.flows, d.perS);
  std::printf("CPU per three-step delivery:               %.3f ms\n", d.cpuMsEach);
}

// Deliveries to an API that answers in 20 ms: a pool fixed at the workers waits on the network;
// the default pool grows while deliveries wait for a thread.
void slowApi(const Options& o, const std::string& url, const Catalog& catalog,
             const std::map<std::string, std::string>& env, StateStore& state,
             HttpTransport& transport, const Child& responder) {
  responder.send('d');
  responder.line();
  const int items = std::min(o.flows, 1000);
  const double fixed = drainQueued(configText(o, url, o.workers), catalog, env, state, transport,
                                   "cus_SlowFixed", items)
                           .perS;
  const double grown =
      drainQueued(configText(o, url), catalog, env, state, transport, "cus_SlowGrown", items).perS;
  std::printf("deliveries/s, API answering in %d ms, pool fixed at %d:   %.0f\n", kSlowApiMs,
              o.workers, fixed);
  std::printf("deliveries/s, API answering in %d ms, default pool:     %.0f (%.1fx)\n", kSlowApiMs,
              grown, grown / fixed);
}

void run(const Options& o, const std::string& url, const Child& responder) {
  Logger::instance().setLevel(LogLevel::Warn);
  const Catalog catalog = Catalog::load(SLUICE_CATALOG_PATH);
  const std::map<std::string, std::string> env = {{"CEILING_STRIPE_KEY", "sk_test_ceiling0001"},
                                                  {"CEILING_GHL_TOKEN", "ghl-ceiling-0001"}};
  const Config config = loadConfigText(configText(o, url), "ceiling.yaml", catalog, &env);
  const fs::path dir = fs::temp_directory_path() / ("sluice-ceiling-" + std::to_string(getpid()));
  fs::create_directories(dir);
  auto state = openStateStore("sqlite:" + (dir / "state.db").string());
  auto transport = makePocoTransport();
  SystemClock clock;
  auto runner = std::make_unique<Runner>(catalog, config, *state, *transport, clock);
  runner->pollAllNow();  // seeds every trigger

  const double bare = bareRoundTrips(url, o.workers, o.seconds);
  const double cpu0 = cpuMs();
  const auto t0 = SteadyClock::now();
  for (int r = 0; r < o.rounds; ++r) runner->pollAllNow();
  const double polls = static_cast<double>(o.flows) * o.rounds;
  const double pollsPerS = polls / secondsSince(t0), cpuPerPoll = (cpuMs() - cpu0) / polls;

  queueItems(*state, o.flows);
  const double cpu1 = cpuMs();
  const auto t1 = SteadyClock::now();
  runner->drainOutbox();
  const double deliveriesPerS = o.flows / secondsSince(t1);
  const double cpuPerDelivery = (cpuMs() - cpu1) / o.flows;
  const int64_t left = state->pendingCount();

  std::printf("flows %d, workers %d, %d rounds of polls\n", o.flows, o.workers, o.rounds);
  std::printf("bare keep-alive round-trips/s (%d threads): %.0f\n", o.workers, bare);
  std::printf("polls/s, every trigger due at once:        %.0f (%.2f of bare round-trips)\n",
              pollsPerS, pollsPerS / bare);
  std::printf("CPU per poll:                              %.3f ms\n", cpuPerPoll);
  std::printf("deliveries/s, %d queued at once:         %.0f (%.2fx the polls/s)\n", o.flows,
              deliveriesPerS, deliveriesPerS / pollsPerS);
  std::printf("CPU per delivery:                          %.3f ms\n", cpuPerDelivery);
  if (left) std::printf("WARNING: %lld deliveries still pending\n", static_cast<long long>(left));
  threeNewPerPoll(o, *runner, *state, responder);
  runner.reset();  // it releases its leases in the store
  threeStepFlows(o, url, catalog, env, *state, *transport);
  slowApi(o, url, catalog, env, *state, *transport, responder);
  state.reset();
  fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    Child responder = forkChild(responderChild);
    const std::string url = "http://127.0.0.1:" + responder.line();
    run(o, url, responder);
    responder.send('q');
    waitpid(responder.pid, nullptr, 0);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sluice-bench-ceiling: %s\n", e.what());
    return 1;
  }
}
