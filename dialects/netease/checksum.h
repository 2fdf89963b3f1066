// NetEase Yunxin request signing: CheckSum = lower-case hex SHA1(AppSecret + Nonce + CurTime).
#pragma once

#include <string>
#include <string_view>

namespace fg::netease {

std::string ComputeCheckSum(std::string_view app_secret, std::string_view nonce,
                            std::string_view cur_time);

// True when `presented` is the CheckSum of these values, hex digits in either case. Compares in
// constant time so that a forger learns nothing from timing.
bool CheckSumMatches(std::string_view presented, std::string_view app_secret,
                     std::string_view nonce, std::string_view cur_time);

}  // namespace fg::netease
