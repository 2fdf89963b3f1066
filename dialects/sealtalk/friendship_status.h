// The SealTalk status of a friendship row, derived from the one graph in core (core's PeerRow):
//   10  I asked and it is pending, or they ignored or refused it (a requester is never told)
//   11  they asked me and it is pending
//   20  friends: my edge is alive (whatever theirs is: a delete is one-sided here)
//   21  I ignored or refused their request
//   30  I deleted them: my edge is a tombstone
//   31  friends, and I blocked them (the peer's FRIENDSHIP_BLACK); 20 again once unblocked
// My alive edge decides first, then a pending request (received, then sent), then whichever of
// an answered request and a tombstone changed last by my clock. nullopt: no row to show (an
// edge that was never alive and no request, which core never leaves behind).
#pragma once

#include <optional>

#include "core/friend_service.h"

namespace fg::sealtalk {

enum FriendshipStatus : int {
  kRequesting = 10,
  kRequested = 11,
  kAgreed = 20,
  kIgnored = 21,
  kDeleted = 30,
  kBlacklisted = 31,
};

std::optional<FriendshipStatus> StatusOf(const PeerRow& row);

}  // namespace fg::sealtalk
