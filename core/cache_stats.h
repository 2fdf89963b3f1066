// What an in-memory cache of core reports (/metrics): lookups that found an entry or not, and
// what it holds now.
#pragma once

#include <cstdint>

namespace fg {

struct CacheStats {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t entries = 0;  // users held
  uint64_t items = 0;    // what the bound counts (friends, rows; users for the user cache)
};

}  // namespace fg
