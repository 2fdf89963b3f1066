// UserCache: users as listings show them (id, app, account, profile, add policy), by id, in
// memory, so that a friend list with each friend's nickname and avatar (Yuntongxun getFriends)
// answers without a store read.
//
// The same protocol as FriendListCache, for the same reason (one server process per database):
// FriendService drops a user after every committed change to their profile, before the change is
// acknowledged, and a reader installs what it read only if no drop hit that shard while it was
// reading. Entries hold no secrets and no counters (they would be stale at once).
//
// Bounded: at most max_users entries, spread over shards; a full shard evicts arbitrary
// entries. Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "base/model.h"
#include "core/cache_stats.h"

namespace fg {

class UserCache {
 public:
  using Entry = std::shared_ptr<const User>;

  explicit UserCache(size_t max_users) : max_per_shard_(max_users / kShards + 1) {}

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

  // `user` without what a listing never shows: token, password hash, counters.
  static Entry Card(User user);

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    uint64_t generation = 0;
    std::unordered_map<UserId, Entry> users;
  };
  Shard& ShardFor(UserId id, size_t* index) {
    *index = static_cast<size_t>(id) % kShards;
    return shards_[*index];
  }

  const size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
};

}  // namespace fg
