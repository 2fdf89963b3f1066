#include "core/friend_list_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/cache_bytes.h"

namespace fg {
namespace {

FriendListCache::List ListOf(size_t n) {
  return MakeFriendList(1, 1, std::vector<FriendView>(n, [] {
                          FriendView v;
                          v.edge.owner = 1;
                          v.edge.peer_app = 1;
                          return v;
                        }()));
}

TEST(FriendListCacheTest, InstallsThenFinds) {
  FriendListCache cache(CacheLimits{.max_items = 10'000});
  FriendListCache::Ticket ticket;
  EXPECT_EQ(cache.Find(1, "a", &ticket), nullptr);
  cache.Install(1, "a", ticket, ListOf(3));
  auto found = cache.Find(1, "a", &ticket);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->size(), 3u);
  EXPECT_EQ(cache.Find(2, "a", &ticket), nullptr);  // another app
}

// The bench at 100k users found a full cache that evicted its newest lists: once cold reads had
// filled it, each list installed pushed out the one installed before it, and a hot set never got
// in again. Lists are evicted least recently used first.
TEST(FriendListCacheTest, AHotSetGetsIntoAFullCacheAndStaysWhileColdListsPass) {
  FriendListCache cache(CacheLimits{.max_items = 16 * 10});  // ten one-item lists per shard
  FriendListCache::Ticket ticket;
  auto read = [&](const std::string& account) {
    if (cache.Find(1, account, &ticket)) return true;
    cache.Install(1, account, ticket, ListOf(1));
    return false;
  };
  for (int i = 0; i < 1'000; ++i) read("cold" + std::to_string(i));  // full
  std::vector<std::string> hot;
  for (int i = 0; i < 16; ++i) hot.push_back("hot" + std::to_string(i));
  for (const auto& h : hot) EXPECT_FALSE(read(h));
  for (int round = 0; round < 50; ++round) {
    for (const auto& h : hot) EXPECT_TRUE(read(h)) << h << " in round " << round;
    for (int i = 0; i < 20; ++i) read("cold" + std::to_string(1'000 + round * 20 + i));
  }
  EXPECT_LE(cache.stats().items, 16u * 11);
}

TEST(FriendListCacheTest, CountsHitsMissesEntriesAndItems) {
  FriendListCache cache(CacheLimits{.max_items = 10'000});
  FriendListCache::Ticket ticket;
  EXPECT_EQ(cache.Find(1, "a", &ticket), nullptr);
  cache.Install(1, "a", ticket, ListOf(3));
  EXPECT_NE(cache.Find(1, "a", &ticket), nullptr);
  EXPECT_NE(cache.Find(1, "a", &ticket), nullptr);
  EXPECT_EQ(cache.Find(1, "b", &ticket), nullptr);
  cache.Install(1, "b", ticket, ListOf(0));  // an empty list counts one
  CacheStats s = cache.stats();
  EXPECT_EQ(s.hits, 2u);
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.entries, 2u);
  EXPECT_EQ(s.items, 4u);
  cache.Drop({{1, "a"}});
  EXPECT_EQ(cache.stats().items, 1u);
}

TEST(FriendListCacheTest, ADropDuringTheReadKeepsTheStaleListOut) {
  FriendListCache cache(CacheLimits{.max_items = 10'000});
  FriendListCache::Ticket ticket;
  ASSERT_EQ(cache.Find(1, "a", &ticket), nullptr);
  cache.Drop({{1, "a"}});  // a writer committed while the reader was reading
  cache.Install(1, "a", ticket, ListOf(1));
  EXPECT_EQ(cache.Find(1, "a", &ticket), nullptr);
}

TEST(FriendListCacheTest, DropRemoves) {
  FriendListCache cache(CacheLimits{.max_items = 10'000});
  FriendListCache::Ticket ticket;
  cache.Find(1, "a", &ticket);
  cache.Install(1, "a", ticket, ListOf(1));
  cache.Drop({{1, "b"}, {1, "a"}});
  EXPECT_EQ(cache.Find(1, "a", &ticket), nullptr);
}

TEST(FriendListCacheTest, StaysWithinItsBound) {
  FriendListCache cache(CacheLimits{.max_items = 16 * 4});  // four items per shard
  int kept = 0;
  for (int i = 0; i < 1000; ++i) {
    FriendListCache::Ticket ticket;
    std::string account = "u" + std::to_string(i);
    cache.Find(1, account, &ticket);
    cache.Install(1, account, ticket, ListOf(2));
  }
  for (int i = 0; i < 1000; ++i) {
    FriendListCache::Ticket ticket;
    kept += cache.Find(1, "u" + std::to_string(i), &ticket) != nullptr;
  }
  EXPECT_GT(kept, 0);
  EXPECT_LE(kept, 16 * 2 + 16);  // at most two lists of two per shard (+ rounding)
  FriendListCache::Ticket ticket;
  cache.Find(1, "huge", &ticket);
  cache.Install(1, "huge", ticket, ListOf(1000));  // larger than a shard: not kept
  EXPECT_EQ(cache.Find(1, "huge", &ticket), nullptr);
}

TEST(FriendListCacheTest, EmptyListsCountAgainstTheBound) {
  FriendListCache cache(CacheLimits{.max_items = 16 * 4});  // 16 shards of at most 5 lists' worth
  auto empty = ListOf(0);
  for (int i = 0; i < 1000; ++i) {
    FriendListCache::Ticket t;
    std::string account = "u" + std::to_string(i);
    ASSERT_EQ(cache.Find(1, account, &t), nullptr);
    cache.Install(1, account, t, empty);
  }
  int kept = 0;
  for (int i = 0; i < 1000; ++i) {
    FriendListCache::Ticket t;
    kept += cache.Find(1, "u" + std::to_string(i), &t) != nullptr;
  }
  EXPECT_GT(kept, 0);
  EXPECT_LE(kept, 16 * 5);
}

// A list of n friends with 20-byte accounts and 100-byte aliases.
FriendListCache::List FriendsOf(size_t n) {
  std::vector<FriendView> friends;
  for (size_t i = 0; i < n; ++i) {
    FriendView v;
    v.edge.owner = 1;
    v.edge.peer_app = 1;
    v.peer_account = "the-peer-account-" + std::to_string(100 + i);
    v.edge.peer_account = v.peer_account;
    v.edge.fields.alias = std::string(100, 'a');
    friends.push_back(std::move(v));
  }
  return MakeFriendList(1, 1, friends);
}

TEST(FriendListCacheTest, EntryBytesCountTheListItsBytesAndTheNode) {
  std::string key = "1/a-key-long-enough-for-the-heap";
  PackedFriends empty(1, 1, {});
  auto list = FriendsOf(10);
  size_t empty_bytes = FriendListCache::EntryBytes(key, empty);
  size_t list_bytes = FriendListCache::EntryBytes(key, *list);
  EXPECT_GE(empty_bytes, HeapBytes(key) + kControlBlockBytes + sizeof(PackedFriends));
  // Ten items, each with its account and alias.
  EXPECT_GE(list_bytes - empty_bytes, 10 * (20 + 100));
  EXPECT_GT(FriendListCache::EntryBytes(key, *FriendsOf(11)), list_bytes);
}

TEST(FriendListCacheTest, AFriendOfABigGraphCostsAtMostAHundredBytes) {
  // 50 friends as a 1M-user graph's list (bench/make_graph.py): 6-character accounts, no fields.
  std::vector<FriendView> friends;
  for (int i = 0; i < 50; ++i) {
    FriendView v;
    v.edge.owner = 500'000;
    v.edge.peer = 500'000 - 25 + i + (i >= 25);
    v.edge.peer_app = 1;
    v.peer_account = v.edge.peer_account = "u" + std::to_string(v.edge.peer);
    v.edge.alive = v.edge.peer_alive = v.bidirectional = true;
    v.edge.created_ms = v.edge.updated_ms = 1'800'000'000'000 + i;
    v.edge.version = i + 1;
    friends.push_back(std::move(v));
  }
  auto list = MakeFriendList(1, 500'000, friends);
  EXPECT_LE(FriendListCache::EntryBytes("1/u500000", *list), 50u * 100);
}

TEST(FriendListCacheTest, StaysWithinItsByteBoundAndEvicts) {
  constexpr size_t kBound = 1 << 20;  // 64 KiB per shard, about ten lists
  FriendListCache cache(CacheLimits{.max_bytes = kBound});
  auto list = FriendsOf(10);
  const size_t each = FriendListCache::EntryBytes("1/u0000", *list);
  constexpr int kUsers = 1000;  // many times what fits
  size_t most_entries = 0;
  for (int i = 0; i < kUsers; ++i) {
    FriendListCache::Ticket ticket;
    std::string account = "u" + std::to_string(1000 + i);  // keys of one length: one cost
    ASSERT_EQ(cache.Find(1, account, &ticket), nullptr);
    cache.Install(1, account, ticket, list);
    CacheStats s = cache.stats();
    ASSERT_LE(s.bytes, kBound) << "after " << i + 1 << " lists";
    EXPECT_EQ(s.bytes, s.entries * each);
    EXPECT_EQ(s.items, s.entries * 10);
    most_entries = std::max<size_t>(most_entries, s.entries);
  }
  CacheStats s = cache.stats();
  EXPECT_LT(s.entries, static_cast<uint64_t>(kUsers));  // evicted
  // Each shard fills up to a list short of its bound: most of the bound is used.
  EXPECT_GE(s.bytes, kBound - 16 * each);
  EXPECT_LE(most_entries, kBound / each);
  EXPECT_GT(s.entries, 16u);
  int kept = 0;
  for (int i = 0; i < kUsers; ++i) {
    FriendListCache::Ticket ticket;
    kept += cache.Find(1, "u" + std::to_string(1000 + i), &ticket) != nullptr;
  }
  EXPECT_EQ(static_cast<uint64_t>(kept), s.entries);
}

TEST(FriendListCacheTest, AListLargerThanAShardsShareIsNotKept) {
  FriendListCache cache(CacheLimits{.max_bytes = 16 * 4096});  // 4 KiB per shard
  FriendListCache::Ticket ticket;
  cache.Find(1, "huge", &ticket);
  cache.Install(1, "huge", ticket, FriendsOf(100));
  EXPECT_EQ(cache.Find(1, "huge", &ticket), nullptr);
  EXPECT_EQ(cache.stats().bytes, 0u);
}

TEST(FriendListCacheTest, BothBoundsApply) {
  // Plenty of bytes, one list of 2 per shard by items.
  FriendListCache cache(CacheLimits{.max_bytes = 64 << 20, .max_items = 16 * 2});
  auto list = FriendsOf(2);
  for (int i = 0; i < 200; ++i) {
    FriendListCache::Ticket ticket;
    std::string account = "u" + std::to_string(i);
    cache.Find(1, account, &ticket);
    cache.Install(1, account, ticket, list);
  }
  CacheStats s = cache.stats();
  EXPECT_LE(s.entries, 16u);
  EXPECT_LE(s.items, 16u * 3);
  EXPECT_EQ(s.bytes, s.entries * FriendListCache::EntryBytes("1/u100", *list));
}

TEST(FriendListCacheTest, DropGivesBackTheBytes) {
  FriendListCache cache(CacheLimits{.max_bytes = 1 << 20});
  FriendListCache::Ticket ticket;
  cache.Find(1, "a", &ticket);
  cache.Install(1, "a", ticket, FriendsOf(3));
  EXPECT_GT(cache.stats().bytes, 0u);
  cache.Drop({{1, "a"}});
  EXPECT_EQ(cache.stats().bytes, 0u);
  EXPECT_EQ(cache.stats().entries, 0u);
}

TEST(PeerRowsCacheTest, StaysWithinItsByteBound) {
  constexpr size_t kBound = 64 * 1024;
  PeerRowsCache cache(CacheLimits{.max_bytes = kBound});
  auto rows = std::make_shared<std::vector<PeerRow>>(10);
  for (PeerRow& r : *rows) r.message = std::string(200, 'm');
  for (int i = 0; i < 500; ++i) {
    PeerRowsCache::Ticket ticket;
    std::string account = "u" + std::to_string(i);
    cache.Find(1, account, &ticket);
    cache.Install(1, account, ticket, rows);
    ASSERT_LE(cache.stats().bytes, kBound);
  }
  EXPECT_LT(cache.stats().entries, 500u);
  EXPECT_GT(PeerRowsCache::EntryBytes("1/u1", *rows), 10 * (sizeof(PeerRow) + 200));
}

}  // namespace
}  // namespace fg
