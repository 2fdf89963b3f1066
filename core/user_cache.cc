#include "core/user_cache.h"

namespace fg {

UserCache::Entry UserCache::Find(UserId id, Ticket* ticket) {
  Shard& shard = ShardFor(id, &ticket->shard);
  std::lock_guard lock(shard.mu);
  if (auto it = shard.users.find(id); it != shard.users.end()) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    return it->second;
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  ticket->generation = shard.generation;
  return nullptr;
}

CacheStats UserCache::stats() {
  CacheStats s;
  s.hits = hits_.load(std::memory_order_relaxed);
  s.misses = misses_.load(std::memory_order_relaxed);
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    s.entries += shard.users.size();
  }
  s.items = s.entries;
  return s;
}

void UserCache::Install(const Ticket& ticket, Entry user) {
  Shard& shard = shards_[ticket.shard];
  std::lock_guard lock(shard.mu);
  if (shard.generation != ticket.generation) return;  // a drop may have overtaken this read
  if (shard.users.size() >= max_per_shard_ && !shard.users.count(user->id)) {
    shard.users.erase(shard.users.begin());
  }
  shard.users.try_emplace(user->id, std::move(user));
}

void UserCache::Drop(const std::vector<UserId>& ids) {
  for (UserId id : ids) {
    size_t index;
    Shard& shard = ShardFor(id, &index);
    std::lock_guard lock(shard.mu);
    ++shard.generation;
    shard.users.erase(id);
  }
}

UserCache::Entry UserCache::Card(User user) {
  user.token.clear();
  user.password_hash.clear();
  user.version = user.clock_ms = user.friend_count = 0;
  return std::make_shared<const User>(std::move(user));
}

}  // namespace fg
