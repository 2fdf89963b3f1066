#include "dialects/common/opaque_id.h"

#include <sodium.h>

#include <cstring>

#include "base/digest.h"

namespace fg::kit {
namespace {

constexpr int kRounds = 4;
constexpr std::string_view kDigits =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

int DigitValue(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'A' && ch <= 'Z') return ch - 'A' + 10;
  if (ch >= 'a' && ch <= 'z') return ch - 'a' + 36;
  return -1;
}

}  // namespace

OpaqueIds::OpaqueIds(std::string_view installation_secret, std::string_view purpose) {
  std::string key =
      HmacSha256(installation_secret, "friendgraph opaque ids " + std::string(purpose));
  static_assert(crypto_shorthash_KEYBYTES == 16);
  std::memcpy(key_.data(), key.data(), key_.size());
}

uint32_t OpaqueIds::Round(uint32_t round, uint32_t half) const {
  unsigned char in[8];
  for (int i = 0; i < 4; ++i) {
    in[i] = static_cast<unsigned char>(round >> (8 * i));
    in[4 + i] = static_cast<unsigned char>(half >> (8 * i));
  }
  unsigned char out[crypto_shorthash_BYTES];
  crypto_shorthash(out, in, sizeof in, key_.data());
  uint32_t value = 0;
  for (int i = 0; i < 4; ++i) value |= static_cast<uint32_t>(out[i]) << (8 * i);
  return value;
}

std::string OpaqueIds::Encode(uint64_t id) const {
  Shard& shard = shards_[id % kShards];
  {
    std::lock_guard lock(shard.mu);
    if (auto it = shard.ids.find(id); it != shard.ids.end()) {
      return std::string(it->second.data(), kLength);
    }
  }
  std::string text = Compute(id);
  std::unordered_map<uint64_t, std::array<char, kLength>> full;  // freed after the lock
  std::lock_guard lock(shard.mu);
  if (shard.ids.size() >= kMaxPerShard) full.swap(shard.ids);
  std::array<char, kLength> copy;
  std::memcpy(copy.data(), text.data(), kLength);
  shard.ids.emplace(id, copy);
  return text;
}

std::string OpaqueIds::Compute(uint64_t id) const {
  uint32_t left = static_cast<uint32_t>(id >> 32);
  uint32_t right = static_cast<uint32_t>(id);
  for (int r = 0; r < kRounds; ++r) {
    uint32_t next = left ^ Round(r, right);
    left = right;
    right = next;
  }
  uint64_t value = (static_cast<uint64_t>(left) << 32) | right;
  std::string text(kLength, '0');
  for (size_t i = kLength; i-- > 0;) {
    text[i] = kDigits[value % 62];
    value /= 62;
  }
  return text;
}

std::optional<uint64_t> OpaqueIds::Decode(std::string_view text) const {
  if (text.size() != kLength) return std::nullopt;
  unsigned __int128 value = 0;
  for (char ch : text) {
    int digit = DigitValue(ch);
    if (digit < 0) return std::nullopt;
    value = value * 62 + static_cast<unsigned>(digit);
  }
  if (value > UINT64_MAX) return std::nullopt;
  uint64_t v = static_cast<uint64_t>(value);
  uint32_t left = static_cast<uint32_t>(v >> 32);
  uint32_t right = static_cast<uint32_t>(v);
  for (int r = kRounds; r-- > 0;) {
    uint32_t prev = right ^ Round(r, left);
    right = left;
    left = prev;
  }
  return (static_cast<uint64_t>(left) << 32) | right;
}

}  // namespace fg::kit
