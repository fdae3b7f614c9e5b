// Micro benchmarks (Google Benchmark) of the hot paths of one poll and one delivery:
// template rendering, record extraction from a 100-record Stripe page, the dedupe check,
// form encoding, cursor serialization. Not part of the test suite; run by scripts/bench.sh.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_commit.h"
#include "catalog/catalog.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/form_encoding.h"
#include "core/http.h"
#include "core/json.h"
#include "core/template.h"
#include "core/value_template.h"
#include "core/yaml_reader.h"
#include "http/client_registry.h"
#include "poll/trigger_poller.h"
#include "poll/trigger_spec.h"
#include "state/state_store.h"

namespace sluice {
namespace {

constexpr int64_t kCreated = 1'760'000'000;

// One Stripe customer as the API lists it (about 700 bytes).
std::string customerJson(int i, int64_t created) {
  const std::string n = std::to_string(i);
  return R"({"id":"cus_Bench)" + n + R"(","object":"customer","address":null,"balance":0,)" +
         R"("created":)" + std::to_string(created) +
         R"(,"currency":"usd","default_source":null,"delinquent":false,)"
         R"("description":"Customer )" +
         n + R"(","discount":null,"email":"customer)" + n + R"(@example.com","invoice_prefix":"B)" +
         n +
         R"(","invoice_settings":{"custom_fields":null,"default_payment_method":null,)"
         R"("footer":null,"rendering_options":null},"livemode":false,)"
         R"("metadata":{"plan":"pro","source":"bench"},"name":"Customer )" +
         n +
         R"(","next_invoice_sequence":1,"phone":"+15555550100","preferred_locales":[],)"
         R"("shipping":null,"tax_exempt":"none","test_clock":null})";
}

// A newest-first page of 100 customers, as GET /v1/customers answers.
std::string stripePage(int count = 100) {
  std::string body = R"({"object":"list","data":[)";
  for (int i = 0; i < count; ++i) body += (i ? "," : "") + customerJson(i, kCreated - i);
  return body + R"(],"has_more":false,"url":"/v1/customers"})";
}

// --- template rendering -------------------------------------------------------------------

void BM_TemplateRenderText(benchmark::State& state) {
  JsonDoc item;
  parseJson(customerJson(7, kCreated), item);
  const Template t = Template::compile(
      "Hello {{trigger.name | default('there')}} <{{trigger.email | lower}}>, plan "
      "{{trigger.metadata.plan | upper}}, since {{trigger.created | date('%Y-%m-%d')}}");
  MapScope scope;
  scope.set("trigger", &item);
  for (auto _ : state) benchmark::DoNotOptimize(t.renderText(scope));
}
BENCHMARK(BM_TemplateRenderText);

// A step's `with:` mapping, rendered as the dispatcher does for every action call.
void BM_TemplateRenderStepMapping(benchmark::State& state) {
  JsonDoc item;
  parseJson(customerJson(7, kCreated), item);
  const ValueTemplate with = ValueTemplate::fromYaml(
      loadYamlText(
          "{ email: \"{{trigger.email}}\", name: \"{{trigger.name}}\", "
          "source: \"stripe {{trigger.id}}\", tags: [stripe, \"{{trigger.metadata.plan}}\"], "
          "amount: \"{{trigger.balance}}\" }",
          "bench.yaml", YamlDomain::Config),
      "bench.yaml", YamlDomain::Config);
  MapScope scope;
  scope.set("trigger", &item);
  for (auto _ : state) {
    JsonDoc scratch;
    benchmark::DoNotOptimize(with.render(scope, scratch.GetAllocator()));
  }
}
BENCHMARK(BM_TemplateRenderStepMapping);

// --- record extraction --------------------------------------------------------------------

// What the poller does with a page: parse, find the records, and per record its id, its JSON
// for the outbox and its ordering value.
void BM_ExtractRecordsFromStripePage100(benchmark::State& state) {
  const std::string body = stripePage(100);
  for (auto _ : state) {
    JsonDoc doc;
    parseJson(body, doc);
    const JsonValue* data = jsonAt(doc, "/data");
    size_t bytes = 0;
    for (const auto& item : data->GetArray()) {
      const JsonValue* id = jsonAt(item, "/id");
      const std::string key = jsonText(*id);
      const std::string json = toJson(item);
      const JsonValue* created = jsonAt(item, "/created");
      bytes += key.size() + json.size() + (created ? 1 : 0);
    }
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * 100);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body.size()));
}
BENCHMARK(BM_ExtractRecordsFromStripePage100);

// The whole poll of one page through TriggerPoller (catalog pagination, request building,
// extraction, dedupe against SQLite, the next cursor), with a transport that answers from
// memory: a steady-state page whose 100 customers were all seen before.
class PageTransport : public HttpTransport {
 public:
  explicit PageTransport(std::string body) : body_(std::move(body)) {}
  HttpResponse send(const HttpRequest&) override {
    HttpResponse r;
    r.status = 200;
    r.headers = {{"Content-Type", "application/json"}};
    r.body = body_;
    return r;
  }

 private:
  std::string body_;
};

std::string tempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("sluice-bench-" + std::to_string(getpid()) + "-" + name))
      .string();
}

void BM_PollStripePage100AllSeen(benchmark::State& state) {
  static const Catalog catalog = Catalog::load(SLUICE_CATALOG_PATH);
  const std::map<std::string, std::string> env = {{"K", "sk_test_benchkey000"}};
  const Config config = loadConfigText(
      "connections:\n  stripe: { app: stripe, api_key: \"${K}\", base_url: http://127.0.0.1:9,"
      " rate_limit: { requests: 100000000, per: 1s } }\n"
      "flows:\n  - name: f\n    trigger: { op: stripe.customers.new_customer, connection: stripe "
      "}\n"
      "    steps: [ { op: stripe.customers.update_customer, connection: stripe, with: { customer: "
      "\"{{trigger.id}}\" } } ]\n",
      "bench.yaml", catalog, &env);
  const std::string db = tempPath("poll.db");
  {
    auto store = openStateStore("sqlite:" + db);
    PageTransport transport(stripePage(100));
    SystemClock clock;
    ClientRegistry clients(config, catalog, transport, store.get(), clock,
                           [](int64_t) { return true; });
    const TriggerSpec spec = makeTriggerSpec(config.flows[0], config, catalog);
    TriggerPoller poller(clients.get("stripe"), *store, clock);
    PollResult first = poller.poll(spec);  // seeds: every customer is seen from now on
    first.commit.nextDueMs = clock.nowMs();
    store->commitPoll(first.commit);
    for (auto _ : state) {
      PollResult r = poller.poll(spec);
      if (!r.ok || !r.commit.items.empty()) {
        state.SkipWithError(r.ok ? "the poll found new items" : r.error.c_str());
        break;
      }
      benchmark::DoNotOptimize(r);
    }
    state.SetItemsProcessed(state.iterations() * 100);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
}
BENCHMARK(BM_PollStripePage100AllSeen)->Unit(benchmark::kMicrosecond);

// --- the dedupe check ---------------------------------------------------------------------

// seenVersions for a page of 100 ids against a trigger that has seen 10,000 (half of the
// page is among them), on the SQLite store in WAL mode.
void BM_DedupeSeenVersions100(benchmark::State& state) {
  const std::string db = tempPath("dedupe.db");
  {
    auto store = openStateStore("sqlite:" + db);
    PollCommit c = bench::benchCommit("bench-trigger", "stripe.customers.new_customer", "stripe");
    for (int i = 0; i < 10000; ++i) c.seen.push_back({"cus_Bench" + std::to_string(i), ""});
    store->commitPoll(c);
    std::vector<std::string> keys;
    for (int i = 0; i < 100; ++i) keys.push_back("cus_Bench" + std::to_string(9950 + i));
    for (auto _ : state) {
      auto found = store->seenVersions("bench-trigger", keys);
      if (found.size() != 50) state.SkipWithError("unexpected dedupe result");
      benchmark::DoNotOptimize(found);
    }
    state.SetItemsProcessed(state.iterations() * 100);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
}
BENCHMARK(BM_DedupeSeenVersions100)->Unit(benchmark::kMicrosecond);

// The commit of a poll that read 100 records it had seen: with the same versions (a list
// read whole with nothing new: no seen row is written) and with every version changed (each
// row written, as every unchanged one was before kSeenRefreshMs).
void commitPoll100Seen(benchmark::State& state, bool changed) {
  const std::string db = tempPath(changed ? "seen-changed.db" : "seen-again.db");
  {
    auto store = openStateStore("sqlite:" + db);
    PollCommit c =
        bench::benchCommit("bench-trigger", "ghl.contacts.list_contacts_deprecated", "ghl");
    for (int i = 0; i < 100; ++i) c.seen.push_back({"contact" + std::to_string(i), "v0"});
    SystemClock clock;
    int64_t round = 0;
    for (auto _ : state) {
      ++round;
      if (changed)
        for (auto& entry : c.seen) entry.version = "v" + std::to_string(round);
      c.history.startedMs = c.history.finishedMs = clock.nowMs();
      store->commitPoll(c);
    }
    state.SetItemsProcessed(state.iterations() * 100);
  }
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(db + suffix);
}
void BM_CommitPoll100SeenAgain(benchmark::State& state) {
  commitPoll100Seen(state, false);
}
void BM_CommitPoll100SeenChanged(benchmark::State& state) {
  commitPoll100Seen(state, true);
}
BENCHMARK(BM_CommitPoll100SeenAgain)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CommitPoll100SeenChanged)->Unit(benchmark::kMicrosecond);

// --- form encoding ------------------------------------------------------------------------

void BM_FormEncodeStripeBody(benchmark::State& state) {
  JsonDoc body;
  parseJson(
      R"({"customer":"cus_Bench7","description":"Pro plan, renewed",)"
      R"("metadata":{"plan":"pro","source":"sluice","note":"a & b = c"},)"
      R"("items":[{"price":"price_1Nabc","quantity":1},{"price":"price_2Xyz","quantity":2}],)"
      R"("expand":["latest_invoice.payment_intent"],"collection_method":"charge_automatically",)"
      R"("trial_period_days":14,"off_session":true})",
      body);
  for (auto _ : state) benchmark::DoNotOptimize(formEncode(body));
}
BENCHMARK(BM_FormEncodeStripeBody);

// --- cursor serialization -----------------------------------------------------------------

// The poller's cursor, as it builds and stores it after every poll: {"seeded", "wm",
// "sweep": {"next": {"page", "offset", "params"}, "top"}}.
void BM_CursorSerialize(benchmark::State& state) {
  for (auto _ : state) {
    JsonDoc next(rapidjson::kObjectType);
    auto& na = next.GetAllocator();
    next.AddMember("seeded", true, na);
    next.AddMember("wm", JsonValue(static_cast<int64_t>(kCreated)), na);
    JsonValue sweep(rapidjson::kObjectType), pos(rapidjson::kObjectType),
        params(rapidjson::kObjectType);
    params.AddMember("starting_after", jsonString("cus_Bench99", na), na);
    pos.AddMember("page", JsonValue(static_cast<int64_t>(1)), na);
    pos.AddMember("offset", JsonValue(static_cast<int64_t>(0)), na);
    pos.AddMember("params", params, na);
    sweep.AddMember("next", pos, na);
    sweep.AddMember("top", JsonValue(static_cast<int64_t>(kCreated + 5)), na);
    next.AddMember("sweep", sweep, na);
    benchmark::DoNotOptimize(toJson(next));
  }
}
BENCHMARK(BM_CursorSerialize);

void BM_CursorParse(benchmark::State& state) {
  const std::string text = R"({"seeded":true,"wm":1760000000,"sweep":{"next":{"page":1,"offset":0,)"
                           R"("params":{"starting_after":"cus_Bench99"}},"top":1760000005}})";
  for (auto _ : state) {
    JsonDoc cursor;
    parseJson(text, cursor);
    benchmark::DoNotOptimize(cursor["seeded"].GetBool());
  }
}
BENCHMARK(BM_CursorParse);

}  // namespace
}  // namespace sluice

BENCHMARK_MAIN();
