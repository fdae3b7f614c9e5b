// The config the benchmarks run: N flows, each its own trigger (new Stripe customers filtered by
// the flow's own email) and one GHL upsert per item, with the connections in the main file and
// the flows in a file it includes, as a generator would write them.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

#include "core/duration.h"

namespace sluice::bench {

constexpr const char* kStripeKey = "sk_test_benchmark0001";
constexpr const char* kGhlToken = "ghl-bench-token-0001";
constexpr const char* kOp = "stripe.customers.new_customer";

inline std::string flowEmail(int i) {
  return "f" + std::to_string(i) + "@bench.test";
}

struct BenchFlows {
  int flows = 1000;
  std::string every = "1m";
  int workers = 4;
  std::string admin = "off";  // settings.admin
};

// The config as a generated installation would write it: connections in the main file, the
// flows in a file it includes (read once, one flow at a time: see config/config_parts.h).
inline void writeConfig(const std::string& path, const BenchFlows& o, const std::string& stripeUrl,
                        const std::string& ghlUrl, const std::string& dir) {
  const std::string flowsFile = std::filesystem::path(path).stem().string() + "-flows.yaml";
  std::ofstream(path)
      << "# Written by a sluice benchmark.\n"
         "state: sqlite:" +
             dir +
             "/state.db\n"
             "settings: { workers: " +
             std::to_string(o.workers) + ", admin: \"" + o.admin + "\"" +
             (parseDurationMs(o.every).value_or(60000) < 60000 ? ", demo_mode: true" : "") +
             " }\n"
             "connections:\n"
             "  stripe: { app: stripe, api_key: \"${BENCH_STRIPE_KEY}\", base_url: " +
             stripeUrl +
             ", rate_limit: { requests: 1000000, per: 1s } }\n"
             "  ghl: { app: ghl, token: \"${BENCH_GHL_TOKEN}\", location_id: loc_bench, "
             "base_url: " +
             ghlUrl +
             ", rate_limit: { requests: 1000000, per: 1s } }\n"
             "include: " +
             flowsFile + "\n";
  std::string text;
  text.reserve(static_cast<size_t>(o.flows) * 330 + 64);
  text += "flows:\n";
  for (int i = 0; i < o.flows; ++i) {
    const std::string n = std::to_string(i);
    text += "  - name: f" + n + "\n    trigger:\n      op: " + kOp +
            "\n      connection: stripe\n      every: " + o.every +
            "\n      with: { email: " + flowEmail(i) +
            " }\n    steps:\n      - op: ghl.contacts.upsert_contact\n        connection: ghl\n"
            "        with: { email: \"{{trigger.email}}\", name: \"{{trigger.name}}\" }\n";
  }
  std::ofstream(std::filesystem::path(path).parent_path() / flowsFile) << text;
}

}  // namespace sluice::bench
