// The scrape-time gauges: a scrape stays the same size however many triggers run, and only
// triggers in trouble (failing, late) get series of their own, the worst first, capped; the
// worker pool's threads.
#include <gmock/gmock.h>

#include <sstream>

#include "service/runner_metrics.h"

namespace sluice {
namespace runner_metrics_test {

using ::testing::HasSubstr;

// n triggers of one operation, each its own flow; `failing` of them failing, the i-th of those
// with i+1 errors in a row.
struct Triggers {
  Operation op;
  std::vector<TriggerSpec> specs;
  std::vector<TriggerGauges> rows;
  Triggers(int n, int failing, int64_t nowMs) {
    op.app = "ghl";
    op.id = "contacts.search_contacts";
    specs.resize(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      specs[i].op = &op;
      specs[i].subscribers.push_back({"flow" + std::to_string(i), 0});
      TriggerGauges g{&specs[i]};
      g.watermarkMovedMs = nowMs - (i % 10) * 600'000LL;
      g.consecutiveErrors = i < failing ? i + 1 : 0;
      rows.push_back(g);
    }
  }
};

std::string scrape(const RunnerMetrics& metrics, const Triggers& t) {
  Metrics out;
  metrics.collect(out, t.rows, 0, true);
  return out.render();
}

size_t lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(RunnerMetricsTest, AScrapeStaysTheSameSizeHoweverManyHealthyTriggersRun) {
  ManualClock clock(1'800'000'000'000);
  RunnerMetrics metrics(clock);
  const std::string few = scrape(metrics, Triggers(10, 0, clock.nowMs()));
  const std::string many = scrape(metrics, Triggers(20'000, 0, clock.nowMs()));
  EXPECT_EQ(lines(few), lines(many));
  EXPECT_THAT(many, HasSubstr("sluice_triggers 20000\n"));
  EXPECT_THAT(many, HasSubstr("sluice_trigger_watermark_age_seconds_count 20000\n"));
  EXPECT_THAT(many, HasSubstr("sluice_trigger_watermark_age_seconds_bucket{le=\"3600\"} 14000\n"));
  EXPECT_THAT(many, HasSubstr("sluice_trigger_watermark_age_max_seconds 5400\n"));
  EXPECT_THAT(many, Not(HasSubstr("flow=")));
}

TEST(RunnerMetricsTest, TheWorkerPoolSaysHowManyThreadsItRunsAndMayGrowTo) {
  ManualClock clock(1'800'000'000'000);
  RunnerMetrics metrics(clock);
  RunSettings settings;
  settings.maxWorkers = 48;
  Metrics out;
  metrics.collectWorkers(out, 17, settings);
  const std::string text = out.render();
  EXPECT_THAT(text, HasSubstr("# TYPE sluice_workers gauge\nsluice_workers 17\n"));
  EXPECT_THAT(text, HasSubstr("sluice_workers_max 48\n"));
}

TEST(RunnerMetricsTest, OnlyTheWorstTriggersInTroubleGetSeriesOfTheirOwn) {
  ManualClock clock(1'800'000'000'000);
  RunnerMetrics metrics(clock);
  const std::string text = scrape(metrics, Triggers(1000, 150, clock.nowMs()));
  std::istringstream in(text);
  size_t errorSeries = 0;
  for (std::string line; std::getline(in, line);)
    errorSeries += line.rfind("sluice_trigger_consecutive_errors{", 0) == 0;
  EXPECT_EQ(errorSeries, RunnerMetrics::kMaxTriggerSeries);
  EXPECT_THAT(text, HasSubstr("sluice_trigger_series_omitted 50\n"));
  EXPECT_THAT(text, HasSubstr("sluice_triggers_stale 148\n"));  // 3 or more errors in a row
  // The worst (150 errors) is kept; the mildest (1 error) is not.
  EXPECT_THAT(text, HasSubstr("sluice_trigger_consecutive_errors{flow=\"flow149\","
                              "op=\"ghl.contacts.search_contacts\"} 150\n"));
  EXPECT_THAT(text, Not(HasSubstr("flow=\"flow0\"")));
}

}  // namespace runner_metrics_test
}  // namespace sluice
