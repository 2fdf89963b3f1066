#include "dialects/common/error_table.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace fg::kit {
namespace {

// A table in the shape a dialect writes, complete for today's codes.
constexpr ErrorMapping kRows[] = {
    {Code::kOk, {200, 0, ""}},
    {Code::kInvalidArgument, {400, 1, "illegal_argument", "IllegalArgumentException"}},
    {Code::kTooLong, {400, 2, "illegal_argument"}},
    {Code::kUserNotFound, {404, 3, "service_resource_not_found"}},
    {Code::kAlreadyExists, {400, 4, "duplicate_unique_property_exists"}},
    {Code::kNotFriends, {404, 5, "service_resource_not_found"}},
    {Code::kAlreadyFriends, {400, 6, "illegal_argument"}},
    {Code::kNoPendingRequest, {404, 7, "service_resource_not_found"}},
    {Code::kBlocked, {403, 8, "forbidden_op"}},
    {Code::kRefusedByPolicy, {403, 9, "forbidden_op"}},
    {Code::kFriendLimit, {403, 10, "forbidden_op"}},
    {Code::kRelationLimit, {403, 11, "forbidden_op"}},
    {Code::kUserDisabled, {403, 14, "forbidden_op"}},
    {Code::kInternal, {500, 12, "internal_server_error"}},
    {Code::kUnavailable, {503, 13, "service_unavailable"}},
};
constexpr ErrorTable kTable(kRows);

// Lookups are constant expressions too.
static_assert(kTable.For(Code::kBlocked).http_status == 403);

constexpr ErrorMapping kPartialRows[] = {
    {Code::kOk, {200, 200, ""}},
    {Code::kInternal, {200, 500, ""}},
};
constexpr ErrorTable kPartial(kPartialRows);

TEST(ErrorTableTest, AllCodesListsEveryCodeOnce) {
  std::vector<Code> codes = AllCodes();
  ASSERT_FALSE(codes.empty());
  EXPECT_EQ(codes.front(), Code::kOk);
  for (size_t i = 0; i < codes.size(); ++i) {
    EXPECT_EQ(static_cast<int>(codes[i]), static_cast<int>(i));
    EXPECT_NE(CodeName(codes[i]), "unknown");
  }
  // Spot-check both ends of today's list.
  EXPECT_NE(std::find(codes.begin(), codes.end(), Code::kUnavailable), codes.end());
  EXPECT_NE(std::find(codes.begin(), codes.end(), Code::kInvalidArgument), codes.end());
}

TEST(ErrorTableTest, EveryCodeIsMapped) {
  EXPECT_TRUE(UnmappedCodes(kTable).empty());
  for (Code code : AllCodes()) EXPECT_TRUE(kTable.Maps(code)) << CodeName(code);
}

TEST(ErrorTableTest, LooksUpRows) {
  const VendorError& e = kTable.For(Code::kInvalidArgument);
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.vendor_code, 1);
  EXPECT_EQ(e.name, "illegal_argument");
  EXPECT_EQ(e.detail, "IllegalArgumentException");
  EXPECT_EQ(kTable.For(Code::kUnavailable).http_status, 503);
}

TEST(ErrorTableTest, AnIncompleteTableIsReportedAndFallsBackToInternal) {
  std::vector<Code> missing = UnmappedCodes(kPartial);
  EXPECT_EQ(missing.size(), AllCodes().size() - 2);
  EXPECT_EQ(missing.front(), Code::kInvalidArgument);
  EXPECT_FALSE(kPartial.Maps(Code::kBlocked));
  EXPECT_EQ(kPartial.For(Code::kBlocked).vendor_code, 500);
}

}  // namespace
}  // namespace fg::kit
