#include "http/json.h"

#include <gtest/gtest.h>

#include <string>

namespace fg::http {
namespace {

Status ParseError(std::string_view text, JsonLimits limits = {}) {
  auto doc = ParseJson(text, limits);
  return doc.ok() ? Status::Ok() : doc.status();
}

TEST(JsonParseTest, TypedAccess) {
  auto doc = ParseJson(
      R"({"s":"x\u00e9","i":-7,"d":1.5,"t":true,"f":false,"n":null,"a":[1,"two"],"o":{}})");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  JsonValue root = doc->root();
  ASSERT_EQ(root.type(), JsonType::kObject);
  EXPECT_EQ(root.size(), 8u);
  EXPECT_EQ(root.Find("s")->AsString(), "x\xC3\xA9");
  EXPECT_EQ(root.Find("i")->AsInt(), -7);
  EXPECT_EQ(root.Find("i")->AsDouble(), -7.0);
  EXPECT_EQ(root.Find("d")->AsDouble(), 1.5);
  EXPECT_EQ(root.Find("t")->AsBool(), true);
  EXPECT_EQ(root.Find("f")->AsBool(), false);
  EXPECT_TRUE(root.Find("n")->IsNull());
  EXPECT_EQ(root.Find("o")->type(), JsonType::kObject);
  EXPECT_FALSE(root.Find("missing").has_value());

  JsonValue a = *root.Find("a");
  ASSERT_EQ(a.type(), JsonType::kArray);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a.item(0).AsInt(), 1);
  EXPECT_EQ(a.item(1).AsString(), "two");
  EXPECT_FALSE(a.Find("s").has_value());  // not an object

  // Members in text order.
  JsonMember first = root.member(0), last = root.member(7);
  EXPECT_EQ(first.key, "s");
  EXPECT_EQ(last.key, "o");
  EXPECT_EQ(last.value.size(), 0u);
}

TEST(JsonParseTest, WrongTypeGivesNothing) {
  auto doc = ParseJson(R"(["1", 1, true, null, 1.0, {}])");
  ASSERT_TRUE(doc.ok());
  JsonValue r = doc->root();
  EXPECT_FALSE(r.item(0).AsInt().has_value());
  EXPECT_FALSE(r.item(1).AsString().has_value());
  EXPECT_FALSE(r.item(1).AsBool().has_value());
  EXPECT_FALSE(r.item(2).AsInt().has_value());
  EXPECT_FALSE(r.item(3).AsString().has_value());
  EXPECT_FALSE(r.item(4).AsInt().has_value());  // 1.0 is a fraction, not an integer
  EXPECT_EQ(r.item(4).AsDouble(), 1.0);
  EXPECT_EQ(r.item(3).size(), 0u);
  EXPECT_EQ(r.size(), 6u);
}

TEST(JsonParseTest, NumbersOutOfInt64Range) {
  auto doc = ParseJson(
      "[9223372036854775807,-9223372036854775808,9223372036854775808,-9223372036854775809,"
      "18446744073709551616,1e3]");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  JsonValue r = doc->root();
  EXPECT_EQ(r.item(0).AsInt(), INT64_MAX);
  EXPECT_EQ(r.item(1).AsInt(), INT64_MIN);
  for (size_t i = 2; i < r.size(); ++i) {
    EXPECT_EQ(r.item(i).type(), JsonType::kNumber);
    EXPECT_FALSE(r.item(i).AsInt().has_value()) << i;
    EXPECT_TRUE(r.item(i).AsDouble().has_value()) << i;
  }
  // Past double: refused, not turned into infinity.
  EXPECT_EQ(ParseError("1e400").code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseError("[-1e400]").code(), Code::kInvalidArgument);
}

TEST(JsonParseTest, NotJson) {
  for (const char* text : {"", " ", "[", "{\"a\"}", "[1,]", "{'a':1}", "nul", "[1] [2]", "01",
                           "\"a\tb\"", "[1]x", "NaN", "+1"}) {
    Status s = ParseError(text);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << text;
    EXPECT_EQ(s.message().rfind("not JSON: ", 0), 0u) << text << ": " << s.message();
  }
  EXPECT_EQ(ParseError(std::string("[1]\0[2]", 7)).message(), "not JSON: a NUL byte in the text");
  EXPECT_EQ(ParseError("[1, 2").message(),
            "not JSON: Missing a comma or ']' after an array element at byte 5");
  EXPECT_TRUE(ParseError(" [1] \n").ok());
  EXPECT_TRUE(ParseError("7").ok());
}

TEST(JsonParseTest, InvalidUtf8) {
  for (std::string text : {std::string("\"\xFF\""), std::string("\"\xC0\x80\""),  // overlong
                           std::string("\"\xED\xA0\x80\""),                       // raw surrogate
                           std::string("{\"\xE4\xBD\":1}")}) {
    EXPECT_EQ(ParseError(text).message(), "invalid UTF-8") << text;
  }
}

TEST(JsonParseTest, LoneSurrogateEscapes) {
  EXPECT_EQ(ParseError(R"("\udc00")").message(), "invalid UTF-8");
  EXPECT_EQ(ParseError(R"({"\udfff":1})").message(), "invalid UTF-8");
  EXPECT_EQ(ParseError(R"(["a\ud800"])").code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseError(R"(["\ud800\u0041"])").code(), Code::kInvalidArgument);
  // A proper pair, and other characters encoded with 0xED, are fine.
  auto doc = ParseJson(R"(["\ud83d\ude00", "\ud7ff", "\u0000"])");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(doc->root().item(0).AsString(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(doc->root().item(1).AsString(), "\xED\x9F\xBF");
  EXPECT_EQ(doc->root().item(2).AsString(), std::string_view("\0", 1));
}

TEST(JsonParseTest, DuplicateKeysAreRefused) {
  EXPECT_EQ(ParseError(R"({"a":1,"a":2})").message(), "duplicate key \"a\"");
  EXPECT_EQ(ParseError(R"({"x":[{"b":1,"c":2,"b":3}]})").message(), "duplicate key \"b\"");
  EXPECT_EQ(ParseError(R"({"\u0061":1,"a":2})").message(), "duplicate key \"a\"");
  EXPECT_EQ(ParseError("{\"" + std::string(100, 'k') + "\":1,\"" + std::string(100, 'k') + "\":2}")
                .message(),
            "duplicate key");
  // The same key in different objects, and keys differing in case, are fine.
  EXPECT_TRUE(ParseError(R"({"a":{"a":1},"b":{"a":2},"A":3})").ok());
}

TEST(JsonParseTest, DepthCap) {
  EXPECT_TRUE(ParseError(std::string(32, '[') + std::string(32, ']')).ok());
  EXPECT_EQ(ParseError(std::string(33, '[') + std::string(33, ']')).message(),
            "nesting deeper than 32");
  std::string objects;
  for (int i = 0; i < 33; ++i) objects += "{\"a\":";
  objects += "1" + std::string(33, '}');
  EXPECT_EQ(ParseError(objects).message(), "nesting deeper than 32");
  EXPECT_EQ(ParseError("[[1]]", {.max_depth = 1}).message(), "nesting deeper than 1");
  EXPECT_TRUE(ParseError("[1]", {.max_depth = 1}).ok());
  EXPECT_TRUE(ParseError("1", {.max_depth = 0}).ok());
}

// The inputs that killed the recursive parser. With the default cap they are refused at depth 33;
// with the cap lifted they parse, are checked and freed, proving nothing recurses per level (the
// ASan build, with its larger frames, runs this too).
TEST(JsonParseTest, DeepInputNeverExhaustsTheStack) {
  std::string brackets(65'536, '[');
  EXPECT_EQ(ParseError(brackets).message(), "nesting deeper than 32");

  const JsonLimits unlimited{.max_depth = 1 << 30, .max_values = 1 << 30};
  EXPECT_EQ(ParseError(brackets, unlimited).code(), Code::kInvalidArgument);  // unterminated

  constexpr size_t kMiB = 1 << 20;
  std::string arrays = std::string(kMiB / 2, '[') + std::string(kMiB / 2, ']');
  EXPECT_EQ(ParseError(arrays).message(), "nesting deeper than 32");
  EXPECT_TRUE(ParseError(arrays, unlimited).ok());

  std::string objects;
  const size_t levels = kMiB / 6;  // {"a": ... } is 6 bytes a level
  objects.reserve(kMiB);
  for (size_t i = 0; i < levels; ++i) objects += "{\"a\":";
  objects += "1";
  objects.append(levels, '}');
  EXPECT_EQ(ParseError(objects).message(), "nesting deeper than 32");
  auto doc = ParseJson(objects, unlimited);
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  JsonValue v = doc->root();
  for (size_t i = 0; i < levels; ++i) v = *v.Find("a");
  EXPECT_EQ(v.AsInt(), 1);
}

TEST(JsonParseTest, ValueCap) {
  EXPECT_TRUE(ParseError("[1,2,3]", {.max_values = 4}).ok());
  EXPECT_EQ(ParseError("[1,2,3,4]", {.max_values = 4}).message(), "more than 4 values");
  EXPECT_EQ(ParseError(R"({"a":1,"b":[2,3]})", {.max_values = 4}).message(), "more than 4 values");
  // A wide 1 MiB body stops at the default cap.
  std::string wide = "[";
  for (size_t i = 0; i < (1 << 20) / 2; ++i) wide += "0,";
  wide += "0]";
  EXPECT_EQ(ParseError(wide).message(), "more than 65536 values");
}

TEST(JsonParseTest, DocumentsMove) {
  auto doc = ParseJson(R"({"k":"v"})");
  ASSERT_TRUE(doc.ok());
  JsonDocument moved = std::move(doc.value());
  EXPECT_EQ(moved.root().Find("k")->AsString(), "v");
}

TEST(JsonWriterTest, WritesKeysAndStringsWithOrWithoutEscapes) {
  JsonWriter w;
  w.StartObject().Key("plain").String("text, UTF-8 too: 好友");
  w.Key("quote\"d").String("a\\b\nc\x01\"");
  w.Key("").String("").Key("n").Int(-7).Key("list").StartArray();
  w.String("x").String("y\"").Null().Bool(true).EndArray().EndObject();
  EXPECT_EQ(w.Take(), R"({"plain":"text, UTF-8 too: 好友","quote\"d":"a\\b\nc\u0001\"",)"
                      R"("":"","n":-7,"list":["x","y\"",null,true]})");
  // Every byte that needs escaping is found wherever it stands in an eight-byte word, and
  // bytes just above the bound (' ', '#', ']', UTF-8) need none.
  for (char bad : {'\x00', '\x1f', '"', '\\'}) {
    for (size_t at = 0; at < 17; ++at) {
      std::string text(17, 'a');
      text[at] = bad;
      JsonWriter one;
      one.String(text);
      auto parsed = ParseJson(one.Take());
      ASSERT_TRUE(parsed.ok()) << at;
      EXPECT_EQ(parsed->root().AsString(), text) << at;
    }
  }
  JsonWriter near;
  near.String(" #]!\x7f\xe5\xa5\xbd abcdefgh");
  EXPECT_EQ(near.Take(), "\" #]!\x7f\xe5\xa5\xbd abcdefgh\"");
  JsonWriter empty;  // an empty view may have no data at all
  empty.StartArray().String(std::string_view()).EndArray();
  EXPECT_EQ(empty.Take(), R"([""])");
  JsonWriter raw;
  raw.StartArray().Raw(R"({"a":1})").Raw(R"({"b":[2]})").EndArray();
  EXPECT_EQ(raw.Take(), R"([{"a":1},{"b":[2]}])");
  JsonWriter member;
  member.StartObject().Key("u").Raw(R"({"x":"y"})").Key("n").Int(1).EndObject();
  EXPECT_EQ(member.Take(), R"({"u":{"x":"y"},"n":1})");
  // What it writes parses back to what was written.
  JsonWriter again;
  again.StartArray().String("a\"b").String("ok").EndArray();
  auto doc = ParseJson(again.Take());
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->root().item(0).AsString(), "a\"b");
  EXPECT_EQ(doc->root().item(1).AsString(), "ok");
}

TEST(ParseStringArrayTest, ParsesAndChecks) {
  auto a = ParseStringArray(R"(["a","b"])", 2);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value(), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(ParseStringArray("[]", 0).ok());
  EXPECT_EQ(ParseStringArray(R"(["a","b","c"])", 2).status().message(), "more than 2 items");
  EXPECT_EQ(ParseStringArray(R"(["a",1])", 2).status().message(), "an item is not a string");
  EXPECT_EQ(ParseStringArray(R"({"a":1})", 2).status().message(), "not a JSON array");
  EXPECT_EQ(ParseStringArray(std::string(65'536, '['), 200).status().message(),
            "nesting deeper than 32");
  EXPECT_EQ(ParseStringArray(R"(["\udc00"])", 2).status().message(), "invalid UTF-8");
}

}  // namespace
}  // namespace fg::http
