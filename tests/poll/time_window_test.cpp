// Triggers over a time range (calendar events, free slots) ask for [now - back, now + ahead]
// on every poll, unless the flow fixed the range; the flow need not give the range inputs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "config/config.h"
#include "http/api_client.h"
#include "poll/trigger_poller.h"
#include "poll/trigger_spec.h"
#include "state/state_store.h"
#include "test_support.h"

namespace sluice {
namespace time_window_test {

class TimeWindowTest : public ::testing::Test {
 protected:
  std::string pollOnce(const std::string& with) {
    const std::string text =
        "connections:\n  ghl: { app: ghl, token: \"${T}\", location_id: loc1, base_url: "
        "http://127.0.0.1:9 }\n"
        "flows:\n  - name: events\n    trigger: { op: ghl.appointments.list_calendar_events, "
        "connection: ghl, every: 5m,"
        " with: { calendarId: cal1" +
        with +
        " } }\n"
        "    steps:\n      - { op: ghl.contacts.find_contact, connection: ghl, with: { query: x } "
        "}\n";
    const std::map<std::string, std::string> env = {{"T", "tok-window-1"}};
    Config config = loadConfigText(text, "w.yaml", catalog_, &env);
    auto state = openStateStore("sqlite::memory:");
    TriggerSpec spec = makeTriggerSpec(config.flows[0], config, catalog_);
    ApiClient client(*catalog_.app("ghl"), config.connections.at("ghl"), transport_, state.get(),
                     clock_, [](int64_t) { return true; });
    TriggerPoller poller(client, *state, clock_);
    EXPECT_TRUE(poller.poll(spec).ok);
    return transport_.sent.back().url;
  }
  Catalog catalog_ = Catalog::load(test::catalogRoot());
  test::RecordingTransport transport_{R"({"events":[]})"};
  ManualClock clock_{1'800'000'000'000};
};

TEST_F(TimeWindowTest, EachPollAsksFromADayAgoToThirtyDaysAhead) {
  const std::string url = pollOnce("");
  EXPECT_THAT(
      url, ::testing::HasSubstr("startTime=" + std::to_string(1'800'000'000'000 - 86'400'000LL)));
  EXPECT_THAT(url, ::testing::HasSubstr("endTime=" +
                                        std::to_string(1'800'000'000'000 + 30 * 86'400'000LL)));
  EXPECT_THAT(url, ::testing::HasSubstr("calendarId=cal1"));
}

TEST_F(TimeWindowTest, ARangeTheFlowFixedIsKept) {
  const std::string url = pollOnce(", startTime: '1000', endTime: '2000'");
  EXPECT_THAT(url, ::testing::HasSubstr("startTime=1000"));
  EXPECT_THAT(url, ::testing::HasSubstr("endTime=2000"));
}

}  // namespace time_window_test
}  // namespace sluice
