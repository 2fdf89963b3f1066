#include "app/graph_lines.h"

#include <gtest/gtest.h>

namespace fg {
namespace {

TEST(GraphLinesTest, AUserLineCarriesItsProfileAndWhatComesAfterCreation) {
  auto r = DecodeGraphLine(
      R"({"type":"user","account":"Alice","name":"A","gender":2,"add_policy":"deny_any",)"
      R"("token":"t","password_hash":"$argon2id$v=19$x","disabled":true,"st_account":"al1ce",)"
      R"("found_by_phone":false})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ImportUser& u = *std::get<UserRecord>(r.value());
  EXPECT_EQ(u.user.account, "Alice");
  EXPECT_EQ(u.user.profile.name, "A");
  EXPECT_EQ(u.user.profile.gender, 2);
  EXPECT_EQ(u.user.add_policy, AddPolicy::kDenyAny);
  EXPECT_EQ(u.user.token, "t");
  EXPECT_EQ(u.later.disabled, true);
  EXPECT_EQ(u.later.st_account, "al1ce");
  EXPECT_EQ(u.later.found_by_phone, false);
  EXPECT_FALSE(u.later.found_by_st_account.has_value());
  EXPECT_FALSE(u.user.profile.icon.has_value());
}

TEST(GraphLinesTest, EncodedLinesDecodeToWhatWasEncoded) {
  User u;
  u.account = "bob";
  u.profile.icon = "https://x/\"q\"";
  u.profile.gender = 1;
  u.add_policy = AddPolicy::kAllowAny;
  u.found_by_st_account = false;
  std::string line = EncodeUserLine(u);
  ASSERT_EQ(line.back(), '\n');
  auto user = DecodeGraphLine(std::string_view(line).substr(0, line.size() - 1));
  ASSERT_TRUE(user.ok()) << user.status().ToString() << line;
  EXPECT_EQ(std::get<UserRecord>(user.value())->user.profile.icon, u.profile.icon);
  EXPECT_EQ(std::get<UserRecord>(user.value())->later.found_by_st_account, false);

  FriendEdge e;
  e.fields.alias = "Bobby";
  e.fields.serverex = "{\"k\":1}";
  e.source = "import";
  line = EncodeEdgeLine("alice", "bob", e);
  EXPECT_EQ(line, R"({"type":"friend","owner":"alice","peer":"bob","alias":"Bobby",)"
                  R"("serverex":"{\"k\":1}","source":"import"})"
                  "\n");
  auto edge = DecodeGraphLine(std::string_view(line).substr(0, line.size() - 1));
  ASSERT_TRUE(edge.ok());
  ASSERT_NE(std::get<ImportEdge>(edge.value()).fields, nullptr);
  EXPECT_EQ(std::get<ImportEdge>(edge.value()).fields->serverex, e.fields.serverex);
  // An edge without fields keeps none.
  auto bare = DecodeGraphLine(R"({"type":"friend","owner":"alice","peer":"bob"})");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(std::get<ImportEdge>(bare.value()).fields, nullptr);

  line = EncodeRelationLine("alice", "carol", Relation::kMute);
  EXPECT_EQ(line, R"({"type":"mute","owner":"alice","peer":"carol"})"
                  "\n");
}

TEST(GraphLinesTest, MalformedLinesAreRefusedWithWhatIsWrong) {
  struct Case {
    const char* line;
    const char* message;
  };
  const Case cases[] = {
      {R"({"type":"user")", "not JSON"},
      {R"([1])", "one JSON object"},
      {R"({"type":"friend","owner":{"a":1},"peer":"b"})", "nesting deeper than 1"},
      {R"({"type":"group","owner":"a"})", "\"type\" must be one of"},
      {R"({"account":"a"})", "\"type\" must be one of"},
      {R"({"type":"user","account":"a","nmae":"x"})", "unknown key \"nmae\""},
      {R"({"type":"user","account":""})", "\"account\" is missing"},
      {R"({"type":"user"})", "\"account\" is missing"},
      {R"({"type":"user","account":7})", "\"account\" must be a string"},
      {R"({"type":"user","account":"a","gender":3})", "\"gender\" must be 0, 1 or 2"},
      {R"({"type":"user","account":"a","gender":"1"})", "\"gender\" must be 0, 1 or 2"},
      {R"({"type":"user","account":"a","disabled":1})", "\"disabled\" must be true or false"},
      {R"({"type":"user","account":"a","add_policy":"any"})", "\"add_policy\" must be one of"},
      {R"({"type":"user","account":"a","password_hash":"plain"})", "argon2id"},
      {R"({"type":"user","account":"a","account":"b"})", "duplicate key"},
      {R"({"type":"friend","owner":"a"})", "\"peer\" is missing"},
      {R"({"type":"block","owner":"a","peer":"b","alias":"x"})", "unknown key \"alias\""},
      {"{\"type\":\"user\",\"account\":\"\xff\"}", "invalid UTF-8"},
  };
  for (const Case& c : cases) {
    auto r = DecodeGraphLine(c.line);
    ASSERT_FALSE(r.ok()) << c.line;
    EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.message), std::string::npos)
        << c.line << " -> " << r.status().message();
  }
  std::string long_account = R"({"type":"user","account":")" + std::string(129, 'a') + "\"}";
  EXPECT_NE(DecodeGraphLine(long_account).status().message().find("longer than 128"),
            std::string::npos);
}

}  // namespace
}  // namespace fg
