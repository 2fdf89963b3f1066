#include "core/friend_list_cache.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <functional>

#include "core/cache_bytes.h"

namespace fg {

template <typename Value>
UserListCache<Value>::UserListCache(CacheLimits limits)
    : max_bytes_per_shard_(limits.max_bytes ? limits.max_bytes / kShards : SIZE_MAX),
      max_items_per_shard_(limits.max_items ? limits.max_items / kShards + 1 : SIZE_MAX) {
  assert(limits.max_bytes || limits.max_items);
}

template <typename Value>
std::string UserListCache<Value>::Key(AppId app, std::string_view account) {
  std::string key = std::to_string(app);
  key.push_back('/');
  key.append(account);
  return key;
}

template <typename Value>
typename UserListCache<Value>::Shard& UserListCache<Value>::ShardFor(const std::string& key,
                                                                     size_t* index) {
  *index = std::hash<std::string>{}(key) % kShards;
  return shards_[*index];
}

template <typename Value>
size_t UserListCache<Value>::EntryBytes(const std::string& key, const Value& list) {
  return MapEntryBytes(decltype(Shard::lists)::kEntrySize) + HeapBytes(key) + SharedListBytes(list);
}

template <typename Value>
typename UserListCache<Value>::List UserListCache<Value>::Find(AppId app, std::string_view account,
                                                               Ticket* ticket) {
  std::string key = Key(app, account);
  Shard& shard = ShardFor(key, &ticket->shard);
  std::lock_guard lock(shard.mu);
  if (Held* held = shard.lists.Find(key)) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    return held->list;
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  ticket->generation = shard.generation;
  return nullptr;
}

namespace {

// What a list costs against the item bound: an empty list costs one, so that empty lists are
// bounded (and evicted) like the others.
template <typename List>
size_t Items(const List& list) {
  return std::max<size_t>(1, list->size());
}

}  // namespace

template <typename Value>
void UserListCache<Value>::Install(AppId app, std::string_view account, const Ticket& ticket,
                                   List list) {
  const size_t items = Items(list);
  if (items > max_items_per_shard_) return;
  std::string key = Key(app, account);
  const size_t bytes = EntryBytes(key, *list);  // outside the lock: it walks the list
  if (bytes > max_bytes_per_shard_) return;
  std::vector<List> evicted;  // freed after the lock is released
  Shard& shard = shards_[ticket.shard];
  {
    std::lock_guard lock(shard.mu);
    if (shard.generation != ticket.generation) return;  // a drop may have overtaken this read
    if (shard.lists.Contains(key)) return;
    auto full = [&] {
      return shard.items + items > max_items_per_shard_ ||
             shard.bytes + bytes > max_bytes_per_shard_;
    };
    // The list used longest ago goes first (a hot list stays however many cold ones pass).
    while (full() && !shard.lists.empty()) {
      Held victim = shard.lists.PopOldest();
      shard.items -= Items(victim.list);
      shard.bytes -= victim.bytes;
      evicted.push_back(std::move(victim.list));
    }
    shard.lists.Insert(std::move(key), Held{std::move(list), bytes});
    shard.items += items;
    shard.bytes += bytes;
  }
}

template <typename Value>
void UserListCache<Value>::Drop(const std::vector<UserKey>& users) {
  std::vector<List> dropped;  // freed after the locks are released
  for (const auto& user : users) {
    std::string key = Key(user.app, user.account);
    size_t index;
    Shard& shard = ShardFor(key, &index);
    std::lock_guard lock(shard.mu);
    ++shard.generation;
    if (auto held = shard.lists.Erase(key)) {
      shard.items -= Items(held->list);
      shard.bytes -= held->bytes;
      dropped.push_back(std::move(held->list));
    }
  }
}

template <typename Value>
CacheStats UserListCache<Value>::stats() {
  CacheStats s;
  s.hits = hits_.load(std::memory_order_relaxed);
  s.misses = misses_.load(std::memory_order_relaxed);
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    s.entries += shard.lists.size();
    s.items += shard.items;
    s.bytes += shard.bytes;
  }
  return s;
}

template class UserListCache<PackedFriends>;
template class UserListCache<std::vector<PeerRow>>;

}  // namespace fg
