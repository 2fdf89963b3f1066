// Yuntongxun's fuzz target: one call, signed correctly, with a fuzzed op, query and body. The
// input's first line is "<op>[?query]" ("getFriends", "uploadAvatar?useracc=…&fileName=1.jpg"),
// the rest is the body: JSON, or the image bytes of uploadAvatar. The query is sent after a
// valid `sig`. A first line starting with '!' sends no Authorization, one starting with '~' a
// wrong sig and one starting with '^' a timestamp 25 hours old, so that the refusals are reached
// too; every other input is authenticated, so that the ops and their parsing are what is fuzzed.
// A first line "GET <path>" or "HEAD <path>" sends that request as it is, with the rest of the
// input as If-None-Match: the avatar images ("GET /avatars/<key>.png"), public and unsigned.
// The answer must be HTTP 200 with the envelope {"statusCode":"<6 digits>","statusMsg":"…",…}
// and never an internal error; an avatar answer is an image, a 304 or the 404 text.
#include <string>

#include "base/encoding.h"
#include "dialects/yuntongxun/auth.h"
#include "dialects/yuntongxun/yuntongxun_dialect.h"
#include "dialects/yuntongxun/yuntongxun_plugin.h"
#include "dialects/yuntongxun/yuntongxun_time.h"
#include "fuzz/fuzz_targets.h"
#include "http/json.h"

namespace fg::fuzz {
namespace {

// The seed's appId, so that its examples' useraccs name this app. A small avatar limit, so that
// inputs of libFuzzer's usual lengths reach "image too large".
yuntongxun::YuntongxunSettings Settings() {
  yuntongxun::YuntongxunSettings s;
  s.app_id = "20150314000000110000000000000010";
  s.app_token = "e7f9b2c4a1d04e6f8a3b5c7d9e1f2a3b";
  s.public_url = "http://fuzz";
  s.max_avatar_bytes = 256;
  return s;
}

// "yyyyMMddHHmmss" at `unix_ms` in the app's zone.
std::string CompactTimestamp(int64_t unix_ms, int offset_min) {
  std::string out;
  for (char ch : yuntongxun::FormatSeconds(unix_ms, offset_min)) {
    if (ch >= '0' && ch <= '9') out.push_back(ch);
  }
  return out;
}

bool WellFormed(const http::Response& response) {
  if (response.status == 404) return response.body == "no such avatar\n";
  if (response.status == 304) return response.body.empty();
  if (response.status != 200) return false;
  if (response.content_type.rfind("image/", 0) == 0) return true;
  if (response.body.rfind("{\"statusCode\":\"", 0) != 0) return false;
  auto doc = http::ParseJson(response.body);
  if (!doc.ok() || doc->root().type() != http::JsonType::kObject) return false;
  auto code = doc->root().Find("statusCode");
  auto message = doc->root().Find("statusMsg");
  if (!code || !code->AsString() || !message || !message->AsString()) return false;
  std::string_view text = *code->AsString();
  if (text.size() != 6 || text.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  // Storage does not fail here: an internal error is a bug.
  return text != "160500" && text != "160503";
}

}  // namespace

const FuzzTarget& YuntongxunFuzzTarget() {
  static const yuntongxun::YuntongxunSettings kSettings = Settings();
  static const FuzzTarget target{
      &yuntongxun::YuntongxunPlugin(), kSettings,
      [](std::string_view input, Clock& clock, uint64_t) {
        size_t newline = input.find('\n');
        std::string_view line = input.substr(0, newline);
        std::string_view rest = newline == std::string_view::npos ? "" : input.substr(newline + 1);
        for (std::string_view method : {"GET", "HEAD"}) {
          if (line.size() > method.size() && line.substr(0, method.size()) == method &&
              line[method.size()] == ' ') {
            http::Request request;
            request.method = std::string(method);
            request.path = std::string(line.substr(method.size() + 1));
            request.headers = {{"host", "fuzz"}};
            if (!rest.empty()) request.headers.emplace_back("if-none-match", std::string(rest));
            return request;
          }
        }
        char fault =
            !line.empty() && (line.front() == '!' || line.front() == '~' || line.front() == '^')
                ? line.front()
                : '\0';
        if (fault) line.remove_prefix(1);
        size_t question = line.find('?');
        std::string_view op = line.substr(0, question);
        http::Request request;
        request.method = "POST";
        request.path = "/2013-12-26/Application/" + kSettings.app_id + "/IM/" + std::string(op);
        request.body = std::string(rest);
        int64_t now = clock.NowMs() - (fault == '^' ? 25 * 3600 * 1000 : 0);
        std::string timestamp = CompactTimestamp(now, kSettings.offset_min);
        std::string sig = yuntongxun::ComputeSig(
            kSettings.app_id, fault == '~' ? "wrong token" : kSettings.app_token, timestamp);
        request.query = "sig=" + sig;
        if (question != std::string_view::npos) {
          request.query += "&" + std::string(line.substr(question + 1));
        }
        request.headers = {
            {"host", "fuzz"},
            {"content-type",
             op == "uploadAvatar" ? "application/octet-stream" : "application/json;charset=utf-8"}};
        if (fault != '!') {
          request.headers.emplace_back(
              "authorization", Base64Encode(kSettings.app_id + ":" + timestamp,
                                            Base64Alphabet::kStandard, Base64Padding::kPadded));
        }
        return request;
      },
      &WellFormed, /*finish=*/nullptr};
  return target;
}

}  // namespace fg::fuzz
