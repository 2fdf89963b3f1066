#include "dialects/sealtalk/user_json_cache.h"

namespace fg::sealtalk {

UserJsonCache::Json UserJsonCache::Get(const UserCache::Entry& card, const Render& render) {
  Shard& shard = shards_[static_cast<size_t>(card->id) % kShards];
  {
    std::lock_guard lock(shard.mu);
    if (auto it = shard.users.find(card->id); it != shard.users.end() && it->second.card == card) {
      return it->second.json;
    }
  }
  auto json = std::make_shared<const std::string>(render(*card));
  std::lock_guard lock(shard.mu);
  if (shard.users.size() >= max_per_shard_) shard.users.clear();
  shard.users.insert_or_assign(card->id, Made{card, json});
  return json;
}

}  // namespace fg::sealtalk
