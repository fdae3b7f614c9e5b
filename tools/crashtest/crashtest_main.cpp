// sluice-crashtest: kills `sluice run` with SIGKILL at random moments while the fakes produce
// a steady stream of new Stripe customers, restarts it, and at the end proves that every
// customer was delivered exactly once: one GHL contact, one tag set, one note each, and that
// every call with an effect was made once: one upsert, one tag call and one note per customer
// (a second write counts as a double even when the final records look right).
//
//   sluice-crashtest [--cycles N] [--seed S] [--tenants N] [--sluice PATH] [--keep DIR]
//
// With --tenants N the customers come from N Stripe connected accounts (one flow over
// `accounts: all`) and go to N GHL sub-accounts (an agency connection with `locations: all`,
// connected with `sluice connect`), each account paired with its sub-account by metadata; a
// contact in any other sub-account than its pair's counts as lost.
//
// The fakes run inside this process, so they survive every kill. Faults (503s, answers dropped
// or cut off after the call landed, unreadable answers, slow polls) are injected now and then
// so that kills also land during retry waits and interrupted calls. Prints cycles, items,
// lost, duplicated (records) and doubled_calls (upserts, tag calls, notes).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <rapidjson/document.h>

#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_stripe.h"
#include "tools/process/spawn_logged.h"

namespace {

namespace process = sluice::process;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

struct Options {
  int cycles = 30;
  unsigned seed = 0;
  int tenants = 0;  // 0: one account, one sub-account
  std::string sluice = SLUICE_BINARY_PATH;
  std::string keep;
  int minRunMs = 150;
  int maxRunMs = 900;
};

pid_t spawnSluice(const std::string& binary, std::vector<std::string> args,
                  const std::string& log) {
  args.insert(args.begin(), binary);
  return process::spawnLogged(std::move(args), log);
}

pid_t startSluice(const std::string& binary, const std::string& config, const std::string& log) {
  return spawnSluice(binary, {"run", "-c", config}, log);
}

int waitExit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid)
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(10ms);
  }
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return -1;
}

// The agency version of the connections: a platform over its connected accounts, and an
// agency over its sub-accounts, paired by the account's metadata.
std::string tenantConnections(const sluice::fakes::FakeStripe& stripe,
                              const sluice::fakes::FakeGhl& ghl) {
  return "  stripe: { app: stripe, api_key: \"${CRASH_STRIPE_KEY}\", base_url: " +
         stripe.baseUrl() +
         ", timeout: 2s, accounts: all }\n"
         "  ghl: { app: ghl, client_id: crash-client, client_secret: \"${CRASH_GHL_TOKEN}\", "
         "user_type: Company, company_id: " +
         ghl.companyId() +
         ", app_id: app_fake_0001, redirect_uri: http://127.0.0.1:1/cb, locations: all, "
         "base_url: " +
         ghl.baseUrl() + ", timeout: 2s, rate_limit: { requests: 100000, per: 10s } }\n";
}

std::string config(const sluice::fakes::FakeStripe& stripe, const sluice::fakes::FakeGhl& ghl,
                   bool tenants) {
  const std::string connections =
      tenants ? tenantConnections(stripe, ghl)
              : "  stripe: { app: stripe, api_key: \"${CRASH_STRIPE_KEY}\", base_url: " +
                    stripe.baseUrl() +
                    ", timeout: 2s }\n"
                    "  ghl: { app: ghl, token: \"${CRASH_GHL_TOKEN}\", location_id: " +
                    ghl.locationId() + ", base_url: " + ghl.baseUrl() +
                    ", timeout: 2s, rate_limit: { requests: 100000, per: 10s } }\n";
  return "# Written by sluice-crashtest.\n"
         "state: sqlite:state.db\n"
         "settings: { demo_mode: true, workers: 4, max_attempts: 50, max_retry_delay: 2s }\n"
         "connections:\n" +
         connections +
         "flows:\n"
         "  - name: customers\n"
         "    trigger: { op: stripe.customers.new_customer, connection: stripe, every: 1s }\n" +
         (tenants ? "    pair: { ghl: { field: metadata.ghl_location_id } }\n" : "") +
         "    steps:\n"
         "      - name: contact\n"
         "        op: ghl.contacts.upsert_contact\n"
         "        connection: ghl\n"
         "        with: { email: \"{{trigger.email}}\", name: \"{{trigger.name}}\" }\n"
         "      - op: ghl.contacts.add_tags_to_contact\n"
         "        connection: ghl\n"
         "        with: { contactId: \"{{steps.contact.contact.id}}\", tags: [stripe] }\n"
         "      - op: ghl.contacts.create_contact_note\n"
         "        connection: ghl\n"
         "        with: { contactId: \"{{steps.contact.contact.id}}\", body: \"Stripe customer "
         "{{trigger.id}}\" }\n";
}

// Now and then a fault, so kills also land in retry waits and interrupted calls: on every GHL
// write (upsert, tags, notes all POST under /contacts/), a 503, an answer dropped or cut off
// after the call landed, or a 200 whose body is broken.
void injectFault(std::mt19937& rng, sluice::fakes::FakeStripe& stripe,
                 sluice::fakes::FakeGhl& ghl) {
  switch (rng() % 8) {
    case 0:
      ghl.addFaultJson(R"({"match":"/contacts/","method":"POST","status":503,"count":2})");
      break;
    case 1:
      ghl.addFaultJson(
          R"({"match":"/contacts/","method":"POST","kind":"drop","apply":true,"count":1})");
      break;
    case 2:
      stripe.addFaultJson(R"({"match":"/v1/customers","kind":"slow","delay_ms":300,"count":1})");
      break;
    case 3:
      ghl.addFaultJson(R"({"match":"/contacts/","method":"POST","kind":"truncate","count":1})");
      break;
    case 4:
      ghl.addFaultJson(R"({"match":"/contacts/","method":"POST","kind":"malformed","count":1})");
      break;
    default:
      break;
  }
}

// Calls with an effect, by what they act on; a target written more than once is a double.
struct Tally {
  int calls = 0;
  int doubled = 0;  // targets with more than one call
};
struct CallCount {
  Tally upserts;  // by the email upserted
  Tally tags;     // by the contact tagged
  Tally notes;    // by the note's text (one per customer)
  int doubled() const { return upserts.doubled + tags.doubled + notes.doubled; }
};

CallCount countCalls(const std::vector<sluice::fakes::Effect>& effects) {
  std::map<std::string, int> upserts, tags, notes;
  for (const auto& e : effects) {
    if (e.method != "POST" || e.status >= 300) continue;
    rapidjson::Document body;
    body.Parse(e.body.c_str());
    auto field = [&](const char* name) {
      return body.IsObject() && body.HasMember(name) && body[name].IsString()
                 ? std::string(body[name].GetString())
                 : std::string();
    };
    if (e.path == "/contacts/upsert")
      upserts[field("email")]++;
    else if (e.path.size() > 5 && e.path.compare(e.path.size() - 5, 5, "/tags") == 0)
      tags[e.path]++;
    else if (e.path.find("/notes") != std::string::npos)
      notes[field("body")]++;
  }
  auto tally = [](const std::map<std::string, int>& byTarget) {
    Tally t;
    for (const auto& [target, n] : byTarget) {
      t.calls += n;
      t.doubled += n > 1;
    }
    return t;
  };
  return {tally(upserts), tally(tags), tally(notes)};
}

struct Customer {
  std::string email;
  std::string id;
  std::string location;  // where its contact belongs ("" = the one sub-account)
};

// Every customer made, of the platform or of each connected account with its paired location.
std::vector<Customer> allCustomers(sluice::fakes::FakeStripe& stripe,
                                   const std::map<std::string, std::string>& pairs) {
  std::vector<Customer> out;
  auto read = [&](const std::string& text, const std::string& location) {
    rapidjson::Document doc;
    doc.Parse(text.c_str());
    for (const auto& c : doc.GetArray())
      out.push_back({c["email"].GetString(), c["id"].GetString(), location});
  };
  if (pairs.empty()) read(stripe.listRecords("customers"), "");
  for (const auto& [account, location] : pairs)
    read(stripe.inAccount(account, [&] { return stripe.listRecords("customers"); }), location);
  return out;
}

// N connected accounts, each paired by metadata with a new sub-account; account -> location.
std::map<std::string, std::string> makeTenants(int n, sluice::fakes::FakeStripe& stripe,
                                               sluice::fakes::FakeGhl& ghl) {
  std::map<std::string, std::string> pairs;
  ghl.setOAuthApp("crash-client", "ghl-crash-token-01", "http://127.0.0.1:1/cb");
  for (int i = 0; i < n; ++i) {
    const std::string location = "loc_t" + std::to_string(100 + i);
    ghl.addLocation(location);
    pairs[stripe.createAccount("Tenant " + std::to_string(i),
                               "{\"ghl_location_id\":\"" + location + "\"}")] = location;
  }
  return pairs;
}

int countIn(const std::string& file, const std::string& what) {
  std::ifstream in(file);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.seed = static_cast<unsigned>(std::random_device{}());
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "sluice-crashtest: " << a << " needs a value\n";
        std::exit(64);
      }
      return argv[++i];
    };
    if (a == "--cycles")
      o.cycles = std::atoi(next().c_str());
    else if (a == "--seed")
      o.seed = static_cast<unsigned>(std::stoul(next()));
    else if (a == "--tenants")
      o.tenants = std::atoi(next().c_str());
    else if (a == "--sluice")
      o.sluice = next();
    else if (a == "--keep")
      o.keep = next();
    else {
      std::cerr << "usage: sluice-crashtest [--cycles N] [--seed S] [--tenants N] [--sluice PATH] "
                   "[--keep DIR]\n";
      return a == "--help" ? 0 : 64;
    }
  }
  if (o.cycles < 1 || o.cycles > 100000 || o.tenants < 0 || o.tenants > 1000) {
    std::cerr << "sluice-crashtest: --cycles must be 1..100000, --tenants 0..1000\n";
    return 64;
  }
  std::mt19937 rng(o.seed);
  const std::string dir =
      o.keep.empty()
          ? (fs::temp_directory_path() / ("sluice-crash-" + std::to_string(getpid()))).string()
          : o.keep;
  fs::create_directories(dir);

  sluice::fakes::FakeStripe stripe;
  stripe.setApiKey("sk_test_crashharness01");
  stripe.start();
  sluice::fakes::FakeGhl ghl("loc_crash");
  ghl.setStaticToken("ghl-crash-token-01");
  ghl.setRateLimit(1000000, 10000);
  ghl.start();
  setenv("CRASH_STRIPE_KEY", "sk_test_crashharness01", 1);
  setenv("CRASH_GHL_TOKEN", "ghl-crash-token-01", 1);
  setenv("SLUICE_CATALOG", SLUICE_CATALOG_PATH, 0);
  const std::string configFile = dir + "/sluice.yaml";
  const auto pairs = makeTenants(o.tenants, stripe, ghl);
  std::vector<std::string> accounts;
  for (const auto& [account, location] : pairs) accounts.push_back(account);
  std::ofstream(configFile) << config(stripe, ghl, o.tenants > 0);
  const std::string log = dir + "/sluice.log";
  if (o.tenants > 0 && waitExit(spawnSluice(o.sluice,
                                            {"connect", "ghl", "-c", configFile, "ghl", "--code",
                                             ghl.authorizationCode()},
                                            log),
                                30000ms) != 0) {
    std::cerr << "sluice-crashtest: sluice connect failed; see " << log << "\n";
    return 1;
  }

  // The first poll of a new flow records what exists and fires nothing: let it happen on an
  // empty account, so every customer the producer makes is one that must be delivered.
  {
    const pid_t first = startSluice(o.sluice, configFile, log);
    const auto until = std::chrono::steady_clock::now() + 30s;
    bool seeded = false;
    while (!seeded && std::chrono::steady_clock::now() < until) {
      // One seeding poll per flow instance: every connected account's.
      seeded = countIn(log, "seeded=true") >= std::max(1, o.tenants);
      std::this_thread::sleep_for(50ms);
    }
    kill(first, SIGKILL);
    waitExit(first, 5000ms);
    if (!seeded) {
      std::cerr << "sluice-crashtest: the first poll did not happen; see " << log << "\n";
      return 1;
    }
  }

  // The steady stream: a new customer every 20-80 ms while the cycles run.
  std::atomic<bool> producing{true};
  std::atomic<int> produced{0};
  std::thread producer([&] {
    std::mt19937 prng(o.seed + 1);
    while (producing) {
      const int n = produced++;
      auto create = [&] {
        return stripe.createCustomer("crash" + std::to_string(n) + "@x.test",
                                     "Customer " + std::to_string(n));
      };
      if (accounts.empty())
        create();
      else
        stripe.inAccount(accounts[n % accounts.size()], create);
      std::this_thread::sleep_for(std::chrono::milliseconds(20 + prng() % 60));
    }
  });

  std::printf("sluice-crashtest: seed %u, %d cycles, %d tenants, work dir %s\n", o.seed, o.cycles,
              o.tenants, dir.c_str());
  int kills = 0;
  for (int cycle = 0; cycle < o.cycles; ++cycle) {
    injectFault(rng, stripe, ghl);
    const pid_t pid = startSluice(o.sluice, configFile, log);
    if (pid < 0) {
      std::cerr << "sluice-crashtest: cannot start " << o.sluice << "\n";
      return 70;
    }
    std::this_thread::sleep_for(
        std::chrono::milliseconds(o.minRunMs + rng() % (o.maxRunMs - o.minRunMs)));
    kill(pid, SIGKILL);
    waitExit(pid, 5000ms);
    ++kills;
    if ((cycle + 1) % 50 == 0)
      std::printf("  %d cycles, %d customers so far\n", cycle + 1, produced.load());
  }
  producing = false;
  producer.join();
  ghl.clearFaults();
  stripe.clearFaults();

  // Let one process run undisturbed until everything is delivered, then stop it. It gives up
  // only when nothing moved for 30 s (or after 30 min): a slow machine is not a lost item.
  const int items = produced.load();
  const pid_t last = startSluice(o.sluice, configFile, log);
  auto notesFor = [&]() {
    std::map<std::string, int> notes;
    rapidjson::Document doc;
    doc.Parse(ghl.listRecords("notes").c_str());
    if (doc.IsArray())
      for (const auto& n : doc.GetArray())
        if (n.HasMember("body") && n["body"].IsString()) notes[n["body"].GetString()]++;
    return notes;
  };
  const auto hardStop = std::chrono::steady_clock::now() + 30min;
  auto lastProgress = std::chrono::steady_clock::now();
  size_t lastCount = 0;
  while (std::chrono::steady_clock::now() < hardStop &&
         std::chrono::steady_clock::now() - lastProgress < 30s) {
    const size_t count = notesFor().size();
    if (static_cast<int>(count) >= items) break;
    if (count != lastCount) {
      lastCount = count;
      lastProgress = std::chrono::steady_clock::now();
    }
    std::this_thread::sleep_for(250ms);
  }
  std::this_thread::sleep_for(1500ms);  // anything still in flight would show up as a double
  kill(last, SIGTERM);
  const int lastExit = waitExit(last, 15000ms);

  // The proof: per customer, exactly one contact (in its paired sub-account), the tag, and one
  // note.
  const std::vector<Customer> customers = allCustomers(stripe, pairs);
  rapidjson::Document contacts;
  contacts.Parse(ghl.listRecords("contacts").c_str());
  std::map<std::string, int> contactsByEmail;
  std::map<std::string, std::string> locationOf;
  std::set<std::string> tagged;
  for (const auto& c : contacts.GetArray()) {
    const std::string email = c["email"].IsString() ? c["email"].GetString() : "";
    contactsByEmail[email]++;
    if (c.HasMember("locationId") && c["locationId"].IsString())
      locationOf[email] = c["locationId"].GetString();
    if (c.HasMember("tags") && c["tags"].IsArray())
      for (const auto& t : c["tags"].GetArray())
        if (t.IsString() && std::string(t.GetString()) == "stripe") tagged.insert(email);
  }
  const auto notes = notesFor();
  int lost = 0, duplicated = 0;
  for (const auto& c : customers) {
    const std::string& email = c.email;
    const std::string note = "Stripe customer " + c.id;
    auto n = notes.find(note);
    const int noteCount = n == notes.end() ? 0 : n->second;
    const int contactCount = contactsByEmail[email];
    const bool elsewhere = !c.location.empty() && locationOf[email] != c.location;
    if (noteCount == 0 || contactCount == 0 || !tagged.count(email) || elsewhere) ++lost;
    if (noteCount > 1 || contactCount > 1) ++duplicated;
  }
  std::fflush(stdout);
  const CallCount calls = countCalls(ghl.effects());
  std::printf(
      "cycles=%d kills=%d items=%d delivered=%d lost=%d duplicated=%d doubled_calls=%d "
      "(upserts %d of %d, tag calls %d of %d, notes %d of %d) last_exit=%d\n",
      o.cycles, kills, static_cast<int>(customers.size()),
      static_cast<int>(customers.size()) - lost, lost, duplicated, calls.doubled(),
      calls.upserts.doubled, calls.upserts.calls, calls.tags.doubled, calls.tags.calls,
      calls.notes.doubled, calls.notes.calls, lastExit);
  if (o.keep.empty()) fs::remove_all(dir);
  const bool ok = lost == 0 && duplicated == 0 && calls.doubled() == 0 && lastExit == 0;
  std::printf("%d passed, %d failed\n", ok ? 1 : 0, ok ? 0 : 1);
  return ok ? 0 : 1;
}
