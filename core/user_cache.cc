#include "core/user_cache.h"

#include <cassert>

#include "core/cache_bytes.h"

namespace fg {

UserCache::UserCache(CacheLimits limits)
    : max_bytes_per_shard_(limits.max_bytes ? limits.max_bytes / kShards : SIZE_MAX),
      max_per_shard_(limits.max_items ? limits.max_items / kShards + 1 : SIZE_MAX) {
  assert(limits.max_bytes || limits.max_items);
}

UserCache::Entry UserCache::Find(UserId id, Ticket* ticket) {
  Shard& shard = ShardFor(id, &ticket->shard);
  std::lock_guard lock(shard.mu);
  if (Held* held = shard.users.Find(id)) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    return held->user;
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
    s.bytes += shard.bytes;
  }
  s.items = s.entries;
  return s;
}

size_t UserCache::EntryBytes(const User& card) {
  return MapEntryBytes(decltype(Shard::users)::kEntrySize) + SharedUserBytes(card);
}

void UserCache::Install(const Ticket& ticket, Entry user) {
  const size_t bytes = EntryBytes(*user);
  if (bytes > max_bytes_per_shard_) return;
  std::vector<Entry> evicted;  // freed after the lock is released
  Shard& shard = shards_[ticket.shard];
  std::lock_guard lock(shard.mu);
  if (shard.generation != ticket.generation) return;  // a drop may have overtaken this read
  if (shard.users.Contains(user->id)) return;
  // The card used longest ago goes first.
  while ((shard.users.size() + 1 > max_per_shard_ || shard.bytes + bytes > max_bytes_per_shard_) &&
         !shard.users.empty()) {
    Held victim = shard.users.PopOldest();
    shard.bytes -= victim.bytes;
    evicted.push_back(std::move(victim.user));
  }
  UserId id = user->id;
  shard.users.Insert(id, Held{std::move(user), bytes});
  shard.bytes += bytes;
}

void UserCache::Drop(const std::vector<UserId>& ids) {
  std::vector<Entry> dropped;  // freed after the locks are released
  for (UserId id : ids) {
    size_t index;
    Shard& shard = ShardFor(id, &index);
    std::lock_guard lock(shard.mu);
    ++shard.generation;
    if (auto held = shard.users.Erase(id)) {
      shard.bytes -= held->bytes;
      dropped.push_back(std::move(held->user));
    }
  }
}

UserCache::Entry UserCache::Card(User user) {
  for (std::string* secret : {&user.token, &user.password_hash}) {
    secret->clear();
    secret->shrink_to_fit();  // clear() alone keeps the heap block
  }
  user.version = user.clock_ms = user.friend_count = user.pending_requests = 0;
  return std::make_shared<const User>(std::move(user));
}

}  // namespace fg
