// The field helpers every call shares (calls.h).
#include "dialects/sealtalk/calls.h"

#include <gtest/gtest.h>

#include <ctime>

namespace fg::sealtalk {
namespace {

// The same time through the C library, as the first version wrote it.
std::string ByLibc(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return text;
}

TEST(SealtalkFieldsTest, IsoTimeIsUtcWithMilliseconds) {
  EXPECT_EQ(IsoTime(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(IsoTime(1560222477000), "2019-06-11T03:07:57.000Z");
  EXPECT_EQ(IsoTime(1709164800123), "2024-02-29T00:00:00.123Z");  // a leap day
  EXPECT_EQ(IsoTime(4102444799999), "2099-12-31T23:59:59.999Z");
  // Every day of 1970–2100, at a time of day that moves.
  for (int64_t ms = 0; ms < 4'133'980'800'000; ms += 86'400'000 + 3'723'001) {
    ASSERT_EQ(IsoTime(ms), ByLibc(ms)) << ms;
  }
}

TEST(SealtalkFieldsTest, RegionsAndGenders) {
  EXPECT_EQ(NormalRegion("86"), "86");
  EXPECT_EQ(NormalRegion("0086"), "86");
  EXPECT_EQ(NormalRegion("000"), "");
  User u;
  EXPECT_EQ(RegionOf(u), "86");
  u.profile.region = "1";
  EXPECT_EQ(RegionOf(u), "1");
  EXPECT_EQ(GenderOf(u), "male");
  u.profile.gender = 2;
  EXPECT_EQ(GenderOf(u), "female");
}

}  // namespace
}  // namespace fg::sealtalk
