// Hex and Base64, the text forms of bytes that the vendor APIs use (signatures, Authorization
// headers, tokens). Pure functions: thread-safe, no allocation beyond the result.
//
// Decoders are strict: a string is accepted only in its one canonical form (no whitespace, no
// characters outside the alphabet, padding exactly as asked, unused trailing bits zero), so that
// changing any character of an encoded token changes the bytes it decodes to.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fg {

// Two hex digits per byte, lower-case ("0a1b") or upper-case ("0A1B").
std::string HexEncode(std::string_view bytes);
std::string HexEncodeUpper(std::string_view bytes);
// `text` with every byte outside printable ASCII, and '"', '\\' and ' ', as %XX: safe to echo in
// JSON or a log line whatever bytes a client sent (a request target may hold any byte).
std::string PercentEncodeUnprintable(std::string_view text);

// `text` with ASCII letters lower-cased, other bytes as they are (case-insensitive ids: accounts,
// hex appIds).
std::string AsciiLowerCase(std::string_view text);

// The bytes of an even number of hex digits, either case. nullopt on anything else.
std::optional<std::string> HexDecode(std::string_view text);

enum class Base64Alphabet {
  kStandard,  // RFC 4648 §4: A-Z a-z 0-9 + /
  kUrlSafe,   // RFC 4648 §5: A-Z a-z 0-9 - _
};

enum class Base64Padding {
  kPadded,    // '=' fills the last group to 4 characters
  kUnpadded,  // no '=' at all
};

std::string Base64Encode(std::string_view bytes, Base64Alphabet alphabet, Base64Padding padding);
// The bytes `text` encodes in exactly this alphabet and padding; nullopt on anything else
// (a foreign character, a length no encoder produces, misplaced '=', non-zero unused bits).
std::optional<std::string> Base64Decode(std::string_view text, Base64Alphabet alphabet,
                                        Base64Padding padding);

}  // namespace fg
