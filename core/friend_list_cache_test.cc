#include "core/friend_list_cache.h"

#include <gtest/gtest.h>

namespace fg {
namespace {

FriendListCache::List ListOf(size_t n) {
  auto list = std::make_shared<std::vector<FriendView>>(n);
  return list;
}

TEST(FriendListCacheTest, InstallsThenFinds) {
  FriendListCache cache(10'000);
  FriendListCache::Ticket ticket;
  EXPECT_EQ(cache.Find(1, "a", &ticket), nullptr);
  cache.Install(1, "a", ticket, ListOf(3));
  auto found = cache.Find(1, "a", &ticket);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->size(), 3u);
  EXPECT_EQ(cache.Find(2, "a", &ticket), nullptr);  // another app
}

TEST(FriendListCacheTest, CountsHitsMissesEntriesAndItems) {
  FriendListCache cache(10'000);
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
  FriendListCache cache(10'000);
  FriendListCache::Ticket ticket;
  ASSERT_EQ(cache.Find(1, "a", &ticket), nullptr);
  cache.Drop({{1, "a"}});  // a writer committed while the reader was reading
  cache.Install(1, "a", ticket, ListOf(1));
  EXPECT_EQ(cache.Find(1, "a", &ticket), nullptr);
}

TEST(FriendListCacheTest, DropRemoves) {
  FriendListCache cache(10'000);
  FriendListCache::Ticket ticket;
  cache.Find(1, "a", &ticket);
  cache.Install(1, "a", ticket, ListOf(1));
  cache.Drop({{1, "b"}, {1, "a"}});
  EXPECT_EQ(cache.Find(1, "a", &ticket), nullptr);
}

TEST(FriendListCacheTest, StaysWithinItsBound) {
  FriendListCache cache(16 * 4);  // four items per shard
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
  FriendListCache cache(16 * 4);  // 16 shards of at most 5 lists' worth
  auto empty = std::make_shared<const std::vector<FriendView>>();
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

}  // namespace
}  // namespace fg
