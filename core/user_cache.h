// UserCache: users as listings show them (id, app, account, profile, add policy), by id, in
// memory, so that a friend list with each friend's nickname and avatar (Yuntongxun getFriends)
// answers without a store read.
//
// The same protocol as FriendListCache, for the same reason (one server process per database):
// FriendService drops a user after every committed change to their profile, before the change is
// acknowledged, and a reader installs what it read only if no drop hit that shard while it was
// reading. Entries hold no secrets and no counters (they would be stale at once).
//
// Bounded (CacheLimits): at most max_bytes estimated bytes in all (the card, its strings and the
// map's node: core/cache_bytes.h), and at most max_items users, each spread evenly over 16
// shards; a full shard evicts the entries used longest ago until the new one fits, and a card
// larger than a shard's part is never kept. The bytes stats() reports never exceed max_bytes (the
// users, max_items plus one per shard). Evicted cards are freed outside the shard's lock.
// Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "base/model.h"
#include "core/cache_stats.h"
#include "core/lru_map.h"

namespace fg {

class UserCache {
 public:
  using Entry = std::shared_ptr<const User>;

  // REQUIRES: limits.max_bytes or limits.max_items set.
  explicit UserCache(CacheLimits limits);

  struct Ticket {
    size_t shard;
    uint64_t generation;
  };

  // The cached user, or null with a ticket for Install().
  Entry Find(UserId id, Ticket* ticket);
  // Keeps `user` (as Card() makes it) unless its shard changed since `ticket`.
  void Install(const Ticket& ticket, Entry user);
  // Drops these users. Call after their change committed, before it is acknowledged.
  void Drop(const std::vector<UserId>& ids);
  // Finds that found a user or not since start, and the users held now (entries = items).
  CacheStats stats();

  // `user` without what a listing never shows: token, password hash (their memory released),
  // counters.
  static Entry Card(User user);
  // What one card costs against the byte bound: the card, its strings and the map's node.
  static size_t EntryBytes(const User& card);

 private:
  static constexpr size_t kShards = 16;
  struct Held {
    Entry user;
    size_t bytes;  // EntryBytes when installed (the card is immutable)
  };
  struct Shard {
    std::mutex mu;
    uint64_t generation = 0;
    size_t bytes = 0;
    LruMap<UserId, Held> users;
  };
  Shard& ShardFor(UserId id, size_t* index) {
    *index = static_cast<size_t>(id) % kShards;
    return shards_[*index];
  }

  const size_t max_bytes_per_shard_;  // SIZE_MAX: no byte bound
  const size_t max_per_shard_;        // users; SIZE_MAX: no item bound
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
};

}  // namespace fg
