#include "core/user_cache.h"

#include <gtest/gtest.h>

namespace fg {
namespace {

UserCache::Entry CardOf(UserId id) {
  User u;
  u.id = id;
  u.password_hash = "secret";
  u.version = 9;
  return UserCache::Card(std::move(u));
}

TEST(UserCacheTest, CardsHoldNoSecretsAndStatsCountLookups) {
  UserCache cache(1000);
  auto card = CardOf(7);
  EXPECT_EQ(card->password_hash, "");
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

}  // namespace
}  // namespace fg
