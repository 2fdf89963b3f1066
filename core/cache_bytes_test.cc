#include "core/cache_bytes.h"

#include <gtest/gtest.h>

#include <memory>

namespace fg {
namespace {

TEST(CacheBytesTest, HeapBlocksAreGlibcChunks) {
  EXPECT_EQ(HeapBlockBytes(0), 0u);
  EXPECT_EQ(HeapBlockBytes(1), 32u);
  EXPECT_EQ(HeapBlockBytes(24), 32u);
  EXPECT_EQ(HeapBlockBytes(25), 48u);
  EXPECT_EQ(HeapBlockBytes(1000), 1008u);
}

TEST(CacheBytesTest, ShortStringsOwnNoHeap) {
  EXPECT_EQ(HeapBytes(std::string()), 0u);
  EXPECT_EQ(HeapBytes(std::string("short")), 0u);
  std::string longer(100, 'x');
  EXPECT_EQ(HeapBytes(longer), HeapBlockBytes(longer.capacity() + 1));
  longer.reserve(1000);  // capacity, not size, is what it holds
  EXPECT_GE(HeapBytes(longer), 1000u);
  EXPECT_EQ(HeapBytes(std::optional<std::string>()), 0u);
  EXPECT_EQ(HeapBytes(std::optional<std::string>(std::string(100, 'x'))),
            HeapBytes(std::string(100, 'x')));
}

TEST(CacheBytesTest, ItemsCountEveryStringTheyOwn) {
  const std::string long_text(100, 'x');
  PeerRow r;
  r.alias = r.message = long_text;
  EXPECT_EQ(HeapBytes(r), 2 * HeapBytes(long_text));

  User u;
  u.account = u.token = u.password_hash = u.st_account = long_text;
  u.profile.name = u.profile.icon = u.profile.sign = u.profile.email = u.profile.birth =
      u.profile.mobile = u.profile.region = u.profile.ex = long_text;
  EXPECT_EQ(HeapBytes(u), 12 * HeapBytes(long_text));
  EXPECT_EQ(SharedUserBytes(u), HeapBlockBytes(kControlBlockBytes + sizeof(User)) + HeapBytes(u));
}

TEST(CacheBytesTest, AListCountsItsCapacity) {
  std::vector<PeerRow> rows;
  rows.reserve(100);
  rows.resize(10);
  EXPECT_EQ(SharedListBytes(rows), HeapBlockBytes(kControlBlockBytes + sizeof(rows)) +
                                       HeapBlockBytes(100 * sizeof(PeerRow)));
  EXPECT_EQ(SharedListBytes(std::vector<PeerRow>()),
            HeapBlockBytes(kControlBlockBytes + sizeof(rows)));
  EXPECT_GT(MapEntryBytes(64), 64u);
}

TEST(CacheBytesTest, APackedListCountsItsBytes) {
  const std::string long_text(100, 'x');
  FriendView f;
  f.peer_account = f.edge.peer_account = long_text;
  PackedFriends packed(0, 0, {f});
  EXPECT_EQ(SharedListBytes(packed), HeapBlockBytes(kControlBlockBytes + sizeof(packed)) +
                                         HeapBlockBytes(packed.packed_bytes()));
  EXPECT_GT(packed.packed_bytes(), long_text.size());
}

}  // namespace
}  // namespace fg
