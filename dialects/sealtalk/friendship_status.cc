#include "dialects/sealtalk/friendship_status.h"

namespace fg::sealtalk {

std::optional<FriendshipStatus> StatusOf(const PeerRow& row) {
  if (row.edge && row.edge->alive) return row.blocked ? kBlacklisted : kAgreed;
  auto pending = [](const std::optional<FriendRequest>& r) {
    return r && r->state == RequestState::kPending;
  };
  if (pending(row.received)) return kRequested;
  if (pending(row.sent)) return kRequesting;
  // The latest of what is left, by my clock: an answered request or a tombstone.
  std::optional<FriendshipStatus> status;
  int64_t at = -1;
  auto consider = [&](FriendshipStatus s, int64_t clock_ms) {
    if (clock_ms > at) {
      status = s;
      at = clock_ms;
    }
  };
  auto answered = [](const std::optional<FriendRequest>& r) {
    return r && (r->state == RequestState::kIgnored || r->state == RequestState::kRefused);
  };
  if (answered(row.received)) consider(kIgnored, row.received->to_clock_ms);
  if (answered(row.sent)) consider(kRequesting, row.sent->updated_ms);
  // A tombstone of a friendship that was (created_ms > 0), not an edge only annotated.
  if (row.edge && row.edge->created_ms > 0) consider(kDeleted, row.edge->updated_ms);
  return status;
}

}  // namespace fg::sealtalk
