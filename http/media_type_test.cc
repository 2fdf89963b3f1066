#include "http/media_type.h"

#include <gtest/gtest.h>

namespace fg::http {
namespace {

TEST(MediaTypeTest, TypeAndSubtypeLowerCasedAndTrimmed) {
  for (std::string_view value :
       {"application/x-www-form-urlencoded", "  APPLICATION/X-WWW-FORM-URLENCODED\t",
        "application/x-www-form-urlencoded;charset=utf-8",
        "Application/X-Www-Form-Urlencoded ; charset=UTF-8"}) {
    auto media = ParseMediaType(value);
    ASSERT_TRUE(media) << value;
    EXPECT_TRUE(media->Is("application", "x-www-form-urlencoded")) << value;
  }
}

TEST(MediaTypeTest, ASuffixIsAnotherType) {
  auto media = ParseMediaType("application/x-www-form-urlencodedX");
  ASSERT_TRUE(media);
  EXPECT_FALSE(media->Is("application", "x-www-form-urlencoded"));
  EXPECT_EQ(media->subtype, "x-www-form-urlencodedx");
  EXPECT_FALSE(ParseMediaType("application/x-www-form-urlencoded,text/plain"));
  EXPECT_FALSE(ParseMediaType("application/x-www-form-urlencoded x"));
}

TEST(MediaTypeTest, Parameters) {
  auto media = ParseMediaType(
      R"(multipart/form-data; Boundary="a \"b\";c" ;; charset=UTF-8;charset=latin1 ;)");
  ASSERT_TRUE(media);
  EXPECT_TRUE(media->Is("multipart", "form-data"));
  ASSERT_EQ(media->parameters.size(), 3u);
  EXPECT_EQ(media->Parameter("boundary"), R"(a "b";c)");
  EXPECT_EQ(media->Parameter("charset"), "UTF-8");  // the first one
  EXPECT_FALSE(media->Parameter("Charset"));        // names are looked up lower-case
  EXPECT_FALSE(media->Parameter("q"));
}

TEST(MediaTypeTest, RejectsMalformed) {
  for (std::string_view value :
       {"", " ", "application", "application/", "/json", "app lication/json", "a/b/c",
        "text/plain; charset", "text/plain; charset=", "text/plain; =utf-8",
        "text/plain; charset =utf-8", "text/plain; charset=utf 8", "text/plain; charset=\"utf-8",
        "text/plain; charset=\"a\\", "text/plain; charset=\"a\x01\"", "text/plain; a=b c",
        "text/pl\xC3\xA4in"}) {
    EXPECT_FALSE(ParseMediaType(value)) << value;
  }
}

}  // namespace
}  // namespace fg::http
