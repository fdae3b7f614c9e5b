// sluice-bench-e2e: the real pipeline (config -> Runner -> poller -> SQLite -> dispatcher ->
// Poco transport) against the fake Stripe and GHL on loopback, with N enabled flows and new
// items arriving at a steady rate.
//
//   sluice-bench-e2e --flows N [--seconds S] [--idle I] [--rate R] [--every 1m] [--workers W]
//                    [--burst K] [--drain D] [--keep DIR]
//
// Each flow has its own trigger (stripe.customers.new_customer filtered by its own email), so
// N flows are N polls per interval; each new customer becomes a GHL contact upsert. The fakes
// run in a child process (forked first, before any thread) so that getrusage of this process
// is sluice's own CPU. The state starts as a long-running installation's would: every trigger
// seeded, due times spread over the interval.
//
// Phases: start-up (catalog, config, state, runner) -> idle polling (I s, no new items: CPU
// per poll) -> steady stream (S s at R items/s) -> drain (until every item is delivered, at
// most D s) -> capacity: every one of K triggers polled at once (polls/s), bare keep-alive
// round-trips to the same fake, commitPoll vs a raw SQLite insert of the same rows.
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_commit.h"
#include "bench/bench_config.h"
#include "bench/bench_process.h"
#include "catalog/catalog.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/http.h"
#include "core/json.h"
#include "core/logger.h"
#include "http/poco_http_transport.h"
#include "poll/trigger_spec.h"
#include "service/runner.h"
#include "state/state_store.h"
#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_stripe.h"

namespace {

using namespace std::chrono_literals;
using sluice::bench::benchCommit;
using sluice::bench::Child;
using sluice::bench::cpuMs;
using sluice::bench::peakRssMiB;
using sluice::bench::rssMiB;
namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

using sluice::bench::flowEmail;
using sluice::bench::kGhlToken;
using sluice::bench::kOp;
using sluice::bench::kStripeKey;

struct Options {
  int flows = 1000;
  int seconds = 40;  // steady stream
  int idle = 15;     // polling without new items
  double rate = 20;  // new items per second
  std::string every = "1m";
  int workers = 4;
  int burst = 2000;  // triggers polled at once for the capacity figure
  int drain = 75;    // at most this long after the stream for the last items
  std::string keep;
  bool commitOnly = false;   // only the commit-rate comparison (for profiling)
  bool startupOnly = false;  // only seeding and start-up (for profiling time and memory)
};

int64_t wallMs() {
  return sluice::SystemClock().nowMs();
}

double seconds(SteadyClock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// --- the fakes' process -------------------------------------------------------------------

// Commands on the pipe: 'p' start the stream, 's' stop it (answers the count), 'q' quit.
int fakesChild(int in, int out, const Options& o) {
  sluice::fakes::FakeStripe stripe;
  stripe.setApiKey(kStripeKey);
  stripe.start();
  sluice::fakes::FakeGhl ghl("loc_bench");
  ghl.setStaticToken(kGhlToken);
  ghl.setRateLimit(1000000000, 10000);
  ghl.start();
  const std::string ports = std::to_string(stripe.port()) + " " + std::to_string(ghl.port()) + "\n";
  if (write(out, ports.data(), ports.size()) < 0) return 1;
  std::atomic<bool> producing{false};
  std::atomic<long> produced{0};
  std::thread producer;
  char c;
  while (read(in, &c, 1) == 1) {
    if (c == 'p' && !producing) {
      producing = true;
      producer = std::thread([&] {
        const auto period = std::chrono::duration<double>(1.0 / o.rate);
        auto next = SteadyClock::now();
        while (producing) {
          const long n = produced++;
          // Spread over the flows; the name carries the creation time for the latency.
          stripe.createCustomer(flowEmail(static_cast<int>((n * 7919) % o.flows)),
                                "t" + std::to_string(wallMs()));
          next += std::chrono::duration_cast<SteadyClock::duration>(period);
          std::this_thread::sleep_until(next);
        }
      });
    } else if (c == 's') {
      producing = false;
      if (producer.joinable()) producer.join();
      const std::string n = std::to_string(produced.load()) + "\n";
      if (write(out, n.data(), n.size()) < 0) return 1;
    } else if (c == 'q') {
      break;
    }
  }
  producing = false;
  if (producer.joinable()) producer.join();
  return 0;
}

// The mean interval between consecutive polls of a trigger (ms), over every trigger's polls
// that started at or after fromMs, and how many intervals that is; from the state's history.
std::pair<double, long> meanPollInterval(const std::string& db, int64_t fromMs) {
  sqlite3* handle = nullptr;
  std::pair<double, long> out{0, 0};
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(handle,
                       "SELECT AVG(d), COUNT(d) FROM (SELECT started_ms - LAG(started_ms) OVER "
                       "(PARTITION BY trigger_key ORDER BY started_ms) AS d FROM history "
                       "WHERE started_ms >= ?) WHERE d IS NOT NULL",
                       -1, &q, nullptr);
    sqlite3_bind_int64(q, 1, fromMs);
    if (sqlite3_step(q) == SQLITE_ROW)
      out = {sqlite3_column_double(q, 0), static_cast<long>(sqlite3_column_int64(q, 1))};
    sqlite3_finalize(q);
  }
  sqlite3_close(handle);
  return out;
}

Child startFakes(const Options& o) {
  return sluice::bench::forkChild([&o](int in, int out) { return fakesChild(in, out, o); });
}

// --- the config and the seeded state ------------------------------------------------------

const std::map<std::string, std::string>& benchEnv() {
  static const std::map<std::string, std::string> env = {{"BENCH_STRIPE_KEY", kStripeKey},
                                                         {"BENCH_GHL_TOKEN", kGhlToken}};
  return env;
}

// Every trigger seeded, its due time spread over one interval that starts marginMs after the
// seeding ends (room for the start-up): what a restart of a long-running installation finds.
// Runs in a child process, so this process's memory figures are the runner's alone. Returns
// the first due time.
int64_t seedState(const std::string& configFile, const std::string& dir, int64_t marginMs) {
  const pid_t pid = fork();
  if (pid == 0) {
    try {
      const sluice::Catalog catalog = sluice::Catalog::load(SLUICE_CATALOG_PATH);
      const sluice::Config config = sluice::loadConfig(configFile, catalog, &benchEnv());
      auto state = sluice::openStateStore(config.state);
      const int64_t now = wallMs();
      const size_t n = config.flows.size();
      std::vector<std::string> keys;
      for (size_t i = 0; i < n; ++i) {
        const auto& flow = config.flows[i];
        sluice::PollCommit c;
        c.triggerKey = sluice::makeTriggerSpec(flow, config, catalog).key;
        keys.push_back(c.triggerKey);
        c.op = kOp;
        c.connection = "stripe";
        c.cursorJson = "{\"seeded\":true,\"wm\":" + std::to_string(now / 1000 - 1) + "}";
        c.cursorMoved = true;
        c.history.triggerKey = c.triggerKey;
        c.history.startedMs = c.history.finishedMs = now;
        c.history.cursorAfter = c.cursorJson;
        c.nextDueMs = now + 3600 * 1000;  // set below, once the seeding's time is known
        state->commitPoll(c);
      }
      state.reset();
      // The schedule: one transaction, so it starts from when the seeding is done.
      const int64_t firstDue = wallMs() + marginMs;
      const int64_t everyMs = config.flows.empty() ? 60000 : config.flows[0].trigger.everyMs;
      sqlite3* db = nullptr;
      sqlite3_open(config.state.substr(7).c_str(), &db);
      sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
      sqlite3_stmt* q = nullptr;
      sqlite3_prepare_v2(db, "UPDATE triggers SET next_due_ms = ? WHERE key = ?", -1, &q, nullptr);
      for (size_t i = 0; i < n; ++i) {
        sqlite3_bind_int64(q, 1,
                           firstDue + static_cast<int64_t>(i) * everyMs / static_cast<int64_t>(n));
        sqlite3_bind_text(q, 2, keys[i].c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_step(q);
        sqlite3_reset(q);
      }
      sqlite3_finalize(q);
      const bool ok = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK;
      sqlite3_close(db);
      std::ofstream(dir + "/first_due") << firstDue;
      _exit(ok ? 0 : 1);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "seeding failed: %s\n", e.what());
      _exit(1);
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) throw std::runtime_error("seeding failed");
  int64_t firstDue = 0;
  std::ifstream(dir + "/first_due") >> firstDue;
  return firstDue;
}

// --- measurements -------------------------------------------------------------------------

struct Snapshot {
  SteadyClock::time_point at;
  double cpu = 0;
  double polls = 0, pollErrors = 0, itemsNew = 0, done = 0, deliveries = 0;
};

Snapshot snap(sluice::Runner& runner) {
  Snapshot s;
  s.at = SteadyClock::now();
  s.cpu = cpuMs();
  auto& m = runner.metrics();
  s.polls = m.value("sluice_polls_total", {{"op", kOp}, {"result", "ok"}});
  s.pollErrors = m.value("sluice_polls_total", {{"op", kOp}, {"result", "error"}});
  s.itemsNew = m.value("sluice_items_new_total", {{"op", kOp}});
  s.done = m.value("sluice_deliveries_total", {{"outcome", "done"}});
  s.deliveries = m.value("sluice_delivery_duration_seconds");
  return s;
}

std::string get(const std::string& url) {
  auto transport = sluice::makePocoTransport();
  sluice::HttpRequest req;
  req.url = url;
  req.timeoutMs = 60000;
  return transport->send(req).body;
}

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t i = std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())));
  return v[i];
}

// Bare keep-alive round-trips through the same Poco transport to the same fake list endpoint
// a poll calls, from `threads` threads, for `ms` milliseconds.
double bareRoundTripsPerSecond(const std::string& stripeUrl, int flows, int threads, int ms) {
  auto transport = sluice::makePocoTransport();
  std::atomic<long> done{0};
  std::atomic<bool> failed{false};
  const auto until = SteadyClock::now() + std::chrono::milliseconds(ms);
  std::vector<std::thread> pool;
  const auto start = SteadyClock::now();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (long i = t; SteadyClock::now() < until; i += threads) {
        sluice::HttpRequest req;
        req.url = stripeUrl + "/v1/customers?limit=100&email=f" + std::to_string(i % flows) +
                  "%40bench.test";
        req.headers = {{"Authorization", std::string("Bearer ") + kStripeKey}};
        try {
          if (transport->send(req).status == 200) ++done;
        } catch (const std::exception&) {
          failed = true;
        }
      }
    });
  for (auto& t : pool) t.join();
  if (failed) std::fprintf(stderr, "bare round-trips: some requests failed\n");
  return static_cast<double>(done) / seconds(SteadyClock::now() - start);
}

std::string customerJson(long i) {
  return R"({"id":"cus_Commit)" + std::to_string(i) +
         R"(","object":"customer","address":null,"balance":0,"created":1760000000,)"
         R"("currency":"usd","delinquent":false,"description":null,"email":"c)" +
         std::to_string(i) +
         R"(@bench.test","invoice_prefix":"C","livemode":false,"metadata":{"plan":"pro"},)"
         R"("name":"Customer","phone":null,"preferred_locales":[],"tax_exempt":"none"})";
}

struct CommitRates {
  double commitsPerSecond = 0, rawSameBatchesPerSecond = 0, rawOneBatchRowsPerSecond = 0;
  double rawOwnSchemaPerSecond = 0;
  double concurrentCommitsPerSecond = 0;  // the same commits from 4 threads (group commit)
  double emptyCommitsPerSecond = 0;  // commitPoll of a poll that found nothing  // the same inserts
                                     // into sluice's own tables and indexes
  int commits = 0, itemsPerCommit = 0;
};

void exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string e = err ? err : "?";
    sqlite3_free(err);
    throw std::runtime_error("sqlite: " + e);
  }
}

// commitPoll (cursor upsert, seen ids, outbox rows, history, all in one transaction) against a
// raw SQLite insert of the same rows into plain tables, with the same journal settings and
// the same transaction per poll; and, for scale, the raw rows in batches of 1,000.
CommitRates commitRates(const std::string& dir, int commits, int items) {
  CommitRates out;
  out.commits = commits;
  out.itemsPerCommit = items;
  std::vector<std::string> rows;
  for (long i = 0; i < static_cast<long>(commits) * items; ++i) rows.push_back(customerJson(i));
  const std::string cursor = R"({"seeded":true,"wm":1760000000})";
  auto pollCommit = [&](int c) {
    sluice::PollCommit pc = benchCommit("trigger" + std::to_string(c % 100), kOp, "stripe", cursor);
    pc.cursorMoved = true;
    pc.nextDueMs = wallMs() + 60000;
    pc.history.startedMs = pc.history.finishedMs = wallMs();
    pc.history.cursorAfter = cursor;
    for (int i = 0; i < items; ++i) {
      const long r = static_cast<long>(c) * items + i;
      pc.seen.push_back({"cus_Commit" + std::to_string(r), ""});
      pc.items.push_back(
          {"f" + std::to_string(c % 100), "cus_Commit" + std::to_string(r), rows[r], ""});
    }
    return pc;
  };
  {
    // Polls that finish together on the runner's 4 workers: SQLite's group commit writes those
    // that wait for the writer in one transaction.
    auto state = sluice::openStateStore("sqlite:" + dir + "/commit-threads.db");
    constexpr int kThreads = 4;
    const auto start = SteadyClock::now();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&, t] {
        for (int c = t; c < commits; c += kThreads) state->commitPoll(pollCommit(c));
      });
    for (auto& th : threads) th.join();
    out.concurrentCommitsPerSecond = commits / seconds(SteadyClock::now() - start);
  }
  {
    auto state = sluice::openStateStore("sqlite:" + dir + "/commit.db");
    const auto start = SteadyClock::now();
    for (int c = 0; c < commits; ++c) state->commitPoll(pollCommit(c));
    out.commitsPerSecond = commits / seconds(SteadyClock::now() - start);
    // The common case of a steady installation: a poll that found nothing new (cursor,
    // schedule and history only).
    const auto emptyStart = SteadyClock::now();
    for (int c = 0; c < commits; ++c) {
      sluice::PollCommit pc =
          benchCommit("trigger" + std::to_string(c % 100), kOp, "stripe", cursor);
      pc.nextDueMs = wallMs() + 60000;
      pc.history.startedMs = pc.history.finishedMs = wallMs();
      pc.history.cursorBefore = pc.history.cursorAfter = cursor;
      state->commitPoll(pc);
    }
    out.emptyCommitsPerSecond = commits / seconds(SteadyClock::now() - emptyStart);
  }
  // ownSchema: into the tables and indexes sluice's migrations create (no lease check, no
  // history pruning, no statement cache or locking of the store around it).
  auto raw = [&](const std::string& file, int batch, bool ownSchema) {
    const std::string path = dir + "/" + file;
    if (ownSchema) sluice::openStateStore("sqlite:" + path);  // creates the schema
    sqlite3* db = nullptr;
    sqlite3_open(path.c_str(), &db);
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, "PRAGMA synchronous = NORMAL");
    if (!ownSchema)
      exec(db,
           "CREATE TABLE triggers(key TEXT, cursor_json TEXT, next_due_ms INTEGER);"
           "CREATE TABLE seen(trigger_key TEXT, item_key TEXT, version TEXT, seen_ms INTEGER);"
           "CREATE TABLE outbox(flow TEXT, item_key TEXT, item_json TEXT, created_ms INTEGER);"
           "CREATE TABLE history(trigger_key TEXT, started_ms INTEGER, cursor_after TEXT)");
    sqlite3_stmt *trig, *seen, *outbox, *hist;
    sqlite3_prepare_v2(db,
                       ownSchema ? "INSERT INTO triggers(key, cursor_json, next_due_ms) "
                                   "VALUES(?,?,?) ON CONFLICT(key) DO UPDATE SET "
                                   "cursor_json = excluded.cursor_json, "
                                   "next_due_ms = excluded.next_due_ms"
                                 : "INSERT INTO triggers VALUES(?,?,?)",
                       -1, &trig, nullptr);
    sqlite3_prepare_v2(db,
                       ownSchema ? "INSERT INTO seen(trigger_key, item_key, version, seen_ms) "
                                   "VALUES(?,?,'',?)"
                                 : "INSERT INTO seen VALUES(?,?,'',?)",
                       -1, &seen, nullptr);
    sqlite3_prepare_v2(db,
                       ownSchema ? "INSERT INTO outbox(flow, item_key, item_json, created_ms, "
                                   "next_attempt_ms) VALUES(?1,?2,?3,?4,?4)"
                                 : "INSERT INTO outbox VALUES(?,?,?,?)",
                       -1, &outbox, nullptr);
    sqlite3_prepare_v2(db,
                       ownSchema ? "INSERT INTO history(trigger_key, started_ms, finished_ms, "
                                   "cursor_after) VALUES(?1,?2,?2,?3)"
                                 : "INSERT INTO history VALUES(?,?,?)",
                       -1, &hist, nullptr);
    const auto start = SteadyClock::now();
    int inBatch = 0;
    auto step = [](sqlite3_stmt* s) {
      sqlite3_step(s);
      sqlite3_reset(s);
    };
    for (int c = 0; c < commits; ++c) {
      if (inBatch == 0) exec(db, "BEGIN");
      const std::string key = "trigger" + std::to_string(c % 100);
      const int64_t now = wallMs();
      sqlite3_bind_text(trig, 1, key.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(trig, 2, cursor.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(trig, 3, now);
      step(trig);
      for (int i = 0; i < items; ++i) {
        const long r = static_cast<long>(c) * items + i;
        const std::string item = "cus_Commit" + std::to_string(r);
        const std::string flow = "f" + std::to_string(c % 100);
        sqlite3_bind_text(seen, 1, key.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(seen, 2, item.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(seen, 3, now);
        step(seen);
        sqlite3_bind_text(outbox, 1, flow.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(outbox, 2, item.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(outbox, 3, rows[r].c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(outbox, 4, now);
        step(outbox);
      }
      sqlite3_bind_text(hist, 1, key.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(hist, 2, now);
      sqlite3_bind_text(hist, 3, cursor.c_str(), -1, SQLITE_TRANSIENT);
      step(hist);
      inBatch += 2 + 2 * items;
      if (inBatch >= batch || c == commits - 1) {
        exec(db, "COMMIT");
        inBatch = 0;
      }
    }
    const double elapsed = seconds(SteadyClock::now() - start);
    for (auto* s : {trig, seen, outbox, hist}) sqlite3_finalize(s);
    sqlite3_close(db);
    return elapsed;
  };
  // Same rows, one transaction per poll (batch = the rows of one commit).
  out.rawSameBatchesPerSecond = commits / raw("raw1.db", 1, false);
  const double big = raw("raw2.db", 1000, false);
  out.rawOwnSchemaPerSecond = commits / raw("raw3.db", 1, true);
  out.rawOneBatchRowsPerSecond = commits * (2.0 + 2.0 * items) / big;
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "sluice-bench-e2e: %s needs a value\n", a.c_str());
        std::exit(64);
      }
      return argv[++i];
    };
    if (a == "--flows")
      o.flows = std::atoi(next().c_str());
    else if (a == "--seconds")
      o.seconds = std::atoi(next().c_str());
    else if (a == "--idle")
      o.idle = std::atoi(next().c_str());
    else if (a == "--rate")
      o.rate = std::atof(next().c_str());
    else if (a == "--every")
      o.every = next();
    else if (a == "--workers")
      o.workers = std::atoi(next().c_str());
    else if (a == "--burst")
      o.burst = std::atoi(next().c_str());
    else if (a == "--drain")
      o.drain = std::atoi(next().c_str());
    else if (a == "--commit-only")
      o.commitOnly = true;
    else if (a == "--startup-only")
      o.startupOnly = true;
    else if (a == "--keep")
      o.keep = next();
    else {
      std::fprintf(stderr,
                   "usage: sluice-bench-e2e --flows N [--seconds S] [--idle I] [--rate R] "
                   "[--every 1m] [--workers W] [--burst K] [--drain D] [--keep DIR]\n");
      return a == "--help" ? 0 : 64;
    }
  }
  if (o.flows < 1 || o.flows > 1000000 || o.rate <= 0 || o.seconds < 1 || o.idle < 1) {
    std::fprintf(stderr, "sluice-bench-e2e: bad options\n");
    return 64;
  }
  signal(SIGPIPE, SIG_IGN);
  if (o.commitOnly) {
    const std::string dir =
        (fs::temp_directory_path() / ("sluice-bench-" + std::to_string(getpid()))).string();
    fs::create_directories(dir);
    const CommitRates c = commitRates(dir, 2000, 10);
    std::printf(
        "commitPoll/s %.0f, raw 1 txn/poll %.0f/s (ratio %.2f), raw 1000 rows/txn %.0f "
        "rows/s, raw into sluice's schema 1 txn/poll %.0f/s (ratio %.2f), empty commitPoll/s "
        "%.0f, commitPoll/s from 4 threads %.0f (ratio %.2f)\n",
        c.commitsPerSecond, c.rawSameBatchesPerSecond,
        c.commitsPerSecond / c.rawSameBatchesPerSecond, c.rawOneBatchRowsPerSecond,
        c.rawOwnSchemaPerSecond, c.commitsPerSecond / c.rawOwnSchemaPerSecond,
        c.emptyCommitsPerSecond, c.concurrentCommitsPerSecond,
        c.concurrentCommitsPerSecond / c.rawSameBatchesPerSecond);
    fs::remove_all(dir);
    return 0;
  }
  // Fork the fakes before this process has any thread.
  Child fakes = startFakes(o);
  std::istringstream ports(fakes.line());
  int stripePort = 0, ghlPort = 0;
  ports >> stripePort >> ghlPort;
  if (!stripePort || !ghlPort) {
    std::fprintf(stderr, "sluice-bench-e2e: the fakes did not start\n");
    return 69;
  }
  const std::string stripeUrl = "http://127.0.0.1:" + std::to_string(stripePort);
  const std::string ghlUrl = "http://127.0.0.1:" + std::to_string(ghlPort);
  const std::string dir =
      o.keep.empty()
          ? (fs::temp_directory_path() / ("sluice-bench-" + std::to_string(getpid()))).string()
          : o.keep;
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string configFile = dir + "/sluice.yaml";
  sluice::bench::writeConfig(configFile, {o.flows, o.every, o.workers}, stripeUrl, ghlUrl, dir);
  const auto everyMs = sluice::parseDurationMs(o.every).value_or(60000);

  std::printf(
      "sluice-bench-e2e: %d flows, every %s, %.1f items/s, %d workers, idle %d s, "
      "stream %d s; work dir %s\n",
      o.flows, o.every.c_str(), o.rate, o.workers, o.idle, o.seconds, dir.c_str());
  std::fflush(stdout);
  const auto seedStart = SteadyClock::now();
  // First due times leave room for the start-up, so the idle window starts in steady state.
  // Room for the start-up (about 0.15 ms per flow, most of it YAML parsing) before the first
  // poll is due, so the idle window starts in steady state.
  const int64_t firstDue = seedState(configFile, dir, 3000 + o.flows / 5);
  const double seedS = seconds(SteadyClock::now() - seedStart);
  // The seeded state on disk before anything is timed: the kernel writing it back would
  // otherwise share the cores with the start-up (one of two parts of the config read in
  // parallel took 1.5x the other).
  sync();

  std::ofstream logFile(dir + "/sluice.log");
  sluice::Logger::instance().setSink(&logFile);
  sluice::Logger::instance().setLevel(sluice::LogLevel::Warn);
  const double rssBase = rssMiB();

  // --- start-up: catalog, config, state, runner (what `sluice run` does before its loop) ---
  const auto t0 = SteadyClock::now();
  // As `sluice run` does: the transport first, its CA store loading while the file is read.
  auto transport = sluice::makePocoTransport();
  const sluice::Catalog catalog = sluice::Catalog::load(SLUICE_CATALOG_PATH);
  const auto t1 = SteadyClock::now();
  const double rssCatalog = rssMiB();
  sluice::Config config = sluice::loadConfig(configFile, catalog, &benchEnv());
  const auto t2 = SteadyClock::now();
  malloc_trim(0);  // as `sluice run` does after loading its file
  const double rssConfig = rssMiB();
  const double liveConfigMiB = static_cast<double>(mallinfo2().uordblks) / (1024.0 * 1024.0);
  auto state = sluice::openStateStore(config.state);
  sluice::SystemClock clock;
  const auto t3 = SteadyClock::now();
  auto runner = std::make_unique<sluice::Runner>(catalog, config, *state, *transport, clock);
  const auto t4 = SteadyClock::now();
  const double rssStarted = rssMiB();
  if (o.startupOnly) {
    std::printf(
        "start-up %.0f ms (catalog %.0f, config %.0f, state %.0f, runner %.0f); resident "
        "MiB: base %.1f, catalog %.1f, config %.1f (heap in use %.1f), runner %.1f (%.2f KiB "
        "per flow), peak %.1f\n",
        seconds(t4 - t0) * 1000, seconds(t1 - t0) * 1000, seconds(t2 - t1) * 1000,
        seconds(t3 - t2) * 1000, seconds(t4 - t3) * 1000, rssBase, rssCatalog, rssConfig,
        liveConfigMiB, rssStarted, (rssStarted - rssCatalog) * 1024 / o.flows, peakRssMiB());
    runner.reset();
    fakes.send('q');
    waitpid(fakes.pid, nullptr, 0);
    if (o.keep.empty()) fs::remove_all(dir);
    return 0;
  }

  std::thread loop([&] { runner->run(false); });
  // Idle polling: no new items.
  while (wallMs() < firstDue) std::this_thread::sleep_for(20ms);
  const Snapshot idle0 = snap(*runner);
  std::this_thread::sleep_for(std::chrono::seconds(o.idle));
  const Snapshot idle1 = snap(*runner);

  // The steady stream.
  fakes.send('p');
  const Snapshot stream0 = snap(*runner);
  double peakDeliveries = 0;
  Snapshot last = stream0;
  // Resident memory over a long stream (a soak: --seconds 3600): taken once the first twelfth
  // has passed (caches and the state file warm), then its highest.
  double rssWarm = 0, rssStreamMax = 0;
  auto sample = [&] {
    std::this_thread::sleep_for(1s);
    const Snapshot now = snap(*runner);
    if (rssWarm == 0 && now.at - stream0.at >= std::chrono::seconds(o.seconds) / 12)
      rssWarm = rssMiB();
    if (rssWarm > 0) rssStreamMax = std::max(rssStreamMax, rssMiB());
    peakDeliveries = std::max(peakDeliveries, (now.done - last.done) / seconds(now.at - last.at));
    last = now;
  };
  while (SteadyClock::now() - stream0.at < std::chrono::seconds(o.seconds)) sample();
  const Snapshot stream1 = snap(*runner);
  const double rssStream = rssMiB();
  fakes.send('s');
  const long produced = std::stol(fakes.line());

  // Drain: every item's trigger polls within one interval.
  const auto drainStart = SteadyClock::now();
  while (SteadyClock::now() - drainStart < std::chrono::seconds(o.drain) &&
         last.done < static_cast<double>(produced))
    sample();
  const Snapshot end = snap(*runner);
  const auto lateness = runner->metrics().histogram("sluice_poll_lateness_seconds");
  const double lateMax = runner->metrics().value("sluice_poll_lateness_max_seconds");
  const double late = runner->metrics().value("sluice_polls_late_total");
  const auto lag = runner->metrics().histogram("sluice_delivery_lag_seconds");
  const auto scrapeStart = SteadyClock::now();
  const size_t scrapeBytes = runner->metrics().render().size();
  const double scrapeMs = seconds(SteadyClock::now() - scrapeStart) * 1000;
  runner->requestStop();
  loop.join();
  runner.reset();
  // Polls on the schedule only (idle, stream and drain): the capacity runs below force theirs.
  const auto [meanIntervalMs, intervals] = meanPollInterval(dir + "/state.db", firstDue);

  // Latency: the customer's creation (its name) to the GHL upsert (the fake's effect time).
  std::vector<double> latency;
  std::set<std::string> uniqueItems;
  long upserts = 0;
  {
    sluice::JsonDoc effects;
    sluice::parseJson(get(ghlUrl + "/_control/effects"), effects);
    const std::regex created("\"name\":\"t([0-9]+)\"");
    if (effects.IsObject() && effects.HasMember("effects"))
      for (const auto& e : effects["effects"].GetArray()) {
        std::smatch m;
        const std::string body = e["body"].GetString();
        if (!std::regex_search(body, m, created)) continue;
        ++upserts;
        // Two customers of one flow made in the same millisecond share a name; the email
        // tells them apart.
        std::smatch email;
        std::regex_search(body, email, std::regex("\"email\":\"([^\"]*)\""));
        if (!uniqueItems.insert(m[1].str() + "/" + email[1].str()).second) continue;
        latency.push_back(static_cast<double>(e["at_ms"].GetInt64() - std::stoll(m[1])) / 1000);
      }
  }

  // --- capacity: K triggers polled at once, against bare round-trips to the same fake ---
  const int k = std::min(o.burst, o.flows);
  double burstPollsPerS = 0, burstCpuPerPoll = 0;
  double burstDeliveriesPerS = 0, burstCpuPerDelivery = 0;
  const int m = std::min(2000, std::max(k, 200));
  {
    const std::string burstFile = dir + "/burst.yaml";
    sluice::bench::writeConfig(burstFile, {k, o.every, o.workers}, stripeUrl, ghlUrl, dir);
    sluice::Config burst = sluice::loadConfig(burstFile, catalog, &benchEnv());
    sluice::Runner r(catalog, burst, *state, *transport, clock);
    const double c0 = cpuMs();
    const auto b0 = SteadyClock::now();
    r.pollAllNow();
    const double s = seconds(SteadyClock::now() - b0);
    burstPollsPerS = k / s;
    burstCpuPerPoll = (cpuMs() - c0) / k;
    // Deliveries at capacity: m items put in the outbox at once for the first k flows, then
    // delivered (one GHL upsert each, against the fake).
    sluice::PollCommit items;
    items.triggerKey = "bench-deliveries";
    items.op = kOp;
    items.connection = "stripe";
    items.cursorJson = "{}";
    items.history.triggerKey = items.triggerKey;
    items.history.startedMs = items.history.finishedMs = wallMs();
    items.nextDueMs = wallMs() + 3600 * 1000;
    for (int i = 0; i < m; ++i)
      items.items.push_back(
          {"f" + std::to_string(i % k), "cus_Capacity" + std::to_string(i), customerJson(i), ""});
    state->commitPoll(items);
    const double d0 = cpuMs();
    const auto e0 = SteadyClock::now();
    r.drainOutbox();
    burstDeliveriesPerS = m / seconds(SteadyClock::now() - e0);
    burstCpuPerDelivery = (cpuMs() - d0) / m;
  }
  const double bare = bareRoundTripsPerSecond(stripeUrl, k, o.workers, 3000);
  const CommitRates commit = commitRates(dir, 2000, 10);

  fakes.send('q');
  int status = 0;
  waitpid(fakes.pid, &status, 0);
  sluice::Logger::instance().setSink(nullptr);
  logFile.flush();
  long lateLines = 0;
  {
    std::ifstream in(dir + "/sluice.log");
    for (std::string line; std::getline(in, line);)
      lateLines += line.find(" poll.late ") != std::string::npos;
  }

  // --- report ---
  const double idleS = seconds(idle1.at - idle0.at), streamS = seconds(stream1.at - stream0.at);
  const double idlePolls = idle1.polls - idle0.polls;
  const double cpuPerPoll = idlePolls > 0 ? (idle1.cpu - idle0.cpu) / idlePolls : 0;
  const double streamPolls = stream1.polls - stream0.polls;
  // Items, deliveries and their CPU: from the stream's start to the last delivery (an item
  // waits up to one interval for its trigger's next poll, so the stream alone undercounts).
  const double flowS = seconds(end.at - stream0.at);
  const double flowDone = end.done - stream0.done;
  const double flowCpu = end.cpu - stream0.cpu;
  const double startupMs = seconds(t4 - t0) * 1000;
  const double rowsPerCommit = 2.0 + 2.0 * commit.itemsPerCommit;
  auto row = [](const char* name, const std::string& value) {
    std::printf("  %-44s %s\n", name, value.c_str());
  };
  auto f = [](const char* fmt, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, fmt, v);
    return std::string(buf);
  };
  std::printf("\nresults for %d flows (%d triggers), every %s\n", o.flows, o.flows,
              o.every.c_str());
  row("seeding the state (not timed below)", f("%.1f s", seedS));
  row("start-up total", f("%.0f ms", startupMs));
  row("  catalog load", f("%.0f ms", seconds(t1 - t0) * 1000));
  row("  config load and validation", f("%.0f ms", seconds(t2 - t1) * 1000));
  row("  state store open", f("%.0f ms", seconds(t3 - t2) * 1000));
  row("  runner (triggers from the state)", f("%.0f ms", seconds(t4 - t3) * 1000));
  row("resident memory: before start-up", f("%.1f MiB", rssBase));
  row("resident memory: after catalog", f("%.1f MiB", rssCatalog));
  row("resident memory: after config",
      f("%.1f MiB", rssConfig) + f(" (heap in use %.1f MiB)", liveConfigMiB));
  row("resident memory: after start-up", f("%.1f MiB", rssStarted));
  row("resident memory: end of stream", f("%.1f MiB", rssStream));
  row("resident memory: stream after its first twelfth / highest after it",
      f("%.1f", rssWarm) + " / " + f("%.1f MiB", rssStreamMax) + " (" +
          f("%+.1f %%", rssWarm > 0 ? (rssStreamMax - rssWarm) * 100 / rssWarm : 0.0) + ")");
  row("resident memory: peak (VmHWM)", f("%.1f MiB", peakRssMiB()));
  row("resident memory per flow (after start-up)",
      f("%.2f KiB", (rssStarted - rssCatalog) * 1024 / o.flows));
  row("polls/s idle (schedule: flows / interval)",
      f("%.1f", idlePolls / idleS) + f(" (expected %.1f)", o.flows * 1000.0 / everyMs));
  row(("mean poll interval (every " + o.every + ")").c_str(),
      f("%.3f s", meanIntervalMs / 1000) +
          f(" (%+.2f %%", (meanIntervalMs - everyMs) * 100.0 / everyMs) +
          f(" over %.0f intervals)", static_cast<double>(intervals)));
  row("CPU per poll (idle window)", f("%.3f ms", cpuPerPoll));
  row("polls/s during stream", f("%.1f", streamPolls / streamS));
  row("stream start to last delivery", f("%.1f s", flowS));
  row("new items/s (stream start to last delivery)",
      f("%.1f", (end.itemsNew - stream0.itemsNew) / flowS) +
          f(" (produced %.1f/s while streaming)", o.rate));
  row("deliveries/s (stream start to last delivery)", f("%.1f", flowDone / flowS));
  row("deliveries/s, busiest 1 s", f("%.0f", peakDeliveries));
  row("CPU use, stream start to last delivery", f("%.1f %% of one core", flowCpu / (flowS * 10)));
  row("items produced / delivered", std::to_string(produced) + " / " +
                                        std::to_string(static_cast<long>(end.done)) +
                                        f(" (poll errors %.0f)", end.pollErrors));
  row("GHL upserts / distinct items among them",
      std::to_string(upserts) + " / " + std::to_string(uniqueItems.size()));
  row("latency creation -> action p50", f("%.2f s", percentile(latency, 0.50)));
  row("latency creation -> action p99", f("%.2f s", percentile(latency, 0.99)));
  row("latency creation -> action max", f("%.2f s", percentile(latency, 1.0)));
  row("  of it outbox -> done p99 (bucket bound)", f("<= %.2f s", lag.quantileUpperBound(0.99)));
  row("poll lateness p50 / p99 (bucket bounds)",
      f("<= %.3f s", lateness.quantileUpperBound(0.5)) +
          f(" / <= %.3f s", lateness.quantileUpperBound(0.99)));
  row("poll lateness max", f("%.3f s", lateMax));
  row("polls more than 1 s late", f("%.0f", late) +
                                      f(" of %.0f", static_cast<double>(lateness.count)) + " (" +
                                      std::to_string(lateLines) + " poll.late warnings)");
  row("/metrics render", f("%.0f ms", scrapeMs) + f(", %.0f KiB", scrapeBytes / 1024.0));
  row("capacity: polls/s, triggers all due at once",
      f("%.0f", burstPollsPerS) + " (" + std::to_string(k) + " triggers)");
  row("  CPU per poll at capacity", f("%.3f ms", burstCpuPerPoll));
  row("capacity: deliveries/s, outbox full at once",
      f("%.0f", burstDeliveriesPerS) + " (" + std::to_string(m) + " items)");
  row("  CPU per delivery at capacity", f("%.3f ms", burstCpuPerDelivery));
  row("bare keep-alive round-trips/s, same fake", f("%.0f", bare));
  row("RATIO polls/s : bare round-trips/s", f("%.2f", burstPollsPerS / bare));
  row("commitPoll/s (10 items + 10 seen ids each)", f("%.0f", commit.commitsPerSecond));
  row("commitPoll/s from 4 threads (group commit)", f("%.0f", commit.concurrentCommitsPerSecond));
  row("RATIO 4-thread commit rate : raw rate (1 txn/poll)",
      f("%.2f", commit.concurrentCommitsPerSecond / commit.rawSameBatchesPerSecond));
  row("commitPoll/s of polls that found nothing", f("%.0f", commit.emptyCommitsPerSecond));
  row("raw SQLite inserts, same rows, 1 txn/poll",
      f("%.0f polls/s", commit.rawSameBatchesPerSecond));
  row("RATIO commit rate : raw rate (1 txn/poll)",
      f("%.2f", commit.commitsPerSecond / commit.rawSameBatchesPerSecond));
  row("raw SQLite, same rows, 1000 rows/txn",
      f("%.0f rows/s", commit.rawOneBatchRowsPerSecond) +
          f(" = %.0f polls/s", commit.rawOneBatchRowsPerSecond / rowsPerCommit));
  row("raw SQLite, same rows into sluice's schema",
      f("%.0f polls/s (1 txn/poll)", commit.rawOwnSchemaPerSecond));
  row("RATIO commit rate : raw into sluice's schema",
      f("%.2f", commit.commitsPerSecond / commit.rawOwnSchemaPerSecond));
  row("RATIO commit rate : raw rate (1000 rows/txn)",
      f("%.2f", commit.commitsPerSecond * rowsPerCommit / commit.rawOneBatchRowsPerSecond));
  if (o.keep.empty()) fs::remove_all(dir);
  return 0;
}
