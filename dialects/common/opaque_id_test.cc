#include "dialects/common/opaque_id.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace fg::kit {
namespace {

TEST(OpaqueIdsTest, RoundTripsAndLooksRandom) {
  OpaqueIds ids("a secret of sixteen bytes", "sealtalk");
  std::set<std::string> seen;
  for (uint64_t id : {uint64_t{1}, uint64_t{2}, uint64_t{3}, uint64_t{1000}, UINT64_MAX}) {
    std::string text = ids.Encode(id);
    EXPECT_EQ(text.size(), OpaqueIds::kLength);
    EXPECT_EQ(ids.Decode(text), id);
    seen.insert(text);
  }
  EXPECT_EQ(seen.size(), 5u);
  // Neighbours share no prefix worth guessing from.
  EXPECT_NE(ids.Encode(1).substr(0, 4), ids.Encode(2).substr(0, 4));
}

TEST(OpaqueIdsTest, RememberedIdsAreTheComputedOnes) {
  OpaqueIds ids("a secret of sixteen bytes", "sealtalk");
  OpaqueIds fresh("a secret of sixteen bytes", "sealtalk");
  // More ids than the shards keep: some are computed again after a shard starts over.
  std::vector<std::string> first;
  for (uint64_t id = 1; id <= 200'000; id += 7) first.push_back(ids.Encode(id));
  size_t i = 0;
  for (uint64_t id = 1; id <= 200'000; id += 7, ++i) {
    ASSERT_EQ(ids.Encode(id), first[i]);
    ASSERT_EQ(ids.Decode(first[i]), id);
  }
  EXPECT_EQ(fresh.Encode(8), first[1]);
}

TEST(OpaqueIdsTest, KeyedBySecretAndPurpose) {
  OpaqueIds a("a secret of sixteen bytes", "sealtalk");
  OpaqueIds b("another secret of 16 bytes", "sealtalk");
  OpaqueIds c("a secret of sixteen bytes", "easemob");
  EXPECT_NE(a.Encode(7), b.Encode(7));
  EXPECT_NE(a.Encode(7), c.Encode(7));
  EXPECT_NE(b.Decode(a.Encode(7)), std::optional<uint64_t>(7));
}

TEST(OpaqueIdsTest, RefusesWhatEncodeNeverMakes) {
  OpaqueIds ids("a secret of sixteen bytes", "sealtalk");
  EXPECT_FALSE(ids.Decode(""));
  EXPECT_FALSE(ids.Decode("0123456789"));    // short
  EXPECT_FALSE(ids.Decode("0123456789AB"));  // long
  EXPECT_FALSE(ids.Decode("0123456789-"));   // not base62
  EXPECT_FALSE(ids.Decode("zzzzzzzzzzz"));   // over 64 bits
  EXPECT_TRUE(ids.Decode("LygHa16AHYF"));    // 2^64 - 1 is the largest
  EXPECT_FALSE(ids.Decode("LygHa16AHYG"));
}

}  // namespace
}  // namespace fg::kit
