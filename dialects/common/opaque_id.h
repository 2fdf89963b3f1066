// Opaque user ids (DESIGN.md §2b): a keyed permutation of the internal 64-bit id, written as 11
// base62 characters (SealTalk's user ids). Stable for the user's life, the same in every answer,
// not sequential, and neither derivable nor invertible without the installation secret.
//
// The permutation is a 4-round Feistel network over the id's two 32-bit halves, each round
// function SipHash-2-4 (libsodium's crypto_shorthash) of the round number and the half under a
// key derived from the installation secret and a purpose: HMAC-SHA256(secret, "friendgraph
// opaque ids " + purpose). Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace fg::kit {

class OpaqueIds {
 public:
  OpaqueIds(const OpaqueIds&) = delete;
  OpaqueIds& operator=(const OpaqueIds&) = delete;
  static constexpr size_t kLength = 11;  // 62^11 > 2^64

  // REQUIRES: installation_secret is non-empty; purpose is a fixed label such as "sealtalk".
  OpaqueIds(std::string_view installation_secret, std::string_view purpose);

  // Remembers what it computed for recent ids (bounded, sharded): a listing encodes the same
  // few ids over and over.
  std::string Encode(uint64_t id) const;
  // The id `text` names; nullopt for anything Encode never makes (wrong length, a character
  // outside [0-9A-Za-z], a value over 64 bits). Any input is safe.
  std::optional<uint64_t> Decode(std::string_view text) const;

 private:
  uint32_t Round(uint32_t round, uint32_t half) const;
  std::string Compute(uint64_t id) const;

  static constexpr size_t kShards = 16;
  static constexpr size_t kMaxPerShard = 8192;  // past it a shard starts again empty
  struct Shard {
    std::mutex mu;
    std::unordered_map<uint64_t, std::array<char, kLength>> ids;  // guarded by mu
  };
  std::array<unsigned char, 16> key_{};
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace fg::kit
