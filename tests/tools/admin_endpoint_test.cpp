// `sluice run` as a process with its admin endpoint: /metrics is scraped while it runs and its
// counters follow what the fakes saw; /healthz and /readyz answer; `sluice status` shows the
// watermark age. No timing is asserted, only that things happened.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/StreamCopier.h>

#include <csignal>
#include <regex>
#include <sstream>

#include "test_support.h"
#include "tools/fakes/fake_ghl.h"
#include "tools/fakes/fake_stripe.h"

namespace sluice::test {
namespace admin_endpoint_test {

struct Scrape {
  int status = 0;
  std::string body;
};

Scrape get(uint16_t port, const std::string& path) {
  Scrape out;
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(5, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    std::ostringstream body;
    Poco::StreamCopier::copyStream(in, body);
    out.status = response.getStatus();
    out.body = body.str();
  } catch (const Poco::Exception&) {
    out.status = -1;  // not listening (yet)
  }
  return out;
}

// The sum of every sample of a metric (all label sets); -1 when there is none.
double sample(const std::string& text, const std::string& name, const std::string& labels = "") {
  double sum = -1;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t space = line.rfind(' ');
    const std::string series = line.substr(0, space);
    const bool match = labels.empty() ? series == name || series.rfind(name + "{", 0) == 0
                                      : series == name + labels;
    if (!match) continue;
    sum = (sum < 0 ? 0 : sum) + std::stod(line.substr(space + 1));
  }
  return sum;
}

uint16_t freePort() {
  Poco::Net::ServerSocket socket;
  socket.bind(Poco::Net::SocketAddress("127.0.0.1", 0), false);
  return socket.address().port();
}

class AdminEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    stripe_.setApiKey("sk_test_admin12345");
    stripe_.start();
    ghl_.setStaticToken("ghl-admin-token");
    ghl_.start();
  }
  std::string config(uint16_t port) const {
    return "state: sqlite:state.db\n"
           "settings: { demo_mode: true, admin: 127.0.0.1:" +
           std::to_string(port) + " }\n" +
           fakeConnectionsYaml(stripe_.baseUrl(), ghl_.baseUrl(), ghl_.locationId()) + "flows:\n" +
           customerToContactFlowYaml("customers");
  }
  std::vector<std::string> env() const {
    return {"K=sk_test_admin12345", "T=ghl-admin-token", "SLUICE_CATALOG=" + catalogRoot()};
  }
  TempDir dir_;
  fakes::FakeStripe stripe_;
  fakes::FakeGhl ghl_{"loc_admin"};
};

TEST_F(AdminEndpointTest, MetricsMoveWhileItRunsAndHealthAndReadinessAnswer) {
  const uint16_t port = freePort();
  const std::string file = dir_.write("sluice.yaml", config(port));
  SluiceProcess run({"run", "-c", file}, env());
  ASSERT_TRUE(run.waitForOutput("admin.listen", 10000)) << run.output();
  ASSERT_TRUE(run.waitForOutput("seeded=true", 10000)) << run.output();
  EXPECT_EQ(get(port, "/healthz").status, 200);

  stripe_.createCustomer("one@admin.test", "One");
  stripe_.createCustomer("two@admin.test", "Two");
  ASSERT_TRUE(run.waitForOutput("delivery.done", 10000)) << run.output();

  // Scraped during the run, until both deliveries are counted (they may still be in flight).
  Scrape metrics;
  for (int i = 0; i < 200; ++i) {
    metrics = get(port, "/metrics");
    if (metrics.status == 200 &&
        sample(metrics.body, "sluice_deliveries_total", "{outcome=\"done\"}") >= 2)
      break;
    usleep(50 * 1000);
  }
  ASSERT_EQ(metrics.status, 200) << run.output();
  const std::string& m = metrics.body;
  EXPECT_GE(sample(m, "sluice_items_new_total"), 2) << m;
  EXPECT_GE(sample(m, "sluice_deliveries_total", "{outcome=\"done\"}"), 2) << m;
  EXPECT_GE(sample(m, "sluice_polls_total", "{op=\"stripe.customers.new_customer\",result=\"ok\"}"),
            2)
      << m;
  EXPECT_GE(sample(m, "sluice_poll_duration_seconds_count"), 2) << m;
  EXPECT_GE(sample(m, "sluice_delivery_duration_seconds_count"), 2) << m;
  EXPECT_GE(sample(m, "sluice_outbox_depth"), 0) << m;
  EXPECT_EQ(sample(m, "sluice_trigger_watermark_age_seconds_count"), 1) << m;
  EXPECT_GE(sample(m, "sluice_trigger_watermark_age_max_seconds"), 0) << m;
  EXPECT_EQ(sample(m, "sluice_triggers"), 1) << m;
  EXPECT_EQ(sample(m, "sluice_triggers_stale"), 0) << m;
  EXPECT_EQ(sample(m, "sluice_dead_letters_total"), 0) << m;
  EXPECT_THAT(m, ::testing::HasSubstr("# TYPE sluice_poll_duration_seconds histogram\n"));
  EXPECT_THAT(m, ::testing::HasSubstr("sluice_poll_duration_seconds_bucket{op=\"stripe.customers."
                                      "new_customer\",le=\"+Inf\"}"));
  // Every sample line is NAME[{LABELS}] VALUE.
  std::istringstream lines(m);
  const std::regex sampleLine(R"([a-z_]+(\{.*\})? [-+0-9.e]+|[a-z_]+(\{.*\})? \+Inf)");
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] != '#') {
      EXPECT_TRUE(std::regex_match(line, sampleLine)) << line;
    }
  }

  EXPECT_EQ(get(port, "/readyz").status, 200);
  EXPECT_EQ(get(port, "/nope").status, 404);

  // A second scrape sees the counters move with the next item.
  const double before = sample(m, "sluice_items_new_total");
  stripe_.createCustomer("three@admin.test", "Three");
  double after = before;
  for (int i = 0; i < 200 && after <= before; ++i) {
    usleep(50 * 1000);
    after = sample(get(port, "/metrics").body, "sluice_items_new_total");
  }
  EXPECT_GT(after, before);

  // `sluice status` shows the watermark age, in the table and as JSON.
  const auto table = runSluice({"status", "-c", file}, env());
  EXPECT_EQ(table.exitCode, 0) << table.err;
  EXPECT_THAT(table.out, ::testing::HasSubstr("WATERMARK AGE"));
  const auto json = runSluice({"status", "-c", file, "--json"}, env());
  EXPECT_EQ(json.exitCode, 0) << json.err;
  EXPECT_TRUE(std::regex_search(json.out, std::regex(R"("watermark_age_s": [0-9]+)"))) << json.out;

  run.signal(SIGTERM);
  EXPECT_EQ(run.wait(10000), 0) << run.output();
}

TEST_F(AdminEndpointTest, APortInUseIsAWarningNotAFailure) {
  Poco::Net::ServerSocket taken;
  taken.bind(Poco::Net::SocketAddress("127.0.0.1", 0), false);
  taken.listen(1);
  const std::string file = dir_.write("sluice.yaml", config(taken.address().port()));
  SluiceProcess run({"run", "-c", file}, env());
  ASSERT_TRUE(run.waitForOutput("admin.unavailable", 10000)) << run.output();
  EXPECT_TRUE(run.waitForOutput("seeded=true", 10000)) << run.output();
  run.signal(SIGTERM);
  EXPECT_EQ(run.wait(10000), 0) << run.output();
}

TEST_F(AdminEndpointTest, AdminOffOrAMalformedAddress) {
  std::string text = config(1);
  text.replace(text.find("admin: 127.0.0.1:1"), 18, "admin: off");
  const std::string file = dir_.write("sluice.yaml", text);
  const auto ok = runSluice({"check", "-c", file}, env());
  EXPECT_EQ(ok.exitCode, 0) << ok.out << ok.err;
  text.replace(text.find("admin: off"), 10, "admin: localhost");
  const std::string bad = dir_.write("bad.yaml", text);
  const auto rejected = runSluice({"check", "-c", bad}, env());
  EXPECT_NE(rejected.exitCode, 0);
  EXPECT_THAT(rejected.out + rejected.err, ::testing::HasSubstr("'admin': expected HOST:PORT"));
}

}  // namespace admin_endpoint_test
}  // namespace sluice::test
