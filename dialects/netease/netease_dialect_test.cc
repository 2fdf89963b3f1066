#include "dialects/netease/netease_dialect.h"

#include <gtest/gtest.h>

namespace fg::netease {
namespace {

TEST(NeteaseDialectTest, EveryCoreCodeHasANeteaseCode) {
  EXPECT_TRUE(kit::UnmappedCodes(NeteaseErrors()).empty());
  for (Code code : kit::AllCodes()) {
    // NetEase's SDKs read any HTTP status but 200 as a transport failure.
    EXPECT_EQ(NeteaseErrors().For(code).http_status, 200) << CodeName(code);
  }
  EXPECT_EQ(NeteaseErrors().For(Code::kTooLong).vendor_code, 405);
  EXPECT_EQ(NeteaseErrors().For(Code::kUserDisabled).vendor_code, 403);
}

}  // namespace
}  // namespace fg::netease
