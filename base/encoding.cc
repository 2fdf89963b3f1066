#include "base/encoding.h"

#include <array>
#include <cstdint>

namespace fg {
namespace {

std::string Hex(std::string_view bytes, const char* digits) {
  std::string out(bytes.size() * 2, '\0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    auto b = static_cast<unsigned char>(bytes[i]);
    out[2 * i] = digits[b >> 4];
    out[2 * i + 1] = digits[b & 0xF];
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlSafe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Character -> 6-bit value, -1 for characters outside the alphabet. Built at compile time so
// that decoding is one table load per character.
constexpr std::array<int8_t, 256> ReverseTable(const char* alphabet) {
  std::array<int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 64; ++i)
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  return table;
}
constexpr auto kStandardReverse = ReverseTable(kStandard);
constexpr auto kUrlSafeReverse = ReverseTable(kUrlSafe);

}  // namespace

std::string HexEncode(std::string_view bytes) { return Hex(bytes, "0123456789abcdef"); }
std::string HexEncodeUpper(std::string_view bytes) { return Hex(bytes, "0123456789ABCDEF"); }

std::optional<std::string> HexDecode(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out(text.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(text[2 * i]), lo = HexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::string Base64Encode(std::string_view bytes, Base64Alphabet alphabet, Base64Padding padding) {
  const char* digits = alphabet == Base64Alphabet::kStandard ? kStandard : kUrlSafe;
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t group = static_cast<unsigned char>(bytes[i]) << 16 |
                     static_cast<unsigned char>(bytes[i + 1]) << 8 |
                     static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(digits[group >> 18]);
    out.push_back(digits[group >> 12 & 0x3F]);
    out.push_back(digits[group >> 6 & 0x3F]);
    out.push_back(digits[group & 0x3F]);
  }
  size_t rest = bytes.size() - i;
  if (rest == 0) return out;
  uint32_t group = static_cast<unsigned char>(bytes[i]) << 16;
  if (rest == 2) group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
  out.push_back(digits[group >> 18]);
  out.push_back(digits[group >> 12 & 0x3F]);
  if (rest == 2) out.push_back(digits[group >> 6 & 0x3F]);
  if (padding == Base64Padding::kPadded) out.append(3 - rest, '=');
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text, Base64Alphabet alphabet,
                                        Base64Padding padding) {
  const auto& reverse = alphabet == Base64Alphabet::kStandard ? kStandardReverse : kUrlSafeReverse;
  if (padding == Base64Padding::kPadded) {
    if (text.size() % 4 != 0) return std::nullopt;
    // At most two '=', only at the very end; the digits before them decode unpadded.
    size_t pad = 0;
    while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
    text.remove_suffix(pad);
  }
  // A final group of one character cannot come from any number of bytes.
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t group = 0;
  int bits = 0;
  for (char c : text) {
    int v = reverse[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;  // includes a third '=' or one in the middle
    group = group << 6 | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>(group >> bits & 0xFF));
    }
  }
  // Leftover bits must be zero, else two texts would decode to the same bytes.
  if ((group & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string AsciiLowerCase(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string PercentEncodeUnprintable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c > 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace fg
