#include "dialects/sealtalk/friendship_status.h"

#include <gtest/gtest.h>

namespace fg::sealtalk {
namespace {

using Edge = PeerRow::Edge;

TEST(FriendshipStatusTest, EachRowHasTheStatusThePeerWouldShow) {
  PeerRow row;
  EXPECT_EQ(StatusOf(row), std::nullopt);
  row.sent = RequestState::kPending;
  row.sent_ms = 1;
  EXPECT_EQ(StatusOf(row), kRequesting);
  row.received = RequestState::kPending;
  row.received_ms = 2;
  EXPECT_EQ(StatusOf(row), kRequested);
  row.received = RequestState::kIgnored;
  row.received_ms = 3;
  EXPECT_EQ(StatusOf(row), kRequesting);  // mine still pending
  row.sent.reset();
  EXPECT_EQ(StatusOf(row), kIgnored);
  row.edge = Edge::kAlive;
  row.edge_ms = 4;
  EXPECT_EQ(StatusOf(row), kAgreed);
  row.blocked = true;
  EXPECT_EQ(StatusOf(row), kBlacklisted);
  row.blocked = false;
  row.edge = Edge::kTombstone;
  row.edge_ms = 5;
  EXPECT_EQ(StatusOf(row), kDeleted);  // deleted after ignoring
  row.received_ms = 6;
  EXPECT_EQ(StatusOf(row), kIgnored);  // asked again after the delete, and ignored
}

TEST(FriendshipStatusTest, AnEdgeThatWasNeverAliveShowsNothingByItself) {
  PeerRow row;
  row.edge = Edge::kNeverAlive;  // descriptions only
  EXPECT_EQ(StatusOf(row), std::nullopt);
  row.sent = RequestState::kRefused;
  row.sent_ms = 1;
  EXPECT_EQ(StatusOf(row), kRequesting);
}

}  // namespace
}  // namespace fg::sealtalk
