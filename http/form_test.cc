#include "http/form.h"

#include <gtest/gtest.h>

namespace fg::http {
namespace {

TEST(FormTest, ParsesPairsAndDecodes) {
  auto p = ParseForm("accid=zhang%20san&msg=hi+there&empty=&flag&&x=%E4%BD%A0");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->Get("accid"), "zhang san");
  EXPECT_EQ(p->Get("msg"), "hi there");
  EXPECT_EQ(p->Get("empty"), "");
  EXPECT_EQ(p->Get("flag"), "");
  EXPECT_EQ(p->Get("x"), "\xE4\xBD\xA0");
  EXPECT_FALSE(p->Get("missing").has_value());
  EXPECT_TRUE(ParseForm("").ok());
}

TEST(FormTest, RejectsBadInput) {
  EXPECT_EQ(ParseForm("a=%G1").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseForm("a=%4").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseForm("a=%").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseForm("a=1&a=2").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseForm("a=%FF").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseForm("%C0%80=1").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseForm("=1").status().code(), Code::kInvalidArgument);
  EXPECT_NE(ParseForm("a=1&a=2").status().message().find("'a'"), std::string::npos);
}

TEST(FormTest, PercentDecodeKeepsPlusInPaths) {
  EXPECT_EQ(PercentDecode("a+b%2Fc", false), "a+b/c");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_FALSE(PercentDecode("%zz", false).has_value());
}

}  // namespace
}  // namespace fg::http
