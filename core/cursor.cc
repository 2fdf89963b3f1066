#include "core/cursor.h"

#include <array>

namespace fg {
namespace {

constexpr char kDigits[] = "0123456789abcdef";
constexpr size_t kBytes = 1 + 8 + 8;  // kind, list id, last key

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::string EncodeCursor(ListKind kind, int64_t list_id, int64_t last_key) {
  std::array<uint8_t, kBytes> raw{};
  raw[0] = static_cast<uint8_t>(kind);
  for (int i = 0; i < 8; ++i) {
    raw[1 + i] = static_cast<uint8_t>(static_cast<uint64_t>(list_id) >> (56 - 8 * i));
    raw[9 + i] = static_cast<uint8_t>(static_cast<uint64_t>(last_key) >> (56 - 8 * i));
  }
  std::string out;
  out.reserve(2 * kBytes);
  for (uint8_t b : raw) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

Result<int64_t> DecodeCursor(std::string_view cursor, ListKind kind, int64_t list_id) {
  if (cursor.size() != 2 * kBytes) return Status(Code::kInvalidArgument, "malformed cursor");
  std::array<uint8_t, kBytes> raw{};
  for (size_t i = 0; i < kBytes; ++i) {
    int hi = HexValue(cursor[2 * i]), lo = HexValue(cursor[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status(Code::kInvalidArgument, "malformed cursor");
    raw[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  uint64_t id = 0, key = 0;
  for (int i = 0; i < 8; ++i) {
    id = id << 8 | raw[1 + i];
    key = key << 8 | raw[9 + i];
  }
  if (raw[0] != static_cast<uint8_t>(kind) || static_cast<int64_t>(id) != list_id) {
    return Status(Code::kInvalidArgument, "the cursor belongs to another list");
  }
  return static_cast<int64_t>(key);
}

}  // namespace fg
