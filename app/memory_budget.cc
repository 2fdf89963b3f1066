#include "app/memory_budget.h"

#include <unistd.h>

#include <algorithm>

namespace fg {

MemoryBudget SplitBudget(uint64_t total_bytes) {
  MemoryBudget b;
  b.total = total_bytes;
  // Each share as total / 100 * percent plus the remainder's part, so that a large total cannot
  // overflow.
  auto share = [total_bytes](uint64_t percent) {
    return total_bytes / 100 * percent + total_bytes % 100 * percent / 100;
  };
  b.store = share(kStorePercent);
  b.friend_lists = share(kFriendListsPercent);
  b.users = share(kUsersPercent);
  b.peer_rows = total_bytes - b.store - b.friend_lists - b.users;
  return b;
}

int64_t DefaultMemoryBudgetMb() {
  constexpr int64_t kFloor = 64;
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || page_size <= 0) return kFloor;
  int64_t quarter = static_cast<int64_t>(pages) / 4 * page_size / (int64_t{1} << 20);
  return std::max(kFloor, quarter);
}

}  // namespace fg
