#include "core/friend_list_cache.h"

#include <algorithm>
#include <functional>

namespace fg {

template <typename Item>
std::string UserListCache<Item>::Key(AppId app, std::string_view account) {
  std::string key = std::to_string(app);
  key.push_back('/');
  key.append(account);
  return key;
}

template <typename Item>
typename UserListCache<Item>::Shard& UserListCache<Item>::ShardFor(const std::string& key,
                                                                   size_t* index) {
  *index = std::hash<std::string>{}(key) % kShards;
  return shards_[*index];
}

template <typename Item>
typename UserListCache<Item>::List UserListCache<Item>::Find(AppId app, std::string_view account,
                                                             Ticket* ticket) {
  std::string key = Key(app, account);
  Shard& shard = ShardFor(key, &ticket->shard);
  std::lock_guard lock(shard.mu);
  if (auto it = shard.lists.find(key); it != shard.lists.end()) {
    hits_.fetch_add(1, std::memory_order_relaxed);
    return it->second;
  }
  misses_.fetch_add(1, std::memory_order_relaxed);
  ticket->generation = shard.generation;
  return nullptr;
}

namespace {

// What a list costs against the bound: an empty list costs one, so that empty lists are bounded
// (and evicted) like the others.
template <typename List>
size_t Cost(const List& list) {
  return std::max<size_t>(1, list->size());
}

}  // namespace

template <typename Item>
void UserListCache<Item>::Install(AppId app, std::string_view account, const Ticket& ticket,
                                  List list) {
  if (Cost(list) > max_items_per_shard_) return;
  std::string key = Key(app, account);
  Shard& shard = shards_[ticket.shard];
  std::lock_guard lock(shard.mu);
  if (shard.generation != ticket.generation) return;  // a drop may have overtaken this read
  while (shard.items + Cost(list) > max_items_per_shard_ && !shard.lists.empty()) {
    shard.items -= Cost(shard.lists.begin()->second);
    shard.lists.erase(shard.lists.begin());
  }
  auto [it, inserted] = shard.lists.try_emplace(std::move(key), list);
  if (inserted) shard.items += Cost(list);
}

template <typename Item>
void UserListCache<Item>::Drop(const std::vector<UserKey>& users) {
  for (const auto& user : users) {
    std::string key = Key(user.app, user.account);
    size_t index;
    Shard& shard = ShardFor(key, &index);
    std::lock_guard lock(shard.mu);
    ++shard.generation;
    if (auto it = shard.lists.find(key); it != shard.lists.end()) {
      shard.items -= Cost(it->second);
      shard.lists.erase(it);
    }
  }
}

template <typename Item>
CacheStats UserListCache<Item>::stats() {
  CacheStats s;
  s.hits = hits_.load(std::memory_order_relaxed);
  s.misses = misses_.load(std::memory_order_relaxed);
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    s.entries += shard.lists.size();
    s.items += shard.items;
  }
  return s;
}

template class UserListCache<FriendView>;
template class UserListCache<PeerRow>;

}  // namespace fg
