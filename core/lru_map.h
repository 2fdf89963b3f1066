// LruMap: a hash map that keeps its entries in the order they were last used, so that a bounded
// cache evicts the entry used longest ago (and a hot entry stays, however many cold ones pass
// through). The order is a list threaded through the map's own nodes (which never move), so an
// entry costs two pointers more than in the plain map and every operation is O(1). Not
// thread-safe: the caches call it under their shard's lock.
#pragma once

#include <cstddef>
#include <optional>
#include <unordered_map>
#include <utility>

namespace fg {

template <typename Key, typename Value>
class LruMap {
  struct Node;
  using Map = std::unordered_map<Key, Node>;

 public:
  using Entry = typename Map::value_type;
  // What one entry's map node holds (for the caches' byte estimates).
  static constexpr size_t kEntrySize = sizeof(Entry);

  LruMap() = default;
  LruMap(const LruMap&) = delete;
  LruMap& operator=(const LruMap&) = delete;

  // The value of `key`, which becomes the most recently used; null if absent.
  Value* Find(const Key& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    Unlink(&*it);
    PushNewest(&*it);
    return &it->second.value;
  }
  bool Contains(const Key& key) const { return map_.count(key) > 0; }

  // Adds `key` as the most recently used; false (and nothing changes) if it is present.
  bool Insert(Key key, Value value) {
    auto [it, inserted] = map_.try_emplace(std::move(key), Node{std::move(value)});
    if (inserted) PushNewest(&*it);
    return inserted;
  }

  // Removes `key`, giving its value back; nullopt if absent.
  std::optional<Value> Erase(const Key& key) {
    auto it = map_.find(key);
    if (it == map_.end()) return std::nullopt;
    return Remove(it);
  }

  // Removes the least recently used entry, giving its value back. REQUIRES: !empty().
  Value PopOldest() { return Remove(map_.find(oldest_->first)); }

  size_t size() const { return map_.size(); }
  bool empty() const { return map_.empty(); }

 private:
  struct Node {
    Value value;
    Entry* newer = nullptr;
    Entry* older = nullptr;
  };

  Value Remove(typename Map::iterator it) {
    Unlink(&*it);
    Value value = std::move(it->second.value);
    map_.erase(it);
    return value;
  }
  void Unlink(Entry* e) {
    Node& n = e->second;
    (n.newer ? n.newer->second.older : newest_) = n.older;
    (n.older ? n.older->second.newer : oldest_) = n.newer;
    n.newer = n.older = nullptr;
  }
  void PushNewest(Entry* e) {
    e->second.older = newest_;
    e->second.newer = nullptr;
    (newest_ ? newest_->second.newer : oldest_) = e;
    newest_ = e;
  }

  Map map_;
  Entry* newest_ = nullptr;
  Entry* oldest_ = nullptr;
};

}  // namespace fg
