// The memory budget (`memory_budget_mb`, docs/configuration.md): one number that bounds what the
// server keeps in memory beyond its fixed overhead, split in one place among the store's page
// cache and the in-memory caches of core.
#pragma once

#include <cstdint>

namespace fg {

// What each holder of memory may keep, in bytes. The shares add up to `total` exactly.
struct MemoryBudget {
  uint64_t total = 0;
  uint64_t store = 0;         // SQLite's heap, every connection's page cache included
  uint64_t friend_lists = 0;  // FriendListCache: whole friend lists (friend/get, getFriends)
  uint64_t users = 0;         // UserCache: the cards listings show
  uint64_t peer_rows = 0;     // PeerRowsCache: SealTalk's rows (/friendship/all)
};

// The split, in percent of the total. Why these: the store's page cache serves every read the
// caches miss, every write's B-tree pages and every index lookup, so it gets half. Of the caches,
// whole friend lists answer the hottest call (a client's start-up list) and are the largest per
// user (packed, about 20 B per friend without fields: the lists of 1M users x 50 friends take
// about 0.9 GB), so they get most; a user card is one small object per user, and
// SealTalk's rows serve one dialect's listing, so each gets a tenth. A share is a ceiling, not a
// reservation: a cache nothing reads (SealTalk's rows without a SealTalk app) costs nothing.
inline constexpr uint64_t kStorePercent = 50;
inline constexpr uint64_t kFriendListsPercent = 30;
inline constexpr uint64_t kUsersPercent = 10;
// The peer rows get the rest (10 %), so that rounding never loses a byte.

// The shares of `total_bytes`. Pure.
MemoryBudget SplitBudget(uint64_t total_bytes);

// The default `memory_budget_mb`: a quarter of the machine's physical memory, at least 64 MiB (64
// when the physical memory cannot be read).
int64_t DefaultMemoryBudgetMb();

}  // namespace fg
