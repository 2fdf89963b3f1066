#include "dialects/common/param_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace fg::kit {
namespace {

constexpr CharSet kAccount("a-zA-Z0-9_.-");
static_assert(kAccount.Contains('a') && kAccount.Contains('Z') && kAccount.Contains('-'));
static_assert(kAccount.Contains('.') && !kAccount.Contains('@') && !kAccount.Contains('\x80'));
static_assert(CharSet("-a").Contains('-') && !CharSet("-a").Contains('b'));

http::Params Form(std::string_view body) {
  auto params = http::ParseForm(body);
  EXPECT_TRUE(params.ok()) << params.status().ToString();
  return std::move(params.value());
}

http::JsonDocument Json(std::string_view text) {
  auto doc = http::ParseJson(text);
  EXPECT_TRUE(doc.ok()) << doc.status().ToString();
  return std::move(doc.value());
}

TEST(ParamReaderTest, ReadsAForm) {
  http::Params params = Form("name=%E5%BC%A0%E4%B8%89&n=42&flag=TRUE&empty=&list=%5B%22a%22%5D");
  FormFields fields(params);
  ParamReader p(fields);
  EXPECT_EQ(p.Required("name", 2), "\xE5\xBC\xA0\xE4\xB8\x89");  // 2 characters, 6 bytes
  EXPECT_EQ(p.RequiredInt("n", 0, 100), 42);
  EXPECT_EQ(p.OptionalBool("flag"), true);
  EXPECT_EQ(p.Optional("empty", 5), "");
  EXPECT_EQ(p.Optional("absent", 5), std::nullopt);
  EXPECT_EQ(p.OptionalInt("absent", 0, 1), std::nullopt);
  EXPECT_EQ(p.OptionalBool("absent"), std::nullopt);
  EXPECT_EQ(p.RequiredArray("list", 5, 5), std::vector<std::string>{"a"});
  EXPECT_TRUE(p.Has("empty"));
  EXPECT_FALSE(p.Has("absent"));
  EXPECT_TRUE(p.ok()) << p.status().ToString();
}

TEST(ParamReaderTest, ReadsAJsonObject) {
  http::JsonDocument doc =
      Json(R"({"username":"Bob.1","ttl":3600,"on":false,"list":["x","y"],"none":null,"nick":""})");
  JsonFields fields(doc.root());
  ParamReader p(fields);
  EXPECT_EQ(p.Required("username", 64, kAccount), "Bob.1");
  EXPECT_EQ(p.OptionalInt("ttl", 0, 86'400), 3600);
  EXPECT_EQ(p.OptionalBool("on"), false);
  EXPECT_EQ(p.RequiredArray("list", 2, 1), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(p.Optional("none", 5), std::nullopt);  // null is absent
  EXPECT_FALSE(p.Has("none"));
  EXPECT_EQ(p.Optional("nick", 5), "");
  EXPECT_TRUE(p.ok()) << p.status().ToString();
}

TEST(ParamReaderTest, ReadsPathParameters) {
  std::vector<std::pair<std::string, std::string>> path = {{"org", "acme"}, {"owner", "bob"}};
  PathFields fields(path);
  ParamReader p(fields);
  EXPECT_EQ(p.Required("owner", 64, kAccount), "bob");
  EXPECT_EQ(p.Required("org", 64), "acme");
  EXPECT_TRUE(p.ok());
  // Path segments are decoded but not checked before the reader.
  std::vector<std::pair<std::string, std::string>> bad = {{"owner", "b\xFF"}};
  PathFields bad_fields(bad);
  ParamReader q(bad_fields);
  q.Required("owner", 64);
  EXPECT_EQ(q.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(q.status().message(), "owner is not valid UTF-8");
}

struct Case {
  const char* json;
  Code code;
  const char* message;
};

Status ReadJson(std::string_view text, void (*read)(ParamReader&)) {
  http::JsonDocument doc = Json(text);
  JsonFields fields(doc.root());
  ParamReader p(fields);
  read(p);
  return p.status();
}

TEST(ParamReaderTest, StringFailures) {
  auto read = [](ParamReader& p) { p.Required("x", 3, kAccount); };
  const Case cases[] = {
      {R"({})", Code::kInvalidArgument, "x is missing"},
      {R"({"x":null})", Code::kInvalidArgument, "x is missing"},
      {R"({"x":""})", Code::kInvalidArgument, "x is missing"},
      {R"({"x":12})", Code::kInvalidArgument, "x must be a string"},
      {R"({"x":true})", Code::kInvalidArgument, "x must be a string"},
      {R"({"x":["a"]})", Code::kInvalidArgument, "x must be a string"},
      {R"({"x":{}})", Code::kInvalidArgument, "x must be a string"},
      {R"({"x":"a b"})", Code::kInvalidArgument, "x may hold only [a-zA-Z0-9_.-]"},
      {R"({"x":"a\u0000"})", Code::kInvalidArgument, "x may hold only [a-zA-Z0-9_.-]"},
      {R"({"x":"abcd"})", Code::kTooLong, "x is longer than 3 characters"},
      {R"({"x":"a!cd"})", Code::kTooLong, "x is longer than 3 characters"},
  };
  for (const Case& c : cases) {
    Status s = ReadJson(c.json, read);
    EXPECT_EQ(s.code(), c.code) << c.json;
    EXPECT_EQ(s.message(), c.message) << c.json;
  }
}

TEST(ParamReaderTest, LengthIsInCharacters) {
  auto read = [](ParamReader& p) { p.Optional("x", 2); };
  EXPECT_TRUE(ReadJson(R"({"x":"\u4f60\u597d"})", read).ok());
  EXPECT_EQ(ReadJson(R"({"x":"\u4f60\u597d!"})", read).code(), Code::kTooLong);
  EXPECT_TRUE(ReadJson(R"({"x":"\ud83d\ude00\ud83d\ude00"})", read).ok());  // 8 bytes, 2 chars
}

TEST(ParamReaderTest, IntegerFailures) {
  auto read = [](ParamReader& p) { p.RequiredInt("n", -5, 5); };
  for (const char* json : {R"({"n":6})", R"({"n":-6})", R"({"n":"1"})", R"({"n":1.0})",
                           R"({"n":1e0})", R"({"n":true})", R"({"n":9223372036854775808})"}) {
    Status s = ReadJson(json, read);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << json;
    EXPECT_EQ(s.message(), "n must be an integer from -5 to 5") << json;
  }
  EXPECT_EQ(ReadJson("{}", read).message(), "n is missing");
  EXPECT_TRUE(ReadJson(R"({"n":-5})", read).ok());

  for (const char* form : {"n=", "n=1x", "n=+1", "n=0x1", "n=%201", "n=99999999999999999999"}) {
    http::Params params = Form(form);
    FormFields fields(params);
    ParamReader p(fields);
    p.OptionalInt("n", -5, 5);
    EXPECT_EQ(p.status().code(), Code::kInvalidArgument) << form;
  }
}

TEST(ParamReaderTest, BoolFailures) {
  auto read = [](ParamReader& p) { p.OptionalBool("b"); };
  for (const char* json : {R"({"b":"true"})", R"({"b":1})", R"({"b":[]})"}) {
    EXPECT_EQ(ReadJson(json, read).message(), "b must be true or false") << json;
  }
  for (const char* form : {"b=1", "b=yes", "b=", "b=truex"}) {
    http::Params params = Form(form);
    FormFields fields(params);
    ParamReader p(fields);
    p.OptionalBool("b");
    EXPECT_EQ(p.status().message(), "b must be true or false") << form;
  }
}

TEST(ParamReaderTest, ArrayFailures) {
  auto required = [](ParamReader& p) { p.RequiredArray("a", 2, 3, kAccount); };
  const Case cases[] = {
      {R"({})", Code::kInvalidArgument, "a is missing"},
      {R"({"a":[]})", Code::kInvalidArgument, "a must be an array of 1 to 2 strings"},
      {R"({"a":["x","y","z"]})", Code::kInvalidArgument, "a must be an array of 1 to 2 strings"},
      {R"({"a":"x"})", Code::kInvalidArgument, "a must be an array of 1 to 2 strings"},
      {R"({"a":["x",1]})", Code::kInvalidArgument, "a must be an array of 1 to 2 strings"},
      {R"({"a":["x",["y"]]})", Code::kInvalidArgument, "a must be an array of 1 to 2 strings"},
      {R"({"a":["x",""]})", Code::kInvalidArgument, "a[1] is empty"},
      {R"({"a":["x","y!"]})", Code::kInvalidArgument, "a[1] may hold only [a-zA-Z0-9_.-]"},
      {R"({"a":["wxyz"]})", Code::kTooLong, "a[0] is longer than 3 characters"},
  };
  for (const Case& c : cases) {
    Status s = ReadJson(c.json, required);
    EXPECT_EQ(s.code(), c.code) << c.json;
    EXPECT_EQ(s.message(), c.message) << c.json;
  }
  auto optional = [](ParamReader& p) {
    auto a = p.OptionalArray("a", 2, 3);
    EXPECT_TRUE(!p.ok() || !a || a->empty());
  };
  EXPECT_TRUE(ReadJson(R"({})", optional).ok());
  EXPECT_TRUE(ReadJson(R"({"a":[]})", optional).ok());
  EXPECT_EQ(ReadJson(R"({"a":[1]})", optional).message(),
            "a must be an array of at most 2 strings");

  // In text, the list is JSON, with the parser's own limits and messages.
  for (auto [form, message] :
       {std::pair{"a=%5B", "a: not JSON: Invalid value at byte 1"},
        std::pair{"a=%5B%5B%5B%5D%5D%5D", "a must be an array of 1 to 2 strings"},
        std::pair{"a=x", "a: not JSON: Invalid value at byte 0"}}) {
    http::Params params = Form(form);
    FormFields fields(params);
    ParamReader p(fields);
    p.RequiredArray("a", 2, 3);
    EXPECT_EQ(p.status().message(), message) << form;
  }
  std::string deep = "a=" + std::string(65'536, '[');
  http::Params params = Form(deep);
  FormFields fields(params);
  ParamReader p(fields);
  p.RequiredArray("a", 2, 3);
  EXPECT_EQ(p.status().message(), "a: nesting deeper than 32");
}

TEST(ParamReaderTest, KeepsTheFirstFailureAndSkipsLaterReads) {
  http::JsonDocument doc = Json(R"({"a":1,"b":"toolong","c":"ok"})");
  JsonFields fields(doc.root());
  ParamReader p(fields);
  EXPECT_EQ(p.Required("a", 10), "");
  EXPECT_EQ(p.Required("b", 2), "");
  EXPECT_EQ(p.Required("c", 10), "");  // skipped: the call is already refused
  EXPECT_EQ(p.RequiredInt("zz", 0, 1), 0);
  EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(p.status().message(), "a must be a string");
}

}  // namespace
}  // namespace fg::kit
