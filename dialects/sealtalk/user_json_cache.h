// The JSON object a listing writes for each user ({"id":…,"nickname":…,"region":…,…}), kept per
// user card: /friendship/all writes the same few users' objects over and over, and a card is
// immutable (the user cache makes a new one when the user changes), so an object made from a
// card stays right as long as the card it was made from is the one asked for.
//
// Bounded: at most max_users objects, spread over shards; a full shard starts again empty.
// Thread-safe.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "core/user_cache.h"

namespace fg::sealtalk {

class UserJsonCache {
 public:
  using Json = std::shared_ptr<const std::string>;
  using Render = std::function<std::string(const User&)>;

  explicit UserJsonCache(size_t max_users) : max_per_shard_(max_users / kShards + 1) {}

  // The object `render` makes of `card`, made at most once per card. REQUIRES: card non-null.
  Json Get(const UserCache::Entry& card, const Render& render);

 private:
  static constexpr size_t kShards = 16;
  struct Made {
    std::weak_ptr<const User> card;  // what `json` was made from, compared as ListingCache does
    Json json;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<UserId, Made> users;  // guarded by mu
  };
  const size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace fg::sealtalk
