// The answers of /friendship/all, kept per user with what each was made from: the user's rows
// (core's cached list, compared by identity: a change to a row makes a new list) and the cards of
// the peers it shows (immutable: a changed profile is a new card). An answer whose rows and cards
// are all still the ones asked for is sent again as it is; anything else makes a new one. So a
// hit costs a comparison of pointers, and the answer is never staler than its parts. A listing
// holds its cards weakly (it keeps no old card alive) and compares them by control block, which
// a weak_ptr keeps: no other card can ever have the same one.
//
// Bounded by the bytes of the answers kept, spread over shards; a full shard drops arbitrary
// answers. Thread-safe.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/user_cache.h"

namespace fg::sealtalk {

class ListingCache {
 public:
  struct Listing {
    PeerRows rows;                                 // the rows it was made from
    std::vector<std::pair<AppId, UserId>> peers;   // the peers it shows, in order
    std::vector<std::weak_ptr<const User>> cards;  // their cards when it was made (null: none)
    std::string body;                              // the answer's body
  };
  using Entry = std::shared_ptr<const Listing>;

  explicit ListingCache(size_t max_bytes) : max_bytes_per_shard_(max_bytes / kShards + 1) {}

  // The listing kept for `user`; null if none.
  Entry Find(AppId app, UserId user);
  // Keeps `listing` for `user`, in place of any other.
  void Keep(AppId app, UserId user, Entry listing);

  // `cards`, held weakly, as a Listing keeps them.
  static std::vector<std::weak_ptr<const User>> Weakly(const std::vector<UserCache::Entry>& cards);
  // Whether `cards` are the very cards `listing` was made from.
  static bool SameCards(const Listing& listing, const std::vector<UserCache::Entry>& cards);

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    size_t bytes = 0;                                              // guarded by mu
    std::unordered_map<UserId, std::pair<AppId, Entry>> listings;  // guarded by mu
  };
  const size_t max_bytes_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace fg::sealtalk
