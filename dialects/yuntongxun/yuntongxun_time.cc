#include "dialects/yuntongxun/yuntongxun_time.h"

#include <fmt/format.h>

namespace fg::yuntongxun {
namespace {

constexpr int64_t kSecondsPerDay = 86'400;
constexpr int64_t kMillisPerDay = kSecondsPerDay * 1'000;
constexpr int kMaxOffsetMinutes = 14 * 60;

// Division rounding toward negative infinity, and its remainder in [0, d), for d > 0: an instant
// before the epoch belongs to the day that starts before it, not the one after.
int64_t FloorDiv(int64_t n, int64_t d) { return n / d - (n % d < 0 ? 1 : 0); }
int64_t FloorMod(int64_t n, int64_t d) { return n % d + (n % d < 0 ? d : 0); }

bool IsLeapYear(int64_t y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

struct CivilDate {
  int64_t year;
  int month;  // 1-12
  int day;    // 1-31
};

// Howard Hinnant's days_from_civil and civil_from_days ("chrono-Compatible Low-Level Date
// Algorithms"), in int64_t: std::chrono::year stops at ±32767, and formatting must be defined for
// every int64_t instant. Day 0 is 1970-01-01; the computation counts in 400-year eras from
// 0000-03-01 so that the leap day ends each year.
int64_t DaysFromCivil(CivilDate date) {
  const int64_t y = date.year - (date.month <= 2 ? 1 : 0);
  const int64_t era = FloorDiv(y, 400);
  const int64_t year_of_era = y - era * 400;
  const int64_t day_of_year =
      (153 * (date.month > 2 ? date.month - 3 : date.month + 9) + 2) / 5 + date.day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146'097 + day_of_era - 719'468;
}

CivilDate CivilFromDays(int64_t days) {
  const int64_t z = days + 719'468;
  const int64_t era = FloorDiv(z, 146'097);
  const int64_t day_of_era = z - era * 146'097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1'460 + day_of_era / 36'524 - day_of_era / 146'096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t shifted_month = (5 * day_of_year + 2) / 153;  // 0 is March
  const int month = static_cast<int>(shifted_month < 10 ? shifted_month + 3 : shifted_month - 9);
  const int day = static_cast<int>(day_of_year - (153 * shifted_month + 2) / 5 + 1);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

struct LocalTime {
  CivilDate date;
  int64_t millis_of_day;  // [0, kMillisPerDay)
};

// Splitting into day and time of day before adding the offset keeps every sum far from the
// int64_t limits, whatever unix_ms and offset_min are.
LocalTime ToLocal(int64_t unix_ms, int offset_min) {
  const int64_t shifted = FloorMod(unix_ms, kMillisPerDay) + int64_t{offset_min} * 60'000;
  const int64_t days = FloorDiv(unix_ms, kMillisPerDay) + FloorDiv(shifted, kMillisPerDay);
  return {CivilFromDays(days), FloorMod(shifted, kMillisPerDay)};
}

std::string FormatToSecond(const LocalTime& t) {
  const int64_t seconds = t.millis_of_day / 1'000;
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", t.date.year, t.date.month, t.date.day,
                     seconds / 3'600, seconds / 60 % 60, seconds % 60);
}

// The number written by text[pos, pos + count) when every one of those characters is an ASCII
// digit (count <= 4, so it fits); std::isdigit would depend on the locale.
std::optional<int> Digits(std::string_view text, size_t pos, size_t count) {
  int value = 0;
  for (char c : text.substr(pos, count)) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Seconds since the epoch of a local wall-clock time read as if it were UTC; nullopt when a
// field is out of range. Fields are non-negative, having been read from digits.
std::optional<int64_t> LocalSeconds(int year, int month, int day, int hour, int minute,
                                    int second) {
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  return DaysFromCivil({year, month, day}) * kSecondsPerDay + hour * 3'600 + minute * 60 + second;
}

}  // namespace

std::optional<int> ParseUtcOffset(std::string_view text) {
  if (text == "Z") return 0;
  if (text.size() != 6 || (text[0] != '+' && text[0] != '-') || text[3] != ':') {
    return std::nullopt;
  }
  std::optional<int> hours = Digits(text, 1, 2);
  std::optional<int> minutes = Digits(text, 4, 2);
  if (!hours || !minutes || *minutes > 59) return std::nullopt;
  const int offset = *hours * 60 + *minutes;
  if (offset > kMaxOffsetMinutes || (text[0] == '-' && offset == 0)) return std::nullopt;
  return text[0] == '-' ? -offset : offset;
}

std::string FormatMillis(int64_t unix_ms, int offset_min) {
  const LocalTime local = ToLocal(unix_ms, offset_min);
  return fmt::format("{}.{:03}", FormatToSecond(local), local.millis_of_day % 1'000);
}

std::string FormatSeconds(int64_t unix_ms, int offset_min) {
  return FormatToSecond(ToLocal(unix_ms, offset_min));
}

std::optional<int64_t> ParseMillis(std::string_view text, int offset_min) {
  // yyyy-MM-dd HH:mm:ss[.SSS]
  // 0123456789012345678 9012
  const bool has_fraction = text.size() == 23;
  if (text.size() != 19 && !has_fraction) return std::nullopt;
  if (text[4] != '-' || text[7] != '-' || text[10] != ' ' || text[13] != ':' || text[16] != ':' ||
      (has_fraction && text[19] != '.')) {
    return std::nullopt;
  }
  std::optional<int> year = Digits(text, 0, 4), month = Digits(text, 5, 2),
                     day = Digits(text, 8, 2), hour = Digits(text, 11, 2),
                     minute = Digits(text, 14, 2), second = Digits(text, 17, 2);
  std::optional<int> millis = has_fraction ? Digits(text, 20, 3) : 0;
  if (!year || !month || !day || !hour || !minute || !second || !millis) return std::nullopt;
  std::optional<int64_t> local = LocalSeconds(*year, *month, *day, *hour, *minute, *second);
  if (!local) return std::nullopt;
  return *local * 1'000 + *millis - int64_t{offset_min} * 60'000;
}

std::optional<int64_t> ParseCompactSeconds(std::string_view text, int offset_min) {
  if (text.size() != 14) return std::nullopt;
  std::optional<int> year = Digits(text, 0, 4), month = Digits(text, 4, 2),
                     day = Digits(text, 6, 2), hour = Digits(text, 8, 2),
                     minute = Digits(text, 10, 2), second = Digits(text, 12, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  std::optional<int64_t> local = LocalSeconds(*year, *month, *day, *hour, *minute, *second);
  if (!local) return std::nullopt;
  return *local - int64_t{offset_min} * 60;
}

}  // namespace fg::yuntongxun
