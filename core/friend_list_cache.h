// UserListCache: each user's whole list of something, in memory, for whole-list reads:
// FriendListCache, a user's alive friends, packed (base/packed_friends.h; NetEase friend/get with
// updatetime=0 is the hot call of a client's start-up); PeerRowsCache, a user's rows (SealTalk's
// /friendship/all).
//
// Correct for one server process per database (the embedded store): FriendService drops a user's
// entry after every committed change to what the list holds, before the change is acknowledged,
// and a reader only installs a list if no drop hit its shard while it was reading from the store,
// so a list read from an older snapshot is never kept. Nodes that share a database with other
// writers must run without it (FriendService takes a null cache).
//
// Bounded (CacheLimits): at most max_bytes estimated bytes in all (the list and what it owns,
// the key and the map's node: core/cache_bytes.h), and at most max_items items (an empty list
// counts as one), each spread evenly over 16 shards; a full shard evicts the entries used longest
// ago until the new one fits, and a list larger than a shard's part is never kept. The bytes
// stats() reports never exceed max_bytes (the items, max_items plus one per shard). Evicted lists
// are freed outside the shard's lock (a reader may still hold them: they go with their last
// holder). Thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/model.h"
#include "base/packed_friends.h"
#include "core/cache_stats.h"
#include "core/lru_map.h"

namespace fg {

// `Value` is a list: it has size(), and SharedListBytes(const Value&) says what it costs.
template <typename Value>
class UserListCache {
 public:
  using List = std::shared_ptr<const Value>;

  // REQUIRES: limits.max_bytes or limits.max_items set.
  explicit UserListCache(CacheLimits limits);

  // What a reader must remember from before its store read to install the result.
  struct Ticket {
    size_t shard;
    uint64_t generation;
  };

  // The cached list, or null with a ticket for Install().
  List Find(AppId app, std::string_view account, Ticket* ticket);
  // Keeps `list` unless the shard changed since `ticket` was taken.
  void Install(AppId app, std::string_view account, const Ticket& ticket, List list);
  // Drops these users' lists. Call after their change committed, before it is acknowledged.
  void Drop(const std::vector<UserKey>& users);
  // Finds that found a list or not since start, and what it holds now.
  CacheStats stats();

  // What one list costs against the byte bound when kept under `key`: the list and what it owns,
  // the key and the map's node.
  static size_t EntryBytes(const std::string& key, const Value& list);

 private:
  static constexpr size_t kShards = 16;
  struct Held {
    List list;
    size_t bytes;  // EntryBytes when installed (the list is immutable)
  };
  struct Shard {
    std::mutex mu;
    uint64_t generation = 0;
    size_t items = 0;
    size_t bytes = 0;
    LruMap<std::string, Held> lists;
  };
  static std::string Key(AppId app, std::string_view account);
  Shard& ShardFor(const std::string& key, size_t* index);

  const size_t max_bytes_per_shard_;  // SIZE_MAX: no byte bound
  const size_t max_items_per_shard_;  // SIZE_MAX: no item bound
  std::array<Shard, kShards> shards_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
};

using FriendListCache = UserListCache<PackedFriends>;
using PeerRowsCache = UserListCache<std::vector<PeerRow>>;
extern template class UserListCache<PackedFriends>;
extern template class UserListCache<std::vector<PeerRow>>;

}  // namespace fg
