#include "dialects/sealtalk/listing_cache.h"

#include <gtest/gtest.h>

namespace fg::sealtalk {
namespace {

ListingCache::Entry Listing(PeerRows rows, std::vector<UserCache::Entry> cards, size_t bytes) {
  return std::make_shared<const ListingCache::Listing>(ListingCache::Listing{
      std::move(rows), {}, ListingCache::Weakly(cards), std::string(bytes, 'x')});
}

UserCache::Entry Card(UserId id) {
  User u;
  u.id = id;
  return UserCache::Card(u);
}

TEST(ListingCacheTest, KeepsOneListingPerUserOfItsApp) {
  ListingCache cache(1 << 20);
  auto rows = std::make_shared<const std::vector<PeerRow>>();
  EXPECT_EQ(cache.Find(1, 7), nullptr);
  cache.Keep(1, 7, Listing(rows, {}, 10));
  ASSERT_NE(cache.Find(1, 7), nullptr);
  EXPECT_EQ(cache.Find(1, 7)->rows, rows);
  EXPECT_EQ(cache.Find(2, 7), nullptr);  // another app's user 7 is not this one
  cache.Keep(1, 7, Listing(rows, {}, 20));
  EXPECT_EQ(cache.Find(1, 7)->body.size(), 20u);
}

TEST(ListingCacheTest, TheCardsMustBeTheVeryOnes) {
  auto a = Card(1), b = Card(2);
  auto listing = Listing(nullptr, {a, b, nullptr}, 1);
  EXPECT_TRUE(ListingCache::SameCards(*listing, {a, b, nullptr}));
  EXPECT_FALSE(ListingCache::SameCards(*listing, {a, Card(2), nullptr}));  // b changed
  EXPECT_FALSE(ListingCache::SameCards(*listing, {a, b, Card(3)}));
  EXPECT_FALSE(ListingCache::SameCards(*listing, {a, b}));
}

TEST(ListingCacheTest, ACardGoneSinceIsNeverTakenForANewOne) {
  auto gone = Card(1);
  auto listing = Listing(nullptr, {gone}, 1);  // holds it weakly
  gone.reset();
  for (int i = 0; i < 100; ++i) {
    auto fresh = Card(1);  // whatever address it gets, it is another card
    EXPECT_FALSE(ListingCache::SameCards(*listing, {fresh}));
  }
}

TEST(ListingCacheTest, StaysWithinItsBytes) {
  ListingCache cache(16 * 100);  // 100 bytes a shard
  for (UserId user = 0; user < 1000; ++user) cache.Keep(1, user, Listing(nullptr, {}, 60));
  size_t kept = 0;
  for (UserId user = 0; user < 1000; ++user) kept += cache.Find(1, user) != nullptr;
  EXPECT_LE(kept, 16u * 2);  // at most one 60-byte listing fits each shard at a time
  cache.Keep(1, 5000, Listing(nullptr, {}, 1000));  // larger than a shard: not kept
  EXPECT_EQ(cache.Find(1, 5000), nullptr);
}

}  // namespace
}  // namespace fg::sealtalk
