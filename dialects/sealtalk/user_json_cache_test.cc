#include "dialects/sealtalk/user_json_cache.h"

#include <gtest/gtest.h>

namespace fg::sealtalk {
namespace {

UserCache::Entry Card(UserId id, std::string name) {
  User u;
  u.id = id;
  u.profile.name = std::move(name);
  return UserCache::Card(std::move(u));
}

TEST(UserJsonCacheTest, MakesEachCardsObjectOnceAndANewCardsAgain) {
  UserJsonCache cache(100);
  int made = 0;
  auto render = [&made](const User& u) {
    ++made;
    return "{\"nickname\":\"" + *u.profile.name + "\"}";
  };
  auto before = Card(1, "old");
  EXPECT_EQ(*cache.Get(before, render), R"({"nickname":"old"})");
  EXPECT_EQ(*cache.Get(before, render), R"({"nickname":"old"})");
  EXPECT_EQ(made, 1);
  // The user changed: the user cache made a new card.
  auto after = Card(1, "new");
  EXPECT_EQ(*cache.Get(after, render), R"({"nickname":"new"})");
  EXPECT_EQ(made, 2);
  EXPECT_EQ(*cache.Get(Card(2, "other"), render), R"({"nickname":"other"})");
}

TEST(UserJsonCacheTest, StaysBounded) {
  UserJsonCache cache(16);  // one per shard
  auto render = [](const User& u) { return std::to_string(u.id); };
  std::vector<UserCache::Entry> cards;
  for (UserId id = 1; id <= 1000; ++id) cards.push_back(Card(id, "x"));
  for (const auto& card : cards) EXPECT_EQ(*cache.Get(card, render), std::to_string(card->id));
  // Whatever it kept or dropped, answers stay right.
  for (const auto& card : cards) EXPECT_EQ(*cache.Get(card, render), std::to_string(card->id));
}

}  // namespace
}  // namespace fg::sealtalk
