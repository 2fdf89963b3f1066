// The Yuntongxun calls through the real router, core and SQLite store, in process, on a fake
// clock (so that the 24-hour window and every timestamp are fixed). The e2e suite drives the
// binary the way the vendor's SDKs do; these pin the dialect's own rules (docs/yuntongxun.md).
#include "dialects/yuntongxun/yuntongxun_dialect.h"

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <set>

#include "base/encoding.h"
#include "dialects/yuntongxun/auth.h"
#include "dialects/yuntongxun/yuntongxun_time.h"
#include "http/json.h"
#include "store/testing/faulty_store.h"
#include "tests/support/test_env.h"

namespace fg::yuntongxun {
namespace {

// Apps a and b are linked (one link_group); c is linked to none and allows 2 calls a second.
constexpr char kA[] = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1";
constexpr char kB[] = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2";
constexpr char kC[] = "ccccccccccccccccccccccccccccccc3";
constexpr char kTokenA[] = "token-a";
constexpr int64_t kStart = 1'700'000'000'000;  // 2023-11-15 06:13:20 at +08:00

// A PNG, a JPEG and a GIF signature with a little more: what SniffImage recognises.
const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
const std::string kJpeg("\xff\xd8\xff\xe0\0\x10JFIF\0", 11);
const std::string kGif = "GIF89a\x01\x00";

std::string Acc(std::string_view app, std::string_view account) {
  return std::string(app) + "#" + std::string(account);
}

struct Answer {
  int status = 0;
  std::string body;
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;

  std::optional<http::JsonDocument> Doc() const {
    auto doc = http::ParseJson(body);
    if (!doc.ok()) return std::nullopt;
    return std::move(doc).value();
  }
  // The statusCode; "" when the body is not the envelope.
  std::string Code() const { return Str("statusCode"); }
  bool Has(std::string_view key) const {
    auto doc = Doc();
    return doc && doc->root().Find(key).has_value();
  }
  // A top-level string member, "" when absent.
  std::string Str(std::string_view key) const {
    auto doc = Doc();
    if (!doc) return "";
    auto v = doc->root().Find(key);
    return v && v->AsString() ? std::string(*v->AsString()) : "";
  }
  // The string members of each object of the array `key`.
  std::vector<std::map<std::string, std::string>> Items(std::string_view key) const {
    std::vector<std::map<std::string, std::string>> out;
    auto doc = Doc();
    if (!doc) return out;
    auto list = doc->root().Find(key);
    if (!list) return out;
    for (size_t i = 0; i < list->size(); ++i) {
      std::map<std::string, std::string> item;
      http::JsonValue v = list->item(i);
      for (size_t m = 0; m < v.size(); ++m) {
        http::JsonMember member = v.member(m);
        if (auto s = member.value.AsString()) item[std::string(member.key)] = std::string(*s);
      }
      out.push_back(std::move(item));
    }
    return out;
  }
  std::string Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return "";
  }
};

// "yyyyMMddHHmmss" at `unix_ms` in the zone `offset_min` east of UTC.
std::string Compact(int64_t unix_ms, int offset_min = 480) {
  std::string out;
  for (char ch : FormatSeconds(unix_ms, offset_min)) {
    if (ch >= '0' && ch <= '9') out.push_back(ch);
  }
  return out;
}

std::string Base64(std::string_view text) {
  return Base64Encode(text, Base64Alphabet::kStandard, Base64Padding::kPadded);
}

std::string AsciiUpper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

class YuntongxunDialectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    a_.app.id = store_->EnsureApp("a").value();
    a_.app.limits.max_friends = 3;
    b_.app.id = store_->EnsureApp("b").value();
    c_.app.id = store_->EnsureApp("c").value();
    auto group = std::make_shared<const LinkGroup>(
        LinkGroup{{a_.app.id, a_.app.limits}, {b_.app.id, b_.app.limits}});
    a_.app.group = group;
    b_.app.group = group;
    a_.settings.app_id = kA;
    a_.settings.app_token = kTokenA;
    a_.settings.public_url = "http://img.test";
    a_.settings.max_avatar_bytes = 64;
    b_.settings.app_id = kB;
    b_.settings.app_token = "token-b";
    c_.settings.app_id = AsciiUpper(kC);  // registered in upper case: the dialect lowers it
    c_.settings.app_token = "token-c";
    c_.settings.rate_limit_per_second = 2;
    c_.settings.time_zone = "-05:30";
    c_.settings.offset_min = -330;
    Register(router_, service_, clock_, {a_, b_, c_});
  }

  // A call of app a, signed now, as the vendor's SDKs sign it.
  http::Request Signed(std::string_view op, std::string body, const YuntongxunApp* app = nullptr) {
    const YuntongxunSettings& s = (app ? *app : a_).settings;
    std::string timestamp = Compact(clock_.NowMs(), s.offset_min);
    http::Request r;
    r.method = "POST";
    r.path = "/2013-12-26/Application/" + s.app_id + "/IM/" + std::string(op);
    r.query = "sig=" + ComputeSig(s.app_id, s.app_token, timestamp);
    r.headers = {{"content-type", "application/json;charset=utf-8"},
                 {"authorization", Base64(s.app_id + ":" + timestamp)}};
    r.body = std::move(body);
    return r;
  }

  Answer Send(http::Request r) {
    auto match = router_.Find(r.method, r.path);
    if (!match.handler) return {0, "no route", "", {}};
    r.path_params = std::move(match.params);
    std::promise<http::Response> answered;
    (*match.handler)(r, [&](http::Response response) { answered.set_value(std::move(response)); });
    http::Response response = answered.get_future().get();
    return {response.status, response.body, response.content_type, response.headers};
  }
  Answer Call(std::string_view op, std::string body, const YuntongxunApp* app = nullptr) {
    return Send(Signed(op, std::move(body), app));
  }
  // The statusCode of a call of app a.
  std::string CodeOf(std::string_view op, std::string body) {
    return Call(op, std::move(body)).Code();
  }
  Answer Upload(std::string_view useracc_query, std::string_view file_name, std::string bytes) {
    http::Request r = Signed("uploadAvatar", std::move(bytes));
    r.query += "&useracc=" + std::string(useracc_query) + "&fileName=" + std::string(file_name);
    r.headers[0].second = "application/octet-stream";
    return Send(std::move(r));
  }
  Answer Get(std::string path, std::optional<std::string> if_none_match = std::nullopt) {
    http::Request r;
    r.method = "GET";
    r.path = std::move(path);
    if (if_none_match) r.headers.emplace_back("if-none-match", *if_none_match);
    return Send(std::move(r));
  }
  // {"useracc":"<a>#<user>"} plus `more` members.
  static std::string Body(std::string_view user, std::string more = "") {
    return "{\"useracc\":\"" + Acc(kA, user) + "\"" + (more.empty() ? "" : "," + more) + "}";
  }
  static std::string Pair(std::string_view user, std::string_view peer, std::string more = "") {
    return Body(user,
                "\"friendUseracc\":\"" + Acc(kA, peer) + "\"" + (more.empty() ? "" : "," + more));
  }

  testing::TempDir dir_;
  testing::FakeClock clock_{kStart};
  testing::ThreadExecutor completions_;
  std::unique_ptr<Store> store_ = testing::SqliteBackend::Open(dir_);
  FriendService service_{*store_, clock_, completions_};
  http::Router router_;
  YuntongxunApp a_, b_, c_;
};

TEST(YuntongxunErrorsTest, EveryCoreCodeHasAStatusCodeAndEveryAnswerIsHttp200) {
  EXPECT_TRUE(kit::UnmappedCodes(YuntongxunErrors()).empty());
  const std::map<Code, int> expected = {
      {Code::kOk, 0},
      {Code::kInvalidArgument, 160102},
      {Code::kTooLong, 160102},
      {Code::kUserNotFound, 160200},
      {Code::kNotFriends, 160201},
      {Code::kNoPendingRequest, 160202},
      {Code::kAlreadyFriends, 160203},
      {Code::kFriendLimit, 160204},
      {Code::kBlocked, 160205},
      {Code::kRefusedByPolicy, 160206},
      {Code::kUserDisabled, 160207},
      {Code::kRelationLimit, 160208},
      {Code::kAlreadyExists, 160209},
      {Code::kInternal, 160500},
      {Code::kUnavailable, 160503},
  };
  for (Code code : kit::AllCodes()) {
    // A client that checks only statusCode == "000000" must just work: never another status.
    EXPECT_EQ(YuntongxunErrors().For(code).http_status, 200) << CodeName(code);
    ASSERT_TRUE(expected.count(code)) << CodeName(code) << " is not in this test's table";
    EXPECT_EQ(YuntongxunErrors().For(code).vendor_code, expected.at(code)) << CodeName(code);
  }
}

TEST_F(YuntongxunDialectTest, ASignedCallSucceedsInTheEnvelope) {
  Answer ok = Call("getUserVerify", Body("zhangsan"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.content_type, "application/json;charset=utf-8");
  EXPECT_EQ(ok.body.rfind(R"({"statusCode":"000000","statusMsg":"success",)", 0), 0u) << ok.body;
  // The sig in lower case, URL-safe unpadded Base64 and no Content-Type are accepted too.
  http::Request r = Signed("getUserVerify", Body("zhangsan"));
  std::string timestamp = Compact(kStart);
  std::string sig = ComputeSig(kA, kTokenA, timestamp);
  for (char& ch : sig) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  r.query = "sig=" + sig;
  r.headers = {{"authorization", Base64Encode(std::string(kA) + ":" + timestamp,
                                              Base64Alphabet::kUrlSafe, Base64Padding::kUnpadded)}};
  EXPECT_EQ(Send(r).Code(), "000000") << Send(r).body;
  // A replay of one signed request is accepted within the window: the scheme has no nonce.
  EXPECT_EQ(Send(r).Code(), "000000");
}

// Each check of the documented order, failing alone and together with every later one.
TEST_F(YuntongxunDialectTest, AuthenticationChecksInTheDocumentedOrder) {
  const std::string body = Body("u");
  const std::string timestamp = Compact(kStart);
  const std::string good_sig = "sig=" + ComputeSig(kA, kTokenA, timestamp);

  http::Request r = Signed("getFriends", body);
  r.path = "/2014-01-01/Application/" + std::string(kA) + "/IM/getFriends";
  r.headers.clear();
  r.query.clear();
  EXPECT_EQ(Send(r).Code(), "160009");  // SoftVersion first, before anything else
  r.query = "sig=%zz";
  EXPECT_EQ(Send(r).Code(), "160009");  // even before a malformed query string

  r = Signed("noSuchOp", body);
  r.headers.clear();
  EXPECT_EQ(Send(r).Code(), "160011");  // then the op

  r = Signed("getFriends", body);
  r.headers = {{"content-type", "text/plain"}};
  r.path = "/2013-12-26/Application/ffffffffffffffffffffffffffffffff/IM/getFriends";
  r.query.clear();
  EXPECT_EQ(Send(r).Code(), "160001");  // no Authorization, before the unknown appId

  r = Signed("getFriends", body);
  r.headers.emplace_back("authorization", r.headers[1].second);
  EXPECT_EQ(Send(r).Code(), "160002");  // repeated
  for (std::string bad :
       std::vector<std::string>{"", "not base64!", Base64("no colon"), Base64(":20231115061320"),
                                Base64(std::string(kA) + ":2023111506132"),
                                Base64(std::string(kA) + ":20231115061320:1")}) {
    r = Signed("getFriends", body);
    r.headers[1].second = bad;
    r.path = "/2013-12-26/Application/ffffffffffffffffffffffffffffffff/IM/getFriends";
    EXPECT_EQ(Send(r).Code(), "160002") << bad;  // undecodable, before the unknown appId
  }

  r = Signed("getFriends", body);
  r.path = "/2013-12-26/Application/ffffffffffffffffffffffffffffffff/IM/getFriends";
  r.headers[1].second = Base64("ffffffffffffffffffffffffffffffff:99999999999999");
  r.query.clear();
  EXPECT_EQ(Send(r).Code(), "160007");  // unknown appId, before the bad timestamp

  r = Signed("getFriends", body);
  r.headers[1].second = Base64(std::string(kB) + ":99999999999999");
  r.query.clear();
  EXPECT_EQ(Send(r).Code(), "160008");  // the header names another app

  for (std::string bad : {"20231315061320", "20230230061320", "20231115246000", "00001115061320"}) {
    r = Signed("getFriends", body);
    r.headers[1].second = Base64(std::string(kA) + ":" + bad);
    r.query.clear();
    EXPECT_EQ(Send(r).Code(), "160003") << bad;  // not a time, before the missing sig
  }

  // 24 hours either way is the limit, inclusive.
  for (int64_t skew : {-24 * 3'600'000 - 1000, 24 * 3'600'000 + 1000}) {
    r = Signed("getFriends", body);
    r.headers[1].second = Base64(std::string(kA) + ":" + Compact(kStart + skew));
    r.query.clear();
    EXPECT_EQ(Send(r).Code(), "160004") << skew;
  }
  for (int64_t skew : {-24 * 3'600'000, 24 * 3'600'000}) {
    std::string t = Compact(kStart + skew);
    r = Signed("getFriends", body);
    r.headers[1].second = Base64(std::string(kA) + ":" + t);
    r.query = "sig=" + ComputeSig(kA, kTokenA, t);
    EXPECT_EQ(Send(r).Code(), "000000") << skew;
  }
  // The timestamp is read in the app's zone: 11 hours ahead at +08:00 is within the window for
  // app a, but the same text read at app c's -05:30 is 24.5 hours ahead.
  const std::string ahead = Compact(kStart + 11 * 3'600'000);
  r = Signed("getFriends", body);
  r.headers[1].second = Base64(std::string(kA) + ":" + ahead);
  r.query = "sig=" + ComputeSig(kA, kTokenA, ahead);
  EXPECT_EQ(Send(r).Code(), "000000");
  r = Signed("getFriends", "{\"useracc\":\"x\"}", &c_);
  r.headers[1].second = Base64(std::string(kC) + ":" + ahead);
  r.query = "sig=" + ComputeSig(kC, "token-c", ahead);
  EXPECT_EQ(Send(r).Code(), "160004");
  EXPECT_EQ(Call("getFriends", "{\"useracc\":\"x\"}", &c_).Code(), "000000");

  r = Signed("getFriends", body);
  r.query = "other=1";
  EXPECT_EQ(Send(r).Code(), "160005");
  r.query = "sig=";
  EXPECT_EQ(Send(r).Code(), "160005");

  r = Signed("getFriends", body);
  r.query = "sig=" + ComputeSig(kA, "token-b", timestamp);
  EXPECT_EQ(Send(r).Code(), "160006");
  r.query = "sig=" + ComputeSig(kA, kTokenA, Compact(kStart - 1000));
  EXPECT_EQ(Send(r).Code(), "160006");  // signed for another second than the header says
  r.query = good_sig + "0";
  EXPECT_EQ(Send(r).Code(), "160006");

  // Then the Content-Type (uploadAvatar excepted) and the body.
  r = Signed("getFriends", body);
  r.headers[0].second = "text/plain";
  EXPECT_EQ(Send(r).Code(), "160013");
  r.headers[0].second = "application/json; charset=UTF-8";
  EXPECT_EQ(Send(r).Code(), "000000");
  for (std::string bad : {"", "{", "[]", "\"u\"", "{\"a\":1,\"a\":2}", "{\"a\":\"\xff\"}"}) {
    EXPECT_EQ(CodeOf("getFriends", bad), "160100") << bad;
  }
  std::string deep = std::string(40, '[') + std::string(40, ']');
  EXPECT_EQ(CodeOf("getFriends", "{\"useracc\":" + deep + "}"), "160100");
}

TEST_F(YuntongxunDialectTest, RoutesOutsideTheCallsAnswerInTheEnvelope) {
  http::Request r = Signed("getFriends", Body("u"));
  r.method = "GET";
  EXPECT_EQ(Send(r).Code(), "160012");
  r.method = "PUT";
  EXPECT_EQ(Send(r).Code(), "160012");
  r = Signed("getFriends", Body("u"));
  r.path = "/2013-12-26/Application/" + std::string(kA) + "/IM/getFriends/more";
  EXPECT_EQ(Send(r).Code(), "160011");
  r.path = "/2013-12-26/Application/" + std::string(kA) + "/Other";
  EXPECT_EQ(Send(r).Code(), "160011");
  r.path = "/2000-01-01/Application/" + std::string(kA) + "/Other";
  EXPECT_EQ(Send(r).Code(), "160009");
}

TEST_F(YuntongxunDialectTest, RateLimitComesAfterTheSigAndBlocksTheApp) {
  const std::string body = "{\"useracc\":\"x\"}";
  // Forged calls do not spend the app's allowance.
  for (int i = 0; i < 5; ++i) {
    http::Request forged = Signed("getUserVerify", body, &c_);
    forged.query = "sig=00";
    EXPECT_EQ(Send(forged).Code(), "160006");
  }
  EXPECT_EQ(Call("getUserVerify", body, &c_).Code(), "000000");
  EXPECT_EQ(Call("getUserVerify", body, &c_).Code(), "000000");
  EXPECT_EQ(Call("getUserVerify", body, &c_).Code(), "160010");
  clock_.Advance(1000);
  EXPECT_EQ(Call("getUserVerify", body, &c_).Code(), "160010");  // blocked for 10 s
  clock_.Advance(10'000);
  EXPECT_EQ(Call("getUserVerify", body, &c_).Code(), "000000");
  // Another app's limit is its own.
  EXPECT_EQ(CodeOf("getUserVerify", Body("x")), "000000");
}

TEST_F(YuntongxunDialectTest, ParametersAreStringsOrIntegersNothingElse) {
  // The seed types every field String; integers are read as their decimal text.
  EXPECT_EQ(CodeOf("getFriends", Body("u", R"("size":"2","isUpdate":"1","isAllPage":"0")")),
            "000000");
  EXPECT_EQ(CodeOf("getFriends", Body("u", R"("size":2,"isUpdate":1,"isAllPage":0)")), "000000");
  EXPECT_EQ(CodeOf("setPersonInfo", R"({"useracc":15011097123,"sex":2,"phoneNumber":150})"),
            "000000");
  Answer info = Call("getPersonInfo", Body("u", R"("searchContent":15011097123)"));
  EXPECT_EQ(info.Code(), "000000") << info.body;
  EXPECT_EQ(info.Str("phoneNumber"), "150");
  EXPECT_EQ(info.Str("sex"), "2");
  // Floats, booleans, objects, arrays and null-as-text are refused.
  for (std::string bad : {R"("size":2.5)", R"("size":2.0)", R"("size":1e1)", R"("size":true)",
                          R"("isUpdate":false)", R"("isSimpUseracc":[1])", R"("timestamp":{})",
                          R"("timestamp":12.5)", R"("size":"2.5")", R"("size":" 2")"}) {
    Answer a = Call("getFriends", Body("u", bad));
    EXPECT_EQ(a.Code(), "160102") << bad << " " << a.body;
    EXPECT_FALSE(a.Str("statusMsg").empty());
  }
  for (std::string bad :
       {R"({"useracc":1.5})", R"({"useracc":true})", R"({"useracc":{}})", R"({"useracc":["a"]})"}) {
    EXPECT_EQ(CodeOf("getUserVerify", bad), "160102") << bad;
  }
  // Flags are 0 or 1; sizes 1 to 100.
  for (std::string bad : {R"("isUpdate":"2")", R"("isAllPage":-1)", R"("size":"0")",
                          R"("size":101)", R"("size":"x")"}) {
    EXPECT_EQ(CodeOf("getFriends", Body("u", bad)), "160102") << bad;
  }
  EXPECT_EQ(CodeOf("getFriends", Body("u", R"("size":100)")), "000000");
  // Missing is its own code; null counts as missing.
  EXPECT_EQ(CodeOf("getFriends", "{}"), "160101");
  EXPECT_EQ(CodeOf("getFriends", R"({"useracc":null})"), "160101");
  EXPECT_EQ(CodeOf("getFriends", R"({"useracc":""})"), "160101");
  EXPECT_EQ(CodeOf("addFriend", Body("u", R"("friendUseracc":"")")), "160101");
  EXPECT_EQ(CodeOf("addFriend", Body("u")), "160101");
  EXPECT_EQ(CodeOf("setUserVerify", Body("u")), "160101");
  EXPECT_EQ(CodeOf("setFriendRemark", Pair("u", "v")), "160101");
}

TEST_F(YuntongxunDialectTest, UseraccsNameThisAppALinkedOneOrABareAccount) {
  // Bare and qualified name the same user, case-insensitively.
  ASSERT_EQ(CodeOf("setPersonInfo", R"({"useracc":"ZhangSan","nickName":"Z"})"), "000000");
  Answer info =
      Call("getPersonInfo", Body("u", "\"searchContent\":\"" + Acc(kA, "zhangsan") + "\""));
  EXPECT_EQ(info.Str("nickName"), "Z");
  EXPECT_EQ(info.Str("useracc"), Acc(kA, "zhangsan"));
  for (std::string bad :
       std::vector<std::string>{"#", Acc(kA, ""), Acc(kA, "a b"), Acc(kA, std::string(65, 'x')),
                                Acc(kA, "\xe4\xb8\xad"), Acc(kA, "a#b")}) {
    EXPECT_EQ(CodeOf("getUserVerify", "{\"useracc\":\"" + bad + "\"}"), "160102") << bad;
  }
  EXPECT_EQ(CodeOf("getUserVerify", "{\"useracc\":\"" + Acc(kA, std::string(64, 'x')) + "\"}"),
            "000000");
  // Another app: linked (b) works, unlinked (c) or unknown is refused, as operator or peer.
  EXPECT_EQ(CodeOf("getUserVerify", "{\"useracc\":\"" + Acc(kC, "u") + "\"}"), "160103");
  EXPECT_EQ(CodeOf("getUserVerify", R"({"useracc":"ffffffffffffffffffffffffffffffff#u"})"),
            "160103");
  EXPECT_EQ(CodeOf("addFriend", Body("u", "\"friendUseracc\":\"" + Acc(kC, "v") + "\"")), "160103");
  ASSERT_EQ(CodeOf("setUserVerify", "{\"useracc\":\"" + Acc(kB, "peer") + "\",\"addVerify\":0}"),
            "000000");
  EXPECT_EQ(CodeOf("addFriend", Body("u", "\"friendUseracc\":\"" + Acc(kB, "peer") + "\"")),
            "000000");
  // isSimpUseracc=1 writes same-app accounts bare and cross-app ones in full.
  ASSERT_EQ(CodeOf("setUserVerify", Body("v", R"("addVerify":0)")), "000000");
  ASSERT_EQ(CodeOf("addFriend", Pair("u", "v")), "000000");
  std::set<std::string> simple, full;
  for (const auto& f : Call("getFriends", Body("u", R"("isSimpUseracc":1)")).Items("friendsList"))
    simple.insert(f.at("useracc"));
  for (const auto& f : Call("getFriends", Body("u")).Items("friendsList"))
    full.insert(f.at("useracc"));
  EXPECT_EQ(simple, (std::set<std::string>{"v", Acc(kB, "peer")}));
  EXPECT_EQ(full, (std::set<std::string>{Acc(kA, "v"), Acc(kB, "peer")}));
  // From b's side, a's user is cross-app.
  Answer from_b = Call("getFriends", "{\"useracc\":\"peer\",\"isSimpUseracc\":1}", &b_);
  ASSERT_EQ(from_b.Items("friendsList").size(), 1u) << from_b.body;
  EXPECT_EQ(from_b.Items("friendsList")[0].at("useracc"), Acc(kA, "u"));
  // An appId matches in either case: in a useracc, in the path and the Authorization header
  // (signed as the client sent it).
  std::string upper = AsciiUpper(kA);
  EXPECT_EQ(Call("getPersonInfo", Body("u", "\"searchContent\":\"" + Acc(upper, "zhangsan") + "\""))
                .Str("nickName"),
            "Z");
  YuntongxunApp shouting = a_;
  shouting.settings.app_id = upper;
  EXPECT_EQ(Call("getUserVerify", Body("u"), &shouting).Code(), "000000");
  // The sig is over the header's appId as sent, not as configured: one made over the lower-case
  // appId fails when the header sends it in upper case; the path's case plays no part.
  http::Request lowered_sig = Signed("getUserVerify", Body("u"), &shouting);
  lowered_sig.query = "sig=" + ComputeSig(kA, kTokenA, Compact(clock_.NowMs()));
  EXPECT_EQ(Send(lowered_sig).Code(), "160006");
  http::Request upper_path = Signed("getUserVerify", Body("u"));
  upper_path.path = "/2013-12-26/Application/" + upper + "/IM/getUserVerify";
  EXPECT_EQ(Send(upper_path).Code(), "000000");
  // A bare appId is no account: the '#' of a useracc in a query string was left unencoded, and
  // the client cut the query there.
  Answer cut = Call("getUserVerify", "{\"useracc\":\"" + std::string(kA) + "\"}");
  EXPECT_EQ(cut.Code(), "160102");
  EXPECT_NE(cut.Str("statusMsg").find("%23"), std::string::npos) << cut.body;
  EXPECT_EQ(CodeOf("getUserVerify", "{\"useracc\":\"" + upper + "\"}"), "160102");
  EXPECT_EQ(CodeOf("getUserVerify", "{\"useracc\":\"" + std::string(kB) + "\"}"), "160102");
  // Another tenant's appId is an account like any other here: nothing tells which appIds exist.
  EXPECT_EQ(CodeOf("getUserVerify", "{\"useracc\":\"" + std::string(kC) + "\"}"), "000000");
  EXPECT_EQ(Upload(kA, "a.png", kPng).Code(), "160102");
}

TEST_F(YuntongxunDialectTest, OperatorsAreCreatedOnFirstUseFriendsAreNot) {
  const AppContext& app = a_.app;
  EXPECT_FALSE(testing::GetUser(service_, app, "newbie").ok());
  Answer verify = Call("getUserVerify", Body("NewBie"));
  EXPECT_EQ(verify.Code(), "000000");
  EXPECT_EQ(verify.Str("addVerify"), "1");  // a new account asks for verification
  auto user = testing::GetUser(service_, app, "newbie");
  ASSERT_TRUE(user.ok());
  EXPECT_FALSE(user->profile.name.has_value());
  // A write by a new operator creates it in the same job.
  EXPECT_EQ(CodeOf("addFriend", Pair("writer", "newbie")), "000000");
  EXPECT_TRUE(testing::GetUser(service_, app, "writer").ok());
  // An unknown friendUseracc or searchContent is not created, and a write that fails creates
  // nobody: it is one job, all or nothing.
  Answer missing = Call("addFriend", Pair("other", "ghost"));
  EXPECT_EQ(missing.Code(), "160200");
  EXPECT_NE(missing.Str("statusMsg").find("ghost"), std::string::npos) << missing.body;
  EXPECT_FALSE(testing::GetUser(service_, app, "other").ok());
  EXPECT_EQ(CodeOf("getPersonInfo", Body("other", "\"searchContent\":\"ghost\"")), "160200");
  EXPECT_EQ(CodeOf("getFriendInfo", Pair("newbie", "ghost")), "160200");
  EXPECT_EQ(CodeOf("batchGetUserAvatar", R"({"useraccList":["newbie","ghost2"]})"), "160200");
  EXPECT_FALSE(testing::GetUser(service_, app, "ghost").ok());
  EXPECT_FALSE(testing::GetUser(service_, app, "ghost2").ok());
  EXPECT_TRUE(testing::GetUser(service_, app, "other").ok());  // a read by a new operator
}

TEST_F(YuntongxunDialectTest, FriendRequestsAgreeRefuseAndTheirErrors) {
  // A pending request (addVerify 1 is the default), then agreed.
  ASSERT_EQ(CodeOf("getUserVerify", Body("v")), "000000");
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "v", R"("message":"hi","source":"search")")), "000000");
  EXPECT_EQ(CodeOf("getFriendInfo", Pair("u", "v")), "160201");
  EXPECT_EQ(CodeOf("friendAgree", Pair("u", "v")), "160202");  // not addressed to u
  EXPECT_EQ(CodeOf("friendAgree", Pair("v", "u")), "000000");
  EXPECT_EQ(CodeOf("friendAgree", Pair("v", "u")), "160202");
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "v")), "160203");
  // A refusal's reason reaches the requester in friendMessage.
  ASSERT_EQ(CodeOf("getUserVerify", Body("w")), "000000");
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "w", R"("message":"hello w")")), "000000");
  EXPECT_EQ(CodeOf("friendRefuse", Pair("w", "u", R"("message":"not now")")), "000000");
  EXPECT_EQ(CodeOf("friendRefuse", Pair("w", "u")), "160202");
  auto sent = Call("friendMessage", Body("u", R"("isSimpUseracc":1)")).Items("inviteList");
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].at("friendUseracc"), "v");
  EXPECT_EQ(sent[0].at("message"), "hi");
  EXPECT_EQ(sent[0].at("source"), "search");
  EXPECT_EQ(sent[0].at("isInvited"), "0");
  EXPECT_EQ(sent[0].at("dealState"), "1");
  EXPECT_EQ(sent[1].at("friendUseracc"), "w");
  EXPECT_EQ(sent[1].at("message"), "not now");
  EXPECT_EQ(sent[1].at("dealState"), "0");
  auto received = Call("friendMessage", Body("w")).Items("inviteList");
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].at("friendUseracc"), Acc(kA, "u"));
  EXPECT_EQ(received[0].at("message"), "hello w");  // the recipient reads the message
  EXPECT_EQ(received[0].at("isInvited"), "1");
  // Crossing requests make friends.
  ASSERT_EQ(CodeOf("getUserVerify", Body("x")), "000000");
  EXPECT_EQ(CodeOf("addFriend", Pair("x", "u")), "000000");
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "x")), "000000");
  EXPECT_EQ(CodeOf("getFriendInfo", Pair("u", "x")), "000000");
  // Limits of the texts.
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "w", "\"message\":\"" + std::string(257, 'm') + "\"")),
            "160102");
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "w", "\"source\":\"" + std::string(65, 's') + "\"")),
            "160102");
  EXPECT_EQ(CodeOf("friendRefuse", Pair("w", "u", "\"message\":\"" + std::string(257, 'm') + "\"")),
            "160102");
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "u")), "160102");
}

TEST_F(YuntongxunDialectTest, AddingIsRefusedByBlocksPoliciesLimitsAndDisabledUsers) {
  for (const char* user : {"u", "p1", "p2", "p3", "p4", "blocker", "denier", "off"}) {
    ASSERT_EQ(CodeOf("setUserVerify", Body(user, R"("addVerify":"0")")), "000000");
  }
  // addVerify 0: friends at once.
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "p1")), "000000");
  EXPECT_EQ(CodeOf("getFriendInfo", Pair("p1", "u")), "000000");
  ASSERT_TRUE(testing::Wait<bool>([&](auto cb) {
                service_.SetRelation(a_.app, "blocker", "u", Relation::kBlock, true, cb);
              }).ok());
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "blocker")), "160205");
  fg::UserUpdate deny;
  deny.add_policy = AddPolicy::kDenyAny;  // set through another dialect
  ASSERT_TRUE(
      testing::Wait<User>([&](auto cb) { service_.UpdateUser(a_.app, "denier", deny, cb); }).ok());
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "denier")), "160206");
  EXPECT_EQ(Call("getUserVerify", Body("denier")).Str("addVerify"), "1");
  fg::UserUpdate disable;
  disable.disabled = true;
  ASSERT_TRUE(
      testing::Wait<User>([&](auto cb) { service_.UpdateUser(a_.app, "off", disable, cb); }).ok());
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "off")), "160207");
  // max_friends is 3 in app a.
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "p2")), "000000");
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "p3")), "000000");
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "p4")), "160204");
}

TEST_F(YuntongxunDialectTest, VerifyRemarksInfoAndDeletion) {
  EXPECT_EQ(CodeOf("setUserVerify", Body("v", R"("addVerify":"2")")), "160102");
  EXPECT_EQ(CodeOf("setUserVerify", Body("v", R"("addVerify":0)")), "000000");
  EXPECT_EQ(Call("getUserVerify", Body("v")).Str("addVerify"), "0");
  ASSERT_EQ(CodeOf("setPersonInfo", Body("v", R"("nickName":"Vee","sign":"s","region":"r",)"
                                              R"("birthDay":"1990-01-02","sex":"1",)"
                                              R"("phoneNumber":"+86 150")")),
            "000000");
  EXPECT_EQ(CodeOf("setPersonInfo", Body("v", R"("sex":"3")")), "160102");
  EXPECT_EQ(CodeOf("setPersonInfo", Body("v", "\"nickName\":\"" + std::string(65, 'n') + "\"")),
            "160102");
  EXPECT_EQ(CodeOf("setFriendRemark", Pair("u", "v", R"("remarkName":"r")")), "160201");
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "v")), "000000");

  Answer remark = Call("setFriendRemark", Pair("u", "v", R"("remarkName":"my v")"));
  EXPECT_EQ(remark.Code(), "000000");
  EXPECT_EQ(remark.Str("timestamp"), "2023-11-15 06:13:20");
  EXPECT_EQ(
      CodeOf("setFriendRemark", Pair("u", "v", "\"remarkName\":\"" + std::string(129, 'r') + "\"")),
      "160102");
  Answer info = Call("getFriendInfo", Pair("u", "v"));
  EXPECT_EQ(info.Code(), "000000") << info.body;
  EXPECT_EQ(info.Str("useracc"), Acc(kA, "v"));
  EXPECT_EQ(info.Str("nickName"), "Vee");
  EXPECT_EQ(info.Str("sign"), "s");
  EXPECT_EQ(info.Str("region"), "r");
  EXPECT_EQ(info.Str("birthDay"), "1990-01-02");
  EXPECT_EQ(info.Str("sex"), "1");
  EXPECT_EQ(info.Str("phoneNumber"), "+86 150");
  EXPECT_EQ(info.Str("remarkName"), "my v");
  EXPECT_FALSE(info.Has("state"));
  Answer person = Call("getPersonInfo", Body("u", "\"searchContent\":\"" + Acc(kA, "v") + "\""));
  EXPECT_EQ(person.Str("state"), "1");
  EXPECT_EQ(person.Str("remarkName"), "my v");
  Answer stranger = Call("getPersonInfo", Body("w", "\"searchContent\":\"v\""));
  EXPECT_EQ(stranger.Str("state"), "0");
  EXPECT_EQ(stranger.Str("remarkName"), "");
  EXPECT_EQ(stranger.Str("avatar"), "");  // empty fields are ""
  // An empty remark clears it.
  EXPECT_EQ(CodeOf("setFriendRemark", Pair("u", "v", R"("remarkName":"")")), "000000");
  EXPECT_EQ(Call("getFriendInfo", Pair("u", "v")).Str("remarkName"), "");

  // delFriend: one side (allDel 0), or both (1).
  EXPECT_EQ(CodeOf("delFriend", Pair("u", "v", R"("allDel":"2")")), "160102");
  EXPECT_EQ(CodeOf("delFriend", Pair("u", "v")), "000000");
  EXPECT_EQ(CodeOf("getFriendInfo", Pair("u", "v")), "160201");
  EXPECT_EQ(CodeOf("getFriendInfo", Pair("v", "u")), "000000");
  EXPECT_EQ(CodeOf("delFriend", Pair("u", "v")), "160201");
  ASSERT_EQ(CodeOf("setUserVerify", Body("w", R"("addVerify":0)")), "000000");
  EXPECT_EQ(CodeOf("addFriend", Pair("u", "w")), "000000");
  EXPECT_EQ(CodeOf("delFriend", Pair("u", "w", R"("allDel":1)")), "000000");
  EXPECT_EQ(CodeOf("getFriendInfo", Pair("w", "u")), "160201");
}

TEST_F(YuntongxunDialectTest, ImportFriendsIsAllOrNothing) {
  Answer ok = Call("importFriends", "{\"friendsList\":[{\"useracc\":\"" + Acc(kA, "i1") +
                                        "\",\"friendUseracc\":\"" + Acc(kA, "i2") +
                                        "\"},{\"useracc\":\"i3\",\"friendUseracc\":\"" +
                                        Acc(kB, "i4") + "\"}]}");
  EXPECT_EQ(ok.Code(), "000000") << ok.body;
  EXPECT_EQ(CodeOf("getFriendInfo", Pair("i2", "i1")), "000000");
  EXPECT_EQ(CodeOf("getFriendInfo", Body("i3", "\"friendUseracc\":\"" + Acc(kB, "i4") + "\"")),
            "000000");
  // The second pair is bad: nothing of the first is written, and the message names it.
  Answer bad = Call("importFriends",
                    "{\"friendsList\":[{\"useracc\":\"j1\",\"friendUseracc\":"
                    "\"j2\"},{\"useracc\":\"j3\",\"friendUseracc\":1.5}]}");
  EXPECT_EQ(bad.Code(), "160102");
  EXPECT_NE(bad.Str("statusMsg").find("friendsList[1].friendUseracc"), std::string::npos)
      << bad.body;
  EXPECT_FALSE(testing::GetUser(service_, a_.app, "j1").ok());
  Answer missing =
      Call("importFriends",
           R"({"friendsList":[{"useracc":"j1","friendUseracc":"j2"},{"useracc":"j3"}]})");
  EXPECT_EQ(missing.Code(), "160101");
  EXPECT_NE(missing.Str("statusMsg").find("friendsList[1].friendUseracc"), std::string::npos);
  Answer unlinked =
      Call("importFriends",
           "{\"friendsList\":[{\"useracc\":\"j1\",\"friendUseracc\":\"" + Acc(kC, "x") + "\"}]}");
  EXPECT_EQ(unlinked.Code(), "160103");
  Answer rule = Call("importFriends", R"({"friendsList":[{"useracc":"j1","friendUseracc":"j2"},)"
                                      R"({"useracc":"j3","friendUseracc":"j3"}]})");
  EXPECT_NE(rule.Code(), "000000");
  EXPECT_NE(rule.Str("statusMsg").find("pair 1"), std::string::npos) << rule.body;
  EXPECT_FALSE(testing::GetUser(service_, a_.app, "j1").ok());
  EXPECT_EQ(CodeOf("importFriends", "{}"), "160101");
  EXPECT_EQ(CodeOf("importFriends", R"({"friendsList":[]})"), "160102");
  EXPECT_EQ(CodeOf("importFriends", R"({"friendsList":{}})"), "160102");
  EXPECT_EQ(CodeOf("importFriends", R"({"friendsList":["a"]})"), "160102");
  std::string many = "{\"friendsList\":[";
  for (int i = 0; i < 1001; ++i) {
    many += std::string(i ? "," : "") + R"({"useracc":"m","friendUseracc":"n"})";
  }
  EXPECT_EQ(CodeOf("importFriends", many + "]}"), "160102");
}

// Many changes in one millisecond: the per-user clock still orders them, and a walk by the
// returned cursor sees every entry exactly once.
TEST_F(YuntongxunDialectTest, GetFriendsWalksEveryEntryOnceWithAFrozenClock) {
  // App b (max_friends 3000): its calls, with bare accounts.
  auto call = [&](std::string_view op, std::string body) { return Call(op, std::move(body), &b_); };
  auto body = [](std::string more) { return "{\"useracc\":\"o\"," + more + "}"; };
  std::string pairs;
  std::set<std::string> expected;
  for (int i = 0; i < 23; ++i) {
    std::string peer = "f" + std::to_string(i);
    expected.insert(peer);
    pairs += std::string(i ? "," : "") + R"({"useracc":"o","friendUseracc":")" + peer + "\"}";
  }
  ASSERT_EQ(call("importFriends", "{\"friendsList\":[" + pairs + "]}").Code(), "000000");

  Answer empty = call("getFriends", R"({"useracc":"nobody"})");
  EXPECT_EQ(empty.Str("timestamp"), "1970-01-01 08:00:00.000");  // the epoch, when no cursor
  EXPECT_TRUE(empty.Items("friendsList").empty());

  std::multiset<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    std::string more = R"("size":5,"isSimpUseracc":1)";
    if (!cursor.empty()) more += ",\"timestamp\":\"" + cursor + "\"";
    Answer a = call("getFriends", body(more));
    ASSERT_EQ(a.Code(), "000000") << a.body;
    auto items = a.Items("friendsList");
    EXPECT_LE(items.size(), 5u);
    for (const auto& f : items) {
      seen.insert(f.at("useracc"));
      EXPECT_EQ(f.at("friendState"), "1");
    }
    if (items.empty()) {
      EXPECT_EQ(a.Str("timestamp"), cursor);  // an empty page returns the cursor given
      break;
    }
    EXPECT_NE(a.Str("timestamp"), cursor);
    cursor = a.Str("timestamp");
  }
  EXPECT_EQ(seen, std::multiset<std::string>(expected.begin(), expected.end()));
  // isAllPage: everything at once.
  EXPECT_EQ(call("getFriends", body(R"("isAllPage":1,"size":1)")).Items("friendsList").size(), 23u);
  // A sync from the last cursor sees the changes since, removals with isUpdate=1 only.
  ASSERT_EQ(call("delFriend", body(R"("friendUseracc":"f3")")).Code(), "000000");
  ASSERT_EQ(call("setFriendRemark", body(R"("friendUseracc":"f7","remarkName":"seven")")).Code(),
            "000000");
  auto changes = call("getFriends", body("\"isUpdate\":1,\"timestamp\":\"" + cursor + "\""))
                     .Items("friendsList");
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].at("useracc"), Acc(kB, "f3"));
  EXPECT_EQ(changes[0].at("friendState"), "0");
  EXPECT_EQ(changes[1].at("useracc"), Acc(kB, "f7"));
  EXPECT_EQ(changes[1].at("remarkName"), "seven");
  auto alive = call("getFriends", body("\"timestamp\":\"" + cursor + "\"")).Items("friendsList");
  ASSERT_EQ(alive.size(), 1u);
  EXPECT_EQ(alive[0].at("useracc"), Acc(kB, "f7"));
  // Cursors must be times.
  for (std::string bad : {"2023-11-15", "2023-11-15 06:13:20.1", "2023-02-30 00:00:00.000", "x"}) {
    EXPECT_EQ(call("getFriends", body("\"timestamp\":\"" + bad + "\"")).Code(), "160102") << bad;
  }
  EXPECT_EQ(call("getFriends", body(R"("timestamp":"2023-11-15 06:13:20")")).Code(), "000000");
}

TEST_F(YuntongxunDialectTest, FriendMessageWalksBothWaysWithAFrozenClock) {
  ASSERT_EQ(CodeOf("getUserVerify", Body("o")), "000000");
  std::set<std::string> expected;
  for (int i = 0; i < 12; ++i) {
    std::string from = "r" + std::to_string(i);
    expected.insert(from);
    ASSERT_EQ(CodeOf("addFriend", Pair(from, "o", "\"message\":\"m" + std::to_string(i) + "\"")),
              "000000");
  }
  for (int order : {1, 2}) {
    std::vector<std::string> seen;
    std::string cursor;
    for (int page = 0; page < 10; ++page) {
      std::string more = "\"size\":5,\"isSimpUseracc\":1,\"order\":" + std::to_string(order);
      if (!cursor.empty()) more += ",\"timestamp\":\"" + cursor + "\"";
      Answer a = Call("friendMessage", Body("o", more));
      ASSERT_EQ(a.Code(), "000000") << a.body;
      auto items = a.Items("inviteList");
      for (const auto& r : items) {
        seen.push_back(r.at("friendUseracc"));
        EXPECT_EQ(r.at("isInvited"), "1");
        EXPECT_EQ(r.at("message"), "m" + r.at("friendUseracc").substr(1));
      }
      if (items.empty()) break;
      cursor = a.Str("timestamp");
    }
    EXPECT_EQ(seen.size(), 12u) << order;
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected) << order;
    // Oldest first, or newest first.
    EXPECT_EQ(seen.front(), order == 1 ? "r0" : "r11");
    EXPECT_EQ(seen.back(), order == 1 ? "r11" : "r0");
  }
  // The seed's "order":"0" reads as the default.
  auto zero = Call("friendMessage", Body("o", R"("order":"0","size":1)")).Items("inviteList");
  ASSERT_EQ(zero.size(), 1u);
  EXPECT_EQ(zero[0].at("friendUseracc"), Acc(kA, "r0"));
  EXPECT_EQ(CodeOf("friendMessage", Body("o", R"("order":"3")")), "160102");
  EXPECT_EQ(CodeOf("friendMessage", Body("o", R"("size":"101")")), "160102");
}

TEST_F(YuntongxunDialectTest, AvatarsAreUploadedServedByETagAndReplaced) {
  const std::string user = std::string(kA) + "%23pic";
  Answer up = Upload(user, "me.PNG", kPng);
  ASSERT_EQ(up.Code(), "000000") << up.body;
  EXPECT_EQ(up.Str("updateTime"), "2023-11-15 06:13:20.000");
  const std::string url = up.Str("avatar");
  ASSERT_EQ(url.rfind("http://img.test/avatars/", 0), 0u) << url;
  ASSERT_EQ(url.size(), std::string("http://img.test/avatars/").size() + 32 + 4);
  EXPECT_EQ(url.substr(url.size() - 4), ".png");
  const std::string path = url.substr(std::string("http://img.test").size());
  const std::string key = path.substr(9, 32);

  Answer image = Get(path);
  EXPECT_EQ(image.status, 200);
  EXPECT_EQ(image.body, kPng);
  EXPECT_EQ(image.content_type, "image/png");
  EXPECT_EQ(image.Header("ETag"), "\"" + key + "\"");
  EXPECT_EQ(image.Header("Cache-Control"), "public, max-age=31536000, immutable");
  Answer cached = Get(path, "\"" + key + "\"");
  EXPECT_EQ(cached.status, 304);
  EXPECT_TRUE(cached.body.empty());
  EXPECT_EQ(Get(path, "\"0123456789abcdef0123456789abcdef\"").status, 200);
  http::Request head;
  head.method = "HEAD";
  head.path = path;
  EXPECT_EQ(Send(head).status, 200);
  EXPECT_EQ(Get("/avatars/0123456789abcdef0123456789abcdef.png").status, 404);
  EXPECT_EQ(Get("/avatars/nothex.png").status, 404);
  EXPECT_EQ(Get("/avatars/" + key.substr(1) + ".png").status, 404);
  // Only under its own format's extension: another, or none, is not it (not even revalidated).
  for (std::string other : {".gif", ".jpg", ".jpeg", ".bmp", ".PNG", ".png.png", ".txt", ""}) {
    Answer wrong = Get("/avatars/" + key + other);
    EXPECT_EQ(wrong.status, 404) << other;
    EXPECT_EQ(wrong.Header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(Get("/avatars/" + key + other, "\"" + key + "\"").status, 404) << other;
  }
  EXPECT_EQ(image.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(cached.Header("X-Content-Type-Options"), "nosniff");

  // The profile's avatar is the URL, in every read.
  EXPECT_EQ(Call("getPersonInfo", Body("x", "\"searchContent\":\"pic\"")).Str("avatar"), url);
  Answer current = Call("getUserAvatar", Body("pic"));
  EXPECT_EQ(current.Str("avatar"), url);
  EXPECT_EQ(current.Str("updateTime"), "2023-11-15 06:13:20.000");
  // The caller who has this one gets no avatar; a caller with an older one does.
  Answer same = Call("getUserAvatar", Body("pic", R"("updateTime":"2023-11-15 06:13:20.000")"));
  EXPECT_EQ(same.Code(), "000000");
  EXPECT_FALSE(same.Has("avatar"));
  EXPECT_TRUE(Call("getUserAvatar", Body("pic", R"("updateTime":"2023-11-15 06:13:19.000")"))
                  .Has("avatar"));
  EXPECT_EQ(CodeOf("getUserAvatar", Body("pic", R"("updateTime":"yesterday")")), "160102");
  auto batch = Call("batchGetUserAvatar",
                    "{\"useraccList\":[\"pic\",\"" + Acc(kA, "x") + "\"],\"isSimpUseracc\":1}")
                   .Items("avatarList");
  ASSERT_EQ(batch.size(), 2u);
  EXPECT_EQ(batch[0].at("useracc"), "pic");
  EXPECT_EQ(batch[0].at("avatar"), url);
  EXPECT_EQ(batch[1].at("useracc"), "x");
  EXPECT_EQ(batch[1].at("avatar"), "");
  std::string hundred_one = "{\"useraccList\":[";
  for (int i = 0; i < 101; ++i) hundred_one += std::string(i ? "," : "") + "\"pic\"";
  EXPECT_EQ(CodeOf("batchGetUserAvatar", hundred_one + "]}"), "160102");
  EXPECT_EQ(CodeOf("batchGetUserAvatar", R"({"useraccList":"pic"})"), "160102");
  EXPECT_EQ(CodeOf("batchGetUserAvatar", "{}"), "160101");
  EXPECT_EQ(CodeOf("batchGetUserAvatar", R"({"useraccList":null})"), "160101");

  // A new upload: a new URL, the old one is gone.
  clock_.Advance(1500);
  Answer second = Upload("pic", "2.jpeg", kJpeg);  // a bare account, as the seed's example
  ASSERT_EQ(second.Code(), "000000") << second.body;
  EXPECT_EQ(second.Str("updateTime"), "2023-11-15 06:13:21.500");
  EXPECT_NE(second.Str("avatar"), url);
  EXPECT_EQ(second.Str("avatar").substr(second.Str("avatar").size() - 4), ".jpg");
  EXPECT_EQ(Get(path).status, 404);
  const std::string jpg = second.Str("avatar").substr(15);
  EXPECT_EQ(Get(jpg).content_type, "image/jpeg");
  // A JPEG is served as .jpeg too, the format's other name; as .png it is not.
  const std::string jpeg_key = jpg.substr(9, 32);
  Answer jpeg = Get("/avatars/" + jpeg_key + ".jpeg");
  EXPECT_EQ(jpeg.status, 200);
  EXPECT_EQ(jpeg.body, kJpeg);
  EXPECT_EQ(jpeg.content_type, "image/jpeg");
  EXPECT_EQ(jpeg.Header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(Get("/avatars/" + jpeg_key + ".png").status, 404);
  EXPECT_EQ(Get("/avatars/" + jpeg_key + ".JPEG").status, 404);

  // An icon set through another dialect has its own time, which only an icon change moves.
  clock_.Advance(1000);
  UserUpdate icon;
  icon.profile.icon = "https://cdn.test/pic.png";
  ASSERT_TRUE(
      testing::Wait<User>([&](auto cb) { service_.UpdateUser(a_.app, "pic", icon, cb); }).ok());
  Answer elsewhere = Call("getUserAvatar", Body("pic"));
  EXPECT_EQ(elsewhere.Str("avatar"), "https://cdn.test/pic.png");
  EXPECT_EQ(elsewhere.Str("updateTime"), "2023-11-15 06:13:22.500");
  clock_.Advance(1000);
  EXPECT_EQ(CodeOf("setPersonInfo", Body("pic", R"("nickName":"Pic")")), "000000");
  EXPECT_EQ(Call("getUserAvatar", Body("pic")).Str("updateTime"), "2023-11-15 06:13:22.500");
}

TEST_F(YuntongxunDialectTest, AStoreFailureServingAnAvatarIsA503ThatNoCacheKeeps) {
  Answer up = Upload(std::string(kA) + "%23pic", "me.png", kPng);
  ASSERT_EQ(up.Code(), "000000") << up.body;
  const std::string path = up.Str("avatar").substr(std::string("http://img.test").size());
  testing::FaultyStore faulty(*store_);
  FriendService service(faulty, clock_, completions_);
  http::Router router;
  Register(router, service, clock_, {a_});
  auto get = [&] {
    http::Request r;
    r.method = "GET";
    r.path = path;
    auto match = router.Find(r.method, r.path);
    r.path_params = std::move(match.params);
    std::promise<http::Response> answered;
    (*match.handler)(r, [&](http::Response response) { answered.set_value(std::move(response)); });
    return answered.get_future().get();
  };
  faulty.FailNextRead();
  http::Response failed = get();
  EXPECT_EQ(failed.status, 503);
  EXPECT_EQ(failed.content_type, "text/plain; charset=utf-8");
  auto header = [](const http::Response& r, std::string_view name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return std::string();
  };
  EXPECT_EQ(header(failed, "Cache-Control"), "no-store");
  http::Response served = get();  // the next read works again
  EXPECT_EQ(served.status, 200);
  EXPECT_EQ(served.body, kPng);
}

TEST_F(YuntongxunDialectTest, UploadsMustBeSmallImagesNamedAsImages) {
  const std::string user = std::string(kA) + "%23pic";
  EXPECT_EQ(Upload(user, "a.gif", kGif).Code(), "000000");
  EXPECT_EQ(Upload(user, "a.txt", kPng).Code(), "160104");
  EXPECT_EQ(Upload(user, ".png", kPng).Code(), "160104");
  EXPECT_EQ(Upload(user, "a.png", "BM this is text, not a bitmap").Code(), "160104");
  EXPECT_EQ(Upload(user, "a.png", kPng.substr(0, 7)).Code(), "160104");
  EXPECT_EQ(Upload(user, "a.png", "").Code(), "160104");
  EXPECT_EQ(Upload(user, "a.png", kPng + std::string(64 - kPng.size(), '\0')).Code(), "000000");
  EXPECT_EQ(Upload(user, "a.png", kPng + std::string(65 - kPng.size(), '\0')).Code(), "160105");
  EXPECT_EQ(Upload(user, "", kPng).Code(), "160101");  // "" is missing too
  http::Request no_name = Signed("uploadAvatar", kPng);
  no_name.query += "&useracc=pic";
  EXPECT_EQ(Send(no_name).Code(), "160101");
  EXPECT_EQ(Upload("", "a.png", kPng).Code(), "160101");
  EXPECT_EQ(Upload(std::string(kC) + "%23pic", "a.png", kPng).Code(), "160103");
  EXPECT_EQ(Upload("%zz", "a.png", kPng).Code(), "160102");
  // Its body is not JSON, whatever the Content-Type says.
  http::Request typed = Signed("uploadAvatar", kGif);
  typed.query += "&useracc=pic&fileName=a.gif";
  EXPECT_EQ(Send(typed).Code(), "000000");
}

}  // namespace
}  // namespace fg::yuntongxun
