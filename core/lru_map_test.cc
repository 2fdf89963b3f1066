#include "core/lru_map.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fg {
namespace {

std::vector<int> Drain(LruMap<int, int>& map) {
  std::vector<int> out;
  while (!map.empty()) out.push_back(map.PopOldest());
  return out;
}

TEST(LruMapTest, EvictsTheEntryUsedLongestAgo) {
  LruMap<int, int> map;
  for (int i = 1; i <= 4; ++i) EXPECT_TRUE(map.Insert(i, i * 10));
  EXPECT_FALSE(map.Insert(2, 99));  // present: unchanged
  ASSERT_NE(map.Find(1), nullptr);  // 1 is now the newest
  EXPECT_EQ(*map.Find(3), 30);
  EXPECT_EQ(map.Find(7), nullptr);
  EXPECT_EQ(Drain(map), (std::vector<int>{20, 40, 10, 30}));
}

TEST(LruMapTest, ErasingKeepsTheOrderOfTheRest) {
  LruMap<int, int> map;
  for (int i = 1; i <= 5; ++i) map.Insert(i, i);
  EXPECT_EQ(map.Erase(1), 1);  // the oldest
  EXPECT_EQ(map.Erase(5), 5);  // the newest
  EXPECT_EQ(map.Erase(3), 3);  // in the middle
  EXPECT_FALSE(map.Erase(3).has_value());
  EXPECT_FALSE(map.Contains(3));
  EXPECT_TRUE(map.Contains(2));
  map.Insert(6, 6);
  EXPECT_EQ(Drain(map), (std::vector<int>{2, 4, 6}));
  map.Insert(8, 8);  // usable again once empty
  EXPECT_EQ(Drain(map), (std::vector<int>{8}));
}

TEST(LruMapTest, AHotKeySurvivesAStreamOfColdOnes) {
  LruMap<std::string, int> map;
  map.Insert("hot", 0);
  for (int i = 0; i < 10'000; ++i) {
    map.Insert("cold" + std::to_string(i), i);
    ASSERT_NE(map.Find("hot"), nullptr);
    while (map.size() > 100) map.PopOldest();
  }
  EXPECT_TRUE(map.Contains("hot"));
  EXPECT_EQ(map.size(), 100u);
}

}  // namespace
}  // namespace fg
