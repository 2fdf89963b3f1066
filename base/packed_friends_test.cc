#include "base/packed_friends.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace fg {
namespace {

FriendView Friend(UserId owner, UserId peer, AppId peer_app, std::string account) {
  FriendView v;
  v.edge.owner = owner;
  v.edge.peer = peer;
  v.edge.peer_app = peer_app;
  v.edge.peer_account = account;
  v.edge.alive = true;
  v.edge.peer_alive = true;
  v.edge.created_ms = 1'700'000'000'000;
  v.edge.updated_ms = 1'700'000'000'500;
  v.edge.version = 3;
  v.peer_account = std::move(account);
  v.bidirectional = true;
  return v;
}

void ExpectEqual(const FriendView& a, const FriendView& b) {
  EXPECT_EQ(a.edge.owner, b.edge.owner);
  EXPECT_EQ(a.edge.peer, b.edge.peer);
  EXPECT_EQ(a.edge.peer_app, b.edge.peer_app);
  EXPECT_EQ(a.edge.peer_account, b.edge.peer_account);
  EXPECT_EQ(a.edge.alive, b.edge.alive);
  EXPECT_EQ(a.edge.peer_alive, b.edge.peer_alive);
  EXPECT_EQ(a.edge.fields.alias, b.edge.fields.alias);
  EXPECT_EQ(a.edge.fields.ex, b.edge.fields.ex);
  EXPECT_EQ(a.edge.fields.serverex, b.edge.fields.serverex);
  EXPECT_EQ(a.edge.fields.description, b.edge.fields.description);
  EXPECT_EQ(a.edge.fields.phone, b.edge.fields.phone);
  EXPECT_EQ(a.edge.fields.region, b.edge.fields.region);
  EXPECT_EQ(a.edge.fields.image_uri, b.edge.fields.image_uri);
  EXPECT_EQ(a.edge.source, b.edge.source);
  EXPECT_EQ(a.edge.created_ms, b.edge.created_ms);
  EXPECT_EQ(a.edge.updated_ms, b.edge.updated_ms);
  EXPECT_EQ(a.edge.version, b.edge.version);
  EXPECT_EQ(a.peer_account, b.peer_account);
  EXPECT_EQ(a.bidirectional, b.bidirectional);
}

std::vector<FriendView> Unpack(const PackedFriends& list) {
  std::vector<FriendView> out;
  for (const FriendRef& f : list) out.push_back(ToView(f));
  return out;
}

TEST(PackedFriendsTest, AnEmptyListKnowsWhoseItIs) {
  PackedFriends list(7, 42, {});
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.size(), 0u);
  EXPECT_EQ(list.app(), 7);
  EXPECT_EQ(list.owner(), 42);
  EXPECT_EQ(list.packed_bytes(), 0u);
  EXPECT_TRUE(list.begin() == list.end());
}

TEST(PackedFriendsTest, EveryFieldComesBackInOrder) {
  std::vector<FriendView> in;
  in.push_back(Friend(42, 900, 7, "alice"));
  // Ids and times going down, a peer of another app, a tombstone, every field set, some to "".
  FriendView b = Friend(42, 3, 8, "bob@other-app");
  b.edge.alive = false;
  b.edge.peer_alive = false;
  b.bidirectional = false;
  b.edge.updated_ms = 5;
  b.edge.created_ms = 1'800'000'000'000;
  b.edge.version = 0;
  b.edge.fields = {"Bobby", "", "{\"s\":1}", "desc", "+86 138", "CN", "https://i/1.png"};
  b.edge.source = "qr";
  in.push_back(b);
  FriendView c = Friend(42, std::numeric_limits<int64_t>::max(), 7, "");
  c.edge.updated_ms = std::numeric_limits<int64_t>::min();
  c.edge.created_ms = std::numeric_limits<int64_t>::max();
  c.edge.version = std::numeric_limits<int64_t>::max();
  c.edge.peer_alive = false;
  c.bidirectional = false;
  c.edge.fields.alias = std::string(300, 'x');  // a length of two varint bytes
  in.push_back(c);
  FriendView d = Friend(42, -5, -1, "negative ids");
  d.edge.fields.region = "";
  in.push_back(d);

  PackedFriends list(7, 42, in);
  ASSERT_EQ(list.size(), in.size());
  auto out = Unpack(list);
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    SCOPED_TRACE(i);
    ExpectEqual(out[i], in[i]);
  }
  EXPECT_EQ(out[1].edge.fields.ex, std::optional<std::string>(""));  // present and empty
  EXPECT_FALSE(out[0].edge.fields.ex.has_value());                   // absent
}

TEST(PackedFriendsTest, RefToSeesTheViewAsPackingWouldGiveIt) {
  FriendView v = Friend(1, 2, 3, "carol");
  v.edge.fields.alias = "C";
  v.edge.source = "search";
  ExpectEqual(ToView(RefTo(v)), v);
}

TEST(PackedFriendsTest, AFriendOfABigGraphTakesAboutTwentyBytes) {
  // 50 friends as a 1M-user graph's list: 6-digit ids, 10-byte accounts, no fields, times of
  // one afternoon.
  std::vector<FriendView> in;
  for (int i = 0; i < 50; ++i) {
    FriendView f = Friend(500'000, 500'000 + (i * 7919) % 20'000, 7, "user" + std::to_string(i));
    f.peer_account.resize(10, '_');
    f.edge.peer_account = f.peer_account;
    f.edge.updated_ms += i * 60'000;
    f.edge.created_ms = f.edge.updated_ms - 3'600'000;
    f.edge.version = 100 + i;
    in.push_back(f);
  }
  PackedFriends list(7, 500'000, in);
  EXPECT_LE(list.packed_bytes(), 50u * 24);
  auto out = Unpack(list);
  for (size_t i = 0; i < in.size(); ++i) ExpectEqual(out[i], in[i]);
}

}  // namespace
}  // namespace fg
