// NetEase's fuzz target: one request, signed correctly, with a fuzzed call and body. The input's
// first line picks the call ("friend/add.action"), the rest is the form body. The answer must be
// NetEase JSON whose first member is the code.
#include <string>

#include "dialects/netease/checksum.h"
#include "dialects/netease/netease_dialect.h"
#include "dialects/netease/netease_plugin.h"
#include "fuzz/fuzz_targets.h"

namespace fg::fuzz {

const FuzzTarget& NeteaseFuzzTarget() {
  static const FuzzTarget target{
      &netease::NeteasePlugin(), netease::NeteaseSettings{"key", "secret", 0, true},
      [](std::string_view input, Clock& clock, uint64_t serial) {
        size_t newline = input.find('\n');
        http::Request request;
        request.method = "POST";
        request.path = "/nimserver/" + std::string(input.substr(0, newline));
        request.body = newline == std::string_view::npos ? "" : input.substr(newline + 1);
        std::string nonce = "n" + std::to_string(serial);
        std::string now = std::to_string(clock.NowMs() / 1000);
        request.headers = {{"AppKey", "key"},
                           {"Nonce", nonce},
                           {"CurTime", now},
                           {"CheckSum", netease::ComputeCheckSum("secret", nonce, now)},
                           {"Content-Type", "application/x-www-form-urlencoded"}};
        return request;
      },
      [](const http::Response& response) { return response.body.rfind("{\"code\":", 0) == 0; },
      /*finish=*/nullptr};
  return target;
}

}  // namespace fg::fuzz
