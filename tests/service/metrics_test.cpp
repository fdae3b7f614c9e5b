// The metrics registry: Prometheus text format, label escaping, histogram buckets, collectors.
#include "service/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <thread>

namespace sluice {
namespace metrics_test {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(MetricsTest, CountersAndGaugesRenderWithHelpTypeAndLabels) {
  Metrics m;
  m.declare("sluice_polls_total", Metrics::Type::Counter, "Polls.");
  m.declare("sluice_outbox_depth", Metrics::Type::Gauge, "Pending.");
  m.add("sluice_polls_total", {{"op", "stripe.customers.new_customer"}, {"result", "ok"}});
  m.add("sluice_polls_total", {{"op", "stripe.customers.new_customer"}, {"result", "ok"}}, 2);
  m.add("sluice_polls_total", {{"op", "ghl.x"}, {"result", "error"}});
  m.set("sluice_outbox_depth", {}, 7);
  m.set("sluice_outbox_depth", {}, 5);
  const std::string text = m.render();
  EXPECT_EQ(text,
            "# HELP sluice_polls_total Polls.\n"
            "# TYPE sluice_polls_total counter\n"
            "sluice_polls_total{op=\"ghl.x\",result=\"error\"} 1\n"
            "sluice_polls_total{op=\"stripe.customers.new_customer\",result=\"ok\"} 3\n"
            "# HELP sluice_outbox_depth Pending.\n"
            "# TYPE sluice_outbox_depth gauge\n"
            "sluice_outbox_depth 5\n");
  EXPECT_EQ(m.value("sluice_polls_total", {{"op", "ghl.x"}, {"result", "error"}}), 1);
  EXPECT_EQ(m.value("sluice_polls_total", {{"op", "none"}, {"result", "ok"}}), 0);
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
  EXPECT_EQ(Metrics::escapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  EXPECT_EQ(Metrics::escapeHelp("line\\one\ntwo \"quoted\""), "line\\\\one\\ntwo \"quoted\"");
  Metrics m;
  m.declare("x_total", Metrics::Type::Counter, "Help with\na newline.");
  m.add("x_total", {{"flow", "we\"ird\\name\n"}});
  const std::string text = m.render();
  EXPECT_THAT(text, HasSubstr("# HELP x_total Help with\\na newline.\n"));
  EXPECT_THAT(text, HasSubstr("x_total{flow=\"we\\\"ird\\\\name\\n\"} 1\n"));
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Metrics m;
  m.declare("d_seconds", Metrics::Type::Histogram, "Durations.", {0.1, 1, 10});
  for (double v : {0.05, 0.1, 0.5, 2.0, 20.0}) m.observe("d_seconds", {{"op", "a"}}, v);
  const std::string text = m.render();
  EXPECT_THAT(text, HasSubstr("# TYPE d_seconds histogram\n"));
  // le is inclusive: 0.1 falls in the 0.1 bucket.
  EXPECT_THAT(text, HasSubstr("d_seconds_bucket{op=\"a\",le=\"0.1\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("d_seconds_bucket{op=\"a\",le=\"1\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("d_seconds_bucket{op=\"a\",le=\"10\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("d_seconds_bucket{op=\"a\",le=\"+Inf\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("d_seconds_sum{op=\"a\"} 22.65\n"));
  EXPECT_THAT(text, HasSubstr("d_seconds_count{op=\"a\"} 5\n"));
  EXPECT_EQ(m.value("d_seconds", {{"op", "a"}}), 5);

  Metrics plain;
  plain.declare("h", Metrics::Type::Histogram, "No labels.", {1});
  plain.observe("h", {}, 3);
  EXPECT_THAT(plain.render(),
              HasSubstr("h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 1\nh_sum 3\n"));
}

TEST(MetricsTest, SnapshotsQuantilesAndMaxGauges) {
  Metrics m;
  m.declare("d", Metrics::Type::Histogram, "D.", {1, 2, 5});
  m.declare("worst", Metrics::Type::Gauge, "W.");
  EXPECT_EQ(m.histogram("d").quantileUpperBound(0.5), 0);
  for (int i = 0; i < 98; ++i) m.observe("d", {}, 0.5);
  m.observe("d", {}, 3);
  m.observe("d", {}, 9);
  const auto h = m.histogram("d");
  EXPECT_EQ(h.count, 100u);
  EXPECT_EQ(h.cumulative, (std::vector<uint64_t>{98, 98, 99, 100}));
  EXPECT_EQ(h.quantileUpperBound(0.5), 1);
  EXPECT_EQ(h.quantileUpperBound(0.99), 5);
  EXPECT_TRUE(std::isinf(h.quantileUpperBound(1.0)));
  m.setMax("worst", {}, 2);
  m.setMax("worst", {}, 1);
  EXPECT_EQ(m.value("worst"), 2);
  m.setMax("worst", {}, 4);
  EXPECT_EQ(m.value("worst"), 4);
}

// A reload's new runner: its counters and histograms go on from the old runner's totals; a
// family the new one declares differently starts again.
TEST(MetricsTest, ARegistryThatReplacesAnotherGoesOnFromItsTotals) {
  Metrics before, after;
  for (Metrics* m : {&before, &after}) {
    m->declare("sluice_polls_total", Metrics::Type::Counter, "Polls.");
    m->declare("sluice_poll_lateness_seconds", Metrics::Type::Histogram, "Lateness.", {0.1, 1});
  }
  before.declare("sluice_old_total", Metrics::Type::Counter, "Gone.");
  before.declare("sluice_changed", Metrics::Type::Counter, "Counter before.");
  after.declare("sluice_changed", Metrics::Type::Gauge, "Gauge now.");
  before.add("sluice_polls_total", {{"result", "ok"}}, 5);
  before.observe("sluice_poll_lateness_seconds", {}, 2.5);
  before.add("sluice_old_total");
  before.add("sluice_changed", {}, 3);

  after.continueFrom(before);
  after.add("sluice_polls_total", {{"result", "ok"}});
  after.observe("sluice_poll_lateness_seconds", {}, 0.05);
  EXPECT_EQ(after.value("sluice_polls_total", {{"result", "ok"}}), 6);
  const auto lateness = after.histogram("sluice_poll_lateness_seconds");
  EXPECT_EQ(lateness.count, 2u);
  EXPECT_EQ(lateness.cumulative, (std::vector<uint64_t>{1, 1, 2}));
  EXPECT_EQ(after.value("sluice_changed"), 0);
  EXPECT_THAT(after.render(), Not(HasSubstr("sluice_old_total")));
}

TEST(MetricsTest, LogThrottleLetsAFewThroughPerWindowAndCountsTheRest) {
  LogThrottle throttle(2, 1000);
  long long suppressed = -1;
  EXPECT_TRUE(throttle.allow(10'000, suppressed));
  EXPECT_EQ(suppressed, 0);
  EXPECT_TRUE(throttle.allow(10'100, suppressed));
  EXPECT_FALSE(throttle.allow(10'200, suppressed));
  EXPECT_FALSE(throttle.allow(10'999, suppressed));
  EXPECT_TRUE(throttle.allow(11'000, suppressed));  // a new window
  EXPECT_EQ(suppressed, 2);
  EXPECT_TRUE(throttle.allow(11'001, suppressed));
  EXPECT_EQ(suppressed, 0);
}

TEST(MetricsTest, ValuesAreFormattedForPrometheus) {
  EXPECT_EQ(Metrics::formatValue(3), "3");
  EXPECT_EQ(Metrics::formatValue(-2), "-2");
  EXPECT_EQ(Metrics::formatValue(0.25), "0.25");
  EXPECT_EQ(Metrics::formatValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(Metrics::formatValue(1e20), "1e+20");
}

TEST(MetricsTest, CollectorsAddSamplesAtRenderTimeOnly) {
  Metrics m;
  m.declare("stored_total", Metrics::Type::Counter, "Stored.");
  int calls = 0;
  m.addCollector([&](Metrics& scratch) {
    ++calls;
    scratch.declare("computed", Metrics::Type::Gauge, "Computed at scrape.");
    scratch.set("computed", {{"flow", "f"}}, calls);
  });
  EXPECT_EQ(calls, 0);
  EXPECT_THAT(m.render(), HasSubstr("computed{flow=\"f\"} 1\n"));
  EXPECT_THAT(m.render(), HasSubstr("computed{flow=\"f\"} 2\n"));
  EXPECT_EQ(m.value("computed", {{"flow", "f"}}), 0);          // never stored
  EXPECT_THAT(m.render(), Not(HasSubstr("\nstored_total ")));  // declared, no sample yet
}

TEST(MetricsTest, UndeclaredOrMistypedNamesAreProgrammingErrors) {
  Metrics m;
  m.declare("c_total", Metrics::Type::Counter, "C.");
  EXPECT_THROW(m.add("nope_total"), std::logic_error);
  EXPECT_THROW(m.set("c_total", {}, 1), std::logic_error);
  EXPECT_THROW(m.declare("h", Metrics::Type::Histogram, "No buckets."), std::logic_error);
}

TEST(MetricsTest, ConcurrentUpdatesAreAllCounted) {
  Metrics m;
  m.declare("n_total", Metrics::Type::Counter, "N.");
  m.declare("d", Metrics::Type::Histogram, "D.", {1});
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      for (int j = 0; j < 1000; ++j) {
        m.add("n_total", {{"k", "v"}});
        m.observe("d", {}, 0.5);
        if (j % 100 == 0) m.render();
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.value("n_total", {{"k", "v"}}), 4000);
  EXPECT_EQ(m.value("d"), 4000);
}

}  // namespace metrics_test
}  // namespace sluice
