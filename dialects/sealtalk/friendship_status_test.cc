#include "dialects/sealtalk/friendship_status.h"

#include <gtest/gtest.h>

namespace fg::sealtalk {
namespace {

FriendEdge Edge(bool alive, int64_t created_ms, int64_t updated_ms) {
  FriendEdge e;
  e.alive = alive;
  e.created_ms = created_ms;
  e.updated_ms = updated_ms;
  return e;
}

FriendRequest Request(RequestState state, int64_t clock_ms) {
  FriendRequest r;
  r.state = state;
  r.updated_ms = r.to_clock_ms = clock_ms;
  return r;
}

TEST(FriendshipStatusTest, EachRowHasTheStatusThePeerWouldShow) {
  PeerRow row;
  EXPECT_EQ(StatusOf(row), std::nullopt);
  row.sent = Request(RequestState::kPending, 1);
  EXPECT_EQ(StatusOf(row), kRequesting);
  row.received = Request(RequestState::kPending, 2);
  EXPECT_EQ(StatusOf(row), kRequested);
  row.received = Request(RequestState::kIgnored, 3);
  EXPECT_EQ(StatusOf(row), kRequesting);  // mine still pending
  row.sent.reset();
  EXPECT_EQ(StatusOf(row), kIgnored);
  row.edge = Edge(true, 4, 4);
  EXPECT_EQ(StatusOf(row), kAgreed);
  row.blocked = true;
  EXPECT_EQ(StatusOf(row), kBlacklisted);
  row.blocked = false;
  row.edge = Edge(false, 4, 5);
  EXPECT_EQ(StatusOf(row), kDeleted);  // deleted after ignoring
  row.received = Request(RequestState::kIgnored, 6);
  EXPECT_EQ(StatusOf(row), kIgnored);  // asked again after the delete, and ignored
}

TEST(FriendshipStatusTest, AnEdgeThatWasNeverAliveShowsNothingByItself) {
  PeerRow row;
  row.edge = Edge(false, 0, 0);  // descriptions only
  EXPECT_EQ(StatusOf(row), std::nullopt);
  row.sent = Request(RequestState::kRefused, 1);
  EXPECT_EQ(StatusOf(row), kRequesting);
}

}  // namespace
}  // namespace fg::sealtalk
