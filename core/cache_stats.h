// What bounds an in-memory cache of core, and what it reports (/metrics): lookups that found an
// entry or not, and what it holds now.
#pragma once

#include <cstddef>
#include <cstdint>

namespace fg {

// A cache keeps at most this much; 0 = no bound of that kind. At least one must be set. Both are
// spread evenly over the cache's shards, and a full shard evicts entries until what it keeps fits.
struct CacheLimits {
  size_t max_bytes = 0;  // estimated bytes (core/cache_bytes.h)
  size_t max_items = 0;  // what the cache counts as items (friends, rows, users)
};

struct CacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t entries = 0;  // users held
  uint64_t items = 0;    // what the item bound counts (friends, rows; users for the user cache)
  uint64_t bytes = 0;    // estimated bytes held, what the byte bound counts
};

}  // namespace fg
