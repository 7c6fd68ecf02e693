// ir.sequence prefixes and suffixes, without a database: Odoo's
// %(year)s-style keys, %% and refusals.
#include <gtest/gtest.h>

#include "modules/base/ir_sequence_next.hpp"
#include "orm/errors.hpp"

namespace citadel::modules::base {
namespace {

std::tm At(int year, int month, int day, int hour, int minute, int second) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  const std::time_t t = timegm(&tm);
  gmtime_r(&t, &tm);
  return tm;
}

TEST(SequenceAffix, OdooKeys) {
  const std::tm when = At(2024, 3, 5, 14, 7, 9);  // a Tuesday
  EXPECT_EQ(InterpolateSequenceAffix("INV/%(year)s/%(month)s/%(day)s/", when, "s"), "INV/2024/03/05/");
  EXPECT_EQ(InterpolateSequenceAffix("%(y)s-%(doy)s-%(woy)s-%(weekday)s", when, "s"), "24-065-10-2");
  EXPECT_EQ(InterpolateSequenceAffix("%(h24)s:%(min)s:%(sec)s %(h12)s", when, "s"), "14:07:09 02");
  EXPECT_EQ(InterpolateSequenceAffix("%(range_year)s %(current_month)s", when, "s"), "2024 03");
  EXPECT_EQ(InterpolateSequenceAffix("100%% ", when, "s"), "100% ");
  EXPECT_EQ(InterpolateSequenceAffix("", when, "s"), "");
}

TEST(SequenceAffix, RefusesUnknownKeysAndBrokenPatterns) {
  const std::tm when = At(2024, 1, 1, 0, 0, 0);
  for (const char* bad : {"%(hour)s", "%(year)d", "%(year", "50%", "%s"}) {
    try {
      InterpolateSequenceAffix(bad, when, "Invoices");
      FAIL() << bad;
    } catch (const orm::UserError& e) {
      EXPECT_EQ(std::string(e.what()), "Invalid prefix or suffix for sequence \xe2\x80\x9cInvoices\xe2\x80\x9d");
    }
  }
}

}  // namespace
}  // namespace citadel::modules::base
