#include "dialects/yuntongxun/yuntongxun_time.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace fg::yuntongxun {
namespace {

constexpr int kChina = 480;  // +08:00
constexpr int64_t kMillisPerDay = 86'400'000;

TEST(YuntongxunTimeOffsetTest, ParsesSignedHoursAndMinutes) {
  EXPECT_EQ(ParseUtcOffset("+08:00"), 480);
  EXPECT_EQ(ParseUtcOffset("-05:30"), -330);
  EXPECT_EQ(ParseUtcOffset("+00:00"), 0);
  EXPECT_EQ(ParseUtcOffset("Z"), 0);
  EXPECT_EQ(ParseUtcOffset("+14:00"), 840);
  EXPECT_EQ(ParseUtcOffset("-14:00"), -840);
  EXPECT_EQ(ParseUtcOffset("+05:45"), 345);
}

TEST(YuntongxunTimeOffsetTest, RefusesEverythingElse) {
  for (const char* bad :
       {"",        "z",       "UTC",     "08:00",  "+8:00",  "+0800",  "+08",    "+08:0",
        "+08:000", " +08:00", "+08:00 ", "+14:01", "-14:30", "+15:00", "+99:99", "+08:60",
        "-00:00",  "+0a:00",  "+08-00",  "++8:00", "+-8:00", "+08:-1"}) {
    EXPECT_EQ(ParseUtcOffset(bad), std::nullopt) << '"' << bad << '"';
  }
}

TEST(YuntongxunTimeFormatTest, EpochZeroInEachZone) {
  EXPECT_EQ(FormatMillis(0, 0), "1970-01-01 00:00:00.000");
  EXPECT_EQ(FormatSeconds(0, 0), "1970-01-01 00:00:00");
  EXPECT_EQ(FormatMillis(0, kChina), "1970-01-01 08:00:00.000");
  EXPECT_EQ(FormatMillis(0, -330), "1969-12-31 18:30:00.000");
}

TEST(YuntongxunTimeFormatTest, VendorExampleAndMillisecondPadding) {
  // 2017-07-08 12:12:12.123 at +08:00, computed with Python's datetime.
  EXPECT_EQ(FormatMillis(1'499'487'132'123, kChina), "2017-07-08 12:12:12.123");
  EXPECT_EQ(FormatMillis(1'499'487'132'007, kChina), "2017-07-08 12:12:12.007");
  EXPECT_EQ(FormatMillis(1'499'487'132'070, kChina), "2017-07-08 12:12:12.070");
}

TEST(YuntongxunTimeFormatTest, SecondsTruncateNeverRoundUp) {
  EXPECT_EQ(FormatSeconds(1'499'487'132'999, kChina), "2017-07-08 12:12:12");
  EXPECT_EQ(FormatSeconds(-1, 0), "1969-12-31 23:59:59");
  EXPECT_EQ(FormatMillis(-1, 0), "1969-12-31 23:59:59.999");
}

TEST(YuntongxunTimeFormatTest, OffsetCrossesDayMonthAndYear) {
  // 2016-12-31 20:00:00 UTC is already New Year in China.
  EXPECT_EQ(FormatSeconds(1'483'214'400'000, kChina), "2017-01-01 04:00:00");
  EXPECT_EQ(FormatSeconds(1'483'214'400'000, -840), "2016-12-31 06:00:00");
  // 2024-02-29 00:00 at -05:30.
  EXPECT_EQ(FormatMillis(1'709'184'600'000, -330), "2024-02-29 00:00:00.000");
  EXPECT_EQ(FormatMillis(1'709'184'600'000, 0), "2024-02-29 05:30:00.000");
}

TEST(YuntongxunTimeFormatTest, DefinedForEveryInstant) {
  // The ends of int64_t milliseconds, as java.time prints them (proleptic Gregorian).
  EXPECT_EQ(FormatMillis(INT64_MAX, 0), "292278994-08-17 07:12:55.807");
  EXPECT_EQ(FormatMillis(INT64_MIN, 0), "-292275055-05-16 16:47:04.192");
  EXPECT_FALSE(FormatMillis(INT64_MAX, INT32_MAX).empty());
  EXPECT_FALSE(FormatMillis(INT64_MIN, INT32_MIN).empty());
  EXPECT_EQ(FormatMillis(0, 0), FormatMillis(-1'000 * 60 * 1'440, 1'440));
}

TEST(YuntongxunTimeParseTest, VendorExample) {
  EXPECT_EQ(ParseMillis("2017-07-08 12:12:12.123", kChina), 1'499'487'132'123);
  EXPECT_EQ(ParseMillis("2017-07-08 12:12:12", kChina), 1'499'487'132'000);
  EXPECT_EQ(ParseMillis("2017-07-08 12:12:12.000", kChina), 1'499'487'132'000);
}

TEST(YuntongxunTimeParseTest, ZoneOffsets) {
  EXPECT_EQ(ParseMillis("1970-01-01 00:00:00.000", 0), 0);
  EXPECT_EQ(ParseMillis("1970-01-01 08:00:00.000", kChina), 0);
  // The year range is the local text's: midnight in China is still 1969 in UTC.
  EXPECT_EQ(ParseMillis("1970-01-01 00:00:00.000", kChina), -28'800'000);
  EXPECT_EQ(ParseMillis("2024-02-29 00:00:00.000", -330), 1'709'184'600'000);
}

TEST(YuntongxunTimeParseTest, LeapDays) {
  EXPECT_EQ(ParseMillis("2000-02-29 23:59:59.999", 0), 951'868'799'999);  // divisible by 400
  EXPECT_TRUE(ParseMillis("2024-02-29 00:00:00", 0));
  EXPECT_FALSE(ParseMillis("2023-02-29 00:00:00", 0));
  EXPECT_FALSE(ParseMillis("2100-02-29 00:00:00", 0));  // divisible by 100, not 400
  EXPECT_FALSE(ParseMillis("2024-02-30 00:00:00", 0));
  EXPECT_EQ(ParseCompactSeconds("20000229000000", 0), 951'782'400);
  EXPECT_FALSE(ParseCompactSeconds("19000229000000", 0));
  EXPECT_FALSE(ParseCompactSeconds("20230229000000", 0));
}

TEST(YuntongxunTimeParseTest, YearRange) {
  EXPECT_EQ(ParseMillis("9999-12-31 23:59:59.999", 0), 253'402'300'799'999);
  EXPECT_FALSE(ParseMillis("1969-12-31 23:59:59.999", 0));
  EXPECT_FALSE(ParseMillis("0000-01-01 00:00:00.000", 0));
  EXPECT_FALSE(ParseCompactSeconds("19691231235959", 0));
}

TEST(YuntongxunTimeParseTest, RefusesMalformedText) {
  for (const char* bad : {
           "",
           "2017-13-08 12:12:12.123",   // 13th month
           "2017-00-08 12:12:12.123",   // month 0
           "2017-02-30 12:12:12.123",   // Feb 30
           "2017-04-31 12:12:12.123",   // April has 30
           "2017-07-00 12:12:12.123",   // day 0
           "2017-07-08 24:00:00.000",   // hour 24
           "2017-07-08 12:60:12.123",   // minute 60
           "2017-07-08 12:12:60.123",   // no leap second
           "2017-07-08 12:12:12.12",    // two fraction digits
           "2017-07-08 12:12:12.1234",  // four
           "2017-07-08 12:12:12.",      // none after the dot
           "2017-07-08 12:12:12,123",   // comma
           "2017-07-08T12:12:12.123",   // ISO 'T'
           "2017/07/08 12:12:12.123",   // slashes
           "2017-7-08 12:12:12.123",    // one-digit month
           "2017-07-08  12:12:12.12",   // two spaces, same length
           " 2017-07-08 12:12:12.123",  // leading space
           "2017-07-08 12:12:12.123 ",  // trailing space
           "2017-07-08 12:12:1a.123",   // letter
           "2017-07-08 12:12:12.12a",   // letter in the fraction
           "abcd-ef-gh ij:kl:mn.opq",   // letters throughout
           "-017-07-08 12:12:12.123",   // sign
           "2017-07-08 -2:12:12.123",   // negative hour
           "2017-07-08 +2:12:12.123",   // plus sign
           "2017-07-08 12:12:12Z",      // zone suffix
           "20170708121212",            // compact is a different parser
       }) {
    EXPECT_EQ(ParseMillis(bad, kChina), std::nullopt) << '"' << bad << '"';
  }
  // An embedded NUL where a digit belongs.
  EXPECT_EQ(ParseMillis(std::string("2017-07-08 12:12:1\0.123", 23), 0), std::nullopt);
}

TEST(YuntongxunTimeParseTest, CompactSeconds) {
  EXPECT_EQ(ParseCompactSeconds("20170708121212", kChina), 1'499'487'132);
  EXPECT_EQ(ParseCompactSeconds("19700101000000", 0), 0);
  EXPECT_EQ(ParseCompactSeconds("19700101080000", kChina), 0);
  EXPECT_EQ(ParseCompactSeconds("20130201150000", kChina), 1'359'702'000);
  for (const char* bad : {"", "2017070812121", "201707081212120", "20171308121212",
                          "20170230121212", "20170708241212", "20170708126012", "20170708121260",
                          "2017070812121a", "-0170708121212", "+0170708121212", " 0170708121212",
                          "2017-07-08 12:12:12", "２０１７０７０８１２１２１２"}) {
    EXPECT_EQ(ParseCompactSeconds(bad, kChina), std::nullopt) << '"' << bad << '"';
  }
}

TEST(YuntongxunTimeParseTest, HostileOffsetsDoNotOverflow) {
  EXPECT_EQ(ParseMillis("9999-12-31 23:59:59.999", INT32_MIN),
            253'402'300'799'999 - int64_t{INT32_MIN} * 60'000);
  EXPECT_EQ(ParseCompactSeconds("19700101000000", INT32_MAX), -int64_t{INT32_MAX} * 60);
}

TEST(YuntongxunTimeRoundTripTest, EveryDayFrom1970To2500) {
  // Each day (from the second: the first starts in 1969 at -05:30) at a time of day that moves
  // through the hours, minutes and milliseconds, in China and at an odd negative offset.
  for (int offset : {kChina, -330}) {
    for (int64_t day = 1; day < 194'000; ++day) {
      const int64_t unix_ms = day * kMillisPerDay + (day * 7'919'123) % kMillisPerDay;
      const std::string text = FormatMillis(unix_ms, offset);
      ASSERT_EQ(ParseMillis(text, offset), unix_ms) << text;
      ASSERT_EQ(ParseMillis(FormatSeconds(unix_ms, offset), offset), unix_ms - unix_ms % 1'000);
    }
  }
}

TEST(YuntongxunTimeRoundTripTest, CompactAgreesWithMillis) {
  const int64_t unix_ms = 1'499'487'132'123;
  std::string compact;
  for (char c : FormatSeconds(unix_ms, kChina)) {
    if (c >= '0' && c <= '9') compact += c;
  }
  EXPECT_EQ(compact, "20170708121212");
  EXPECT_EQ(ParseCompactSeconds(compact, kChina), unix_ms / 1'000);
}

}  // namespace
}  // namespace fg::yuntongxun
