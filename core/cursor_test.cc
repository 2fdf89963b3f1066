#include "core/cursor.h"

#include <gtest/gtest.h>

#include <climits>

namespace fg {
namespace {

TEST(CursorTest, RoundTripsAnyKey) {
  for (int64_t key : {int64_t{0}, int64_t{1}, int64_t{123456789}, INT64_MAX, INT64_MIN}) {
    std::string c = EncodeCursor(ListKind::kFriends, 42, key);
    auto back = DecodeCursor(c, ListKind::kFriends, 42);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back.value(), key);
  }
}

TEST(CursorTest, ACursorFromAnotherListIsRefused) {
  std::string c = EncodeCursor(ListKind::kFriends, 42, 7);
  EXPECT_EQ(DecodeCursor(c, ListKind::kFriends, 43).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(DecodeCursor(c, ListKind::kBlocks, 42).status().code(), Code::kInvalidArgument);
}

TEST(CursorTest, MalformedCursorsAreRefused) {
  std::string c = EncodeCursor(ListKind::kUsers, 1, 2);
  for (std::string bad : {std::string(), std::string("x"), c + "0", c.substr(1),
                          std::string(c.size(), '!'), c + "="}) {
    EXPECT_EQ(DecodeCursor(bad, ListKind::kUsers, 1).status().code(), Code::kInvalidArgument)
        << bad;
  }
}

}  // namespace
}  // namespace fg
