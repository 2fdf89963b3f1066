// What the caches of core count against their byte bounds: an estimate of the heap memory a
// cached entry keeps alive, made for libstdc++ and glibc's malloc on a 64-bit machine (elsewhere
// it is still an estimate of the same order). It counts each object's own size, the heap block of
// every string longer than the short-string buffer, malloc's per-block overhead, the shared_ptr
// control block, and the hash map's node and bucket slot. It leaves out malloc's free lists and
// fragmentation: the process's RSS grows by somewhat more than the bytes counted.
//
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/model.h"
#include "base/packed_friends.h"

namespace fg {

// The shared_ptr control block's counters and vtable pointer (libstdc++, 64-bit).
inline constexpr size_t kControlBlockBytes = 16;

// The bytes malloc takes for a request of `n` bytes: `n` plus an 8-byte header, rounded up to 16,
// at least 32 (glibc's chunk sizes). 0 for 0.
size_t HeapBlockBytes(size_t n);

// The heap block a string owns: 0 when its characters fit in the object itself.
size_t HeapBytes(const std::string& s);
size_t HeapBytes(const std::optional<std::string>& s);

// The heap an item's strings own, beyond sizeof the item (which its vector holds).
size_t HeapBytes(const PeerRow& item);
size_t HeapBytes(const User& user);

// A list made by std::make_shared<const std::vector<Item>>, as the list caches hold it: one block
// for the control block and the vector, one for the vector's buffer (its capacity, not its size),
// and every item's strings.
template <typename Item>
size_t SharedListBytes(const std::vector<Item>& list) {
  size_t bytes = HeapBlockBytes(kControlBlockBytes + sizeof(list)) +
                 HeapBlockBytes(list.capacity() * sizeof(Item));
  for (const Item& item : list) bytes += HeapBytes(item);
  return bytes;
}

// A packed list made by std::make_shared<const PackedFriends> (MakeFriendList): one block for the
// control block and the object, one for its bytes.
size_t SharedListBytes(const PackedFriends& list);

// A user made by std::make_shared<const User>, as UserCache holds it.
size_t SharedUserBytes(const User& user);

// One entry of a std::unordered_map whose value_type is `value_size` bytes: its node (the next
// pointer, the value, a cached hash) and the bucket slot it adds at load factor 1. A key's own
// heap (a long string key) is extra.
size_t MapEntryBytes(size_t value_size);

}  // namespace fg
