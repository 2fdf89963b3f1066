// Yuntongxun's wall-clock texts. The vendor writes times in the app's local zone (China, UTC+8)
// with no offset in the text: "yyyy-MM-dd HH:mm:ss.SSS" in bodies (getFriends `timestamp`,
// uploadAvatar `updateTime`), "yyyy-MM-dd HH:mm:ss" in others, and "yyyyMMddHHmmss" as the signed
// request timestamp. A fixed offset from UTC stands for that zone (China has kept no daylight
// saving time since 1991), so no time zone database and no libc time state (localtime, timegm,
// TZ) is involved.
//
// Pure functions over the proleptic Gregorian calendar, no leap seconds: thread-safe, and total —
// no input, however hostile, overflows or is undefined behaviour.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fg::yuntongxun {

// The offset in minutes east of UTC written as "+HH:MM" or "-HH:MM" (exactly six characters,
// ASCII digits, MM 00-59), or "Z" for UTC; +480 for "+08:00", -330 for "-05:30". Accepts
// -14:00 to +14:00, the span of the world's zones. nullopt on anything else, including "-00:00"
// (RFC 3339's "offset unknown"), "+0800", "+8:00" and surrounding whitespace.
std::optional<int> ParseUtcOffset(std::string_view text);

// The instant `unix_ms` (milliseconds since 1970-01-01 00:00:00 UTC) as local time in the zone
// `offset_min` minutes east of UTC: "yyyy-MM-dd HH:mm:ss.SSS", e.g. "1970-01-01 08:00:00.000"
// for 0 at +480. Instants before the epoch count back (-1 at +0 is "1969-12-31 23:59:59.999").
// Defined for every int64_t and int; years outside 0-9999, which no real clock reaches, are
// printed with more digits or a '-' sign and cannot be parsed back.
std::string FormatMillis(int64_t unix_ms, int offset_min);
// The same instant to the second, "yyyy-MM-dd HH:mm:ss": the milliseconds are dropped (the
// local time is truncated, never rounded up).
std::string FormatSeconds(int64_t unix_ms, int offset_min);

// The instant written as local time in the zone `offset_min` minutes east of UTC, in
// milliseconds since the Unix epoch: "yyyy-MM-dd HH:mm:ss.SSS" (exactly three fraction digits)
// or "yyyy-MM-dd HH:mm:ss" (fraction 0). The text must be exactly one of these layouts: ASCII
// digits where the layout has digits, no sign, no whitespace around or inside beyond the one
// space; year 1970-9999, month 1-12, a day that the month has in that year (Feb 29 in leap years
// only), hour 0-23, minute 0-59, second 0-59 (no leap second). The year range applies to the
// local text, so "1970-01-01 00:00:00" at +08:00 is -28,800,000, before the epoch in UTC.
// nullopt on anything else. Any offset_min is accepted; ParseUtcOffset's range is the meaningful
// one.
std::optional<int64_t> ParseMillis(std::string_view text, int offset_min);

// The instant written as "yyyyMMddHHmmss" (exactly 14 ASCII digits, the Authorization and sig
// timestamp) in the zone `offset_min` minutes east of UTC, in seconds since the Unix epoch.
// The same field checks as ParseMillis; nullopt on anything else.
std::optional<int64_t> ParseCompactSeconds(std::string_view text, int offset_min);

}  // namespace fg::yuntongxun
