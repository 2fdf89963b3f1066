#include "core/cursor.h"

#include "base/encoding.h"

namespace fg {
namespace {

constexpr size_t kBytes = 1 + 8 + 8;  // kind, list id, last key

void PutInt(std::string& out, int64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>(static_cast<uint64_t>(v) >> shift & 0xFF));
  }
}

int64_t GetInt(std::string_view in) {
  uint64_t v = 0;
  for (char c : in.substr(0, 8)) v = v << 8 | static_cast<uint8_t>(c);
  return static_cast<int64_t>(v);
}

}  // namespace

std::string EncodeCursor(ListKind kind, int64_t list_id, int64_t last_key) {
  std::string raw;
  raw.push_back(static_cast<char>(kind));
  PutInt(raw, list_id);
  PutInt(raw, last_key);
  return Base64Encode(raw, Base64Alphabet::kUrlSafe, Base64Padding::kUnpadded);
}

Result<int64_t> DecodeCursor(std::string_view cursor, ListKind kind, int64_t list_id) {
  auto raw = Base64Decode(cursor, Base64Alphabet::kUrlSafe, Base64Padding::kUnpadded);
  if (!raw || raw->size() != kBytes) return Status(Code::kInvalidArgument, "malformed cursor");
  std::string_view bytes(*raw);
  if (static_cast<uint8_t>(bytes[0]) != static_cast<uint8_t>(kind) ||
      GetInt(bytes.substr(1)) != list_id) {
    return Status(Code::kInvalidArgument, "the cursor belongs to another list");
  }
  return GetInt(bytes.substr(9));
}

}  // namespace fg
