#include "dialects/sealtalk/friendship_status.h"

namespace fg::sealtalk {

std::optional<FriendshipStatus> StatusOf(const PeerRow& row) {
  if (row.edge == PeerRow::Edge::kAlive) return row.blocked ? kBlacklisted : kAgreed;
  if (row.received == RequestState::kPending) return kRequested;
  if (row.sent == RequestState::kPending) return kRequesting;
  // The latest of what is left, by my clock: an answered request or a tombstone.
  std::optional<FriendshipStatus> status;
  int64_t at = -1;
  auto consider = [&](FriendshipStatus s, int64_t clock_ms) {
    if (clock_ms > at) {
      status = s;
      at = clock_ms;
    }
  };
  auto answered = [](const std::optional<RequestState>& r) {
    return r == RequestState::kIgnored || r == RequestState::kRefused;
  };
  if (answered(row.received)) consider(kIgnored, row.received_ms);
  if (answered(row.sent)) consider(kRequesting, row.sent_ms);
  // A tombstone of a friendship that was, not an edge that only holds fields.
  if (row.edge == PeerRow::Edge::kTombstone) consider(kDeleted, row.edge_ms);
  return status;
}

}  // namespace fg::sealtalk
