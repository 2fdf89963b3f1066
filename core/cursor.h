// Keyset cursors (DESIGN.md §2c): opaque to clients (URL-safe Base64, unpadded), they hold which
// list they belong to and the last key a page showed, so that walking the pages never skips or
// repeats an item that stayed in place while others came and went. Never an offset.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace fg {

// Which list a cursor walks. Written into cursors that clients keep: never renumber.
enum class ListKind : uint8_t { kFriends = 1, kBlocks = 2, kUsers = 3, kMutes = 4 };

// list_id names the list's owner (a user id, or the app id for a list of users).
std::string EncodeCursor(ListKind kind, int64_t list_id, int64_t last_key);
// The last key; kInvalidArgument if the cursor is malformed or belongs to another list.
Result<int64_t> DecodeCursor(std::string_view cursor, ListKind kind, int64_t list_id);

}  // namespace fg
