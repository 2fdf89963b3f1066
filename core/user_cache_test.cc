#include "core/user_cache.h"

#include <gtest/gtest.h>

#include "core/cache_bytes.h"

namespace fg {
namespace {

UserCache::Entry CardOf(UserId id) {
  User u;
  u.id = id;
  u.password_hash = std::string(100, 's');  // on the heap
  u.version = 9;
  return UserCache::Card(std::move(u));
}

TEST(UserCacheTest, CardsHoldNoSecretsAndStatsCountLookups) {
  UserCache cache(CacheLimits{.max_items = 1000});
  auto card = CardOf(7);
  EXPECT_EQ(card->password_hash, "");
  EXPECT_EQ(HeapBytes(card->password_hash), 0u);
  EXPECT_EQ(card->version, 0);
  UserCache::Ticket ticket{};
  EXPECT_EQ(cache.Find(7, &ticket), nullptr);
  cache.Install(ticket, card);
  EXPECT_EQ(cache.Find(7, &ticket), card);
  CacheStats s = cache.stats();
  EXPECT_EQ(s.hits, 1u);
  EXPECT_EQ(s.misses, 1u);
  EXPECT_EQ(s.entries, 1u);
  EXPECT_EQ(s.items, 1u);
  cache.Drop({7});
  EXPECT_EQ(cache.stats().entries, 0u);
}

UserCache::Entry ProfileOf(UserId id) {
  User u;
  u.id = id;
  u.account = "account-number-" + std::to_string(id);
  u.profile.name = std::string(40, 'n');
  u.profile.icon = "https://example.com/avatars/" + std::to_string(id) + ".png";
  return UserCache::Card(std::move(u));
}

TEST(UserCacheTest, EntryBytesCountTheCardItsStringsAndTheNode) {
  auto card = ProfileOf(1);
  size_t bytes = UserCache::EntryBytes(*card);
  EXPECT_GE(bytes, kControlBlockBytes + sizeof(User) + HeapBytes(card->account) +
                       HeapBytes(card->profile.name) + HeapBytes(card->profile.icon));
  EXPECT_GT(HeapBytes(card->profile.name), 40u);
}

TEST(UserCacheTest, StaysWithinItsByteBoundAndEvicts) {
  constexpr size_t kBound = 64 * 1024;
  UserCache cache(CacheLimits{.max_bytes = kBound});
  constexpr int kUsers = 2000;
  for (UserId id = 1; id <= kUsers; ++id) {
    UserCache::Ticket ticket{};
    ASSERT_EQ(cache.Find(id, &ticket), nullptr);
    cache.Install(ticket, ProfileOf(id));
    ASSERT_LE(cache.stats().bytes, kBound) << "after " << id << " users";
  }
  CacheStats s = cache.stats();
  EXPECT_LT(s.entries, static_cast<uint64_t>(kUsers));  // evicted
  const size_t each = UserCache::EntryBytes(*ProfileOf(1000));
  EXPECT_GE(s.bytes, kBound - 16 * 2 * each);  // each shard full to within a card or two
  int kept = 0;
  for (UserId id = 1; id <= kUsers; ++id) {
    UserCache::Ticket ticket{};
    kept += cache.Find(id, &ticket) != nullptr;
  }
  EXPECT_EQ(static_cast<uint64_t>(kept), s.entries);
  cache.Drop({1, 2, 3, kUsers});
  EXPECT_LE(cache.stats().bytes, s.bytes);
}

TEST(UserCacheTest, AnItemCapAppliesBesideTheBytes) {
  UserCache cache(CacheLimits{.max_bytes = 64 << 20, .max_items = 16});  // 2 per shard
  for (UserId id = 1; id <= 100; ++id) {
    UserCache::Ticket ticket{};
    cache.Find(id, &ticket);
    cache.Install(ticket, ProfileOf(id));
  }
  EXPECT_LE(cache.stats().entries, 32u);
}

}  // namespace
}  // namespace fg
