#include "dialects/sealtalk/user_json_cache.h"

namespace fg::sealtalk {

UserJsonCache::Json UserJsonCache::Get(const UserCache::Entry& card, const Render& render) {
  Shard& shard = shards_[static_cast<size_t>(card->id) % kShards];
  {
    std::lock_guard lock(shard.mu);
    auto it = shard.users.find(card->id);
    if (it != shard.users.end() && !it->second.card.owner_before(card) &&
        !card.owner_before(it->second.card)) {
      return it->second.json;
    }
  }
  auto json = std::make_shared<const std::string>(render(*card));
  std::unordered_map<UserId, Made> full;  // freed after the lock, not under it
  std::lock_guard lock(shard.mu);
  if (shard.users.size() >= max_per_shard_) full.swap(shard.users);
  shard.users.insert_or_assign(card->id, Made{card, json});
  return json;
}

}  // namespace fg::sealtalk
