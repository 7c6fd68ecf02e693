// Odoo's datetime text <-> sys_seconds, as the API key wizard reads it.
#include "modules/base/utc_datetime.hpp"

#include <gtest/gtest.h>

namespace citadel::modules::base {
namespace {

using namespace std::chrono;

TEST(UtcDatetime, RoundTripsOdoosFormat) {
  const sys_seconds time = sys_days(year(2025) / 2 / 28) + hours(23) + minutes(5) + seconds(9);
  EXPECT_EQ(FormatUtcDatetime(time), "2025-02-28 23:05:09");
  EXPECT_EQ(ParseUtcDatetime("2025-02-28 23:05:09"), time);
  EXPECT_EQ(FormatUtcDatetime(sys_seconds(seconds(0))), "1970-01-01 00:00:00");
  EXPECT_EQ(ParseUtcDatetime("2024-02-29 00:00:00"), sys_seconds(sys_days(year(2024) / 2 / 29)));
}

TEST(UtcDatetime, RefusesAnythingElse) {
  for (const char* bad :
       {"", "2025-02-28", "2025-02-28T23:05:09", "2025-02-29 00:00:00", "2025-13-01 00:00:00",
        "2025-01-01 24:00:00", "2025-01-01 00:60:00", "2025-01-01 00:00:60", "2025-01-01 00:00:0x",
        "+025-01-01 00:00:00", "2025-01-01 00:00:00 ", "2025-1-01 00:00:000"}) {
    EXPECT_FALSE(ParseUtcDatetime(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace citadel::modules::base
