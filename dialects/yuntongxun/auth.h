// Yuntongxun request signing. Every call carries two proofs built from the same timestamp
// ("yyyyMMddHHmmss" in the vendor's zone, UTC+8):
//   - the `sig` query parameter: hex MD5(appId + appToken + timestamp), which proves the token;
//   - the `Authorization` header: Base64(appId + ":" + timestamp), which names the app and
//     carries the timestamp in the clear.
// Pure functions: thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace fg::yuntongxun {

struct Authorization {
  std::string app_id;     // not empty; may hold any byte except that it ends at the first ':'
  std::string timestamp;  // exactly 14 ASCII digits, not yet checked as a date
};

// The app id and timestamp of an Authorization header value (as received: no scheme word such
// as "Basic", no surrounding whitespace). The value must be Base64 in one of the forms the
// vendor's SDKs and plain HTTP clients send — standard (+/) or URL-safe (-_) alphabet, padded or
// unpadded, each decoded strictly (base/encoding.h) — and decode to `app_id ":" timestamp`,
// split at the first ':'. The timestamp must be exactly 14 ASCII digits, so a second ':' or any
// other byte after the first ':' refuses the header; whether those digits are a real time is
// ParseCompactSeconds's question (yuntongxun_time.h). nullopt when the value decodes in no form,
// holds no ':', has an empty app id or a timestamp of another shape.
std::optional<Authorization> ParseAuthorization(std::string_view header);

// The `sig` of a call: MD5(app_id + app_token + timestamp) as 32 upper-case hex digits, as the
// vendor's SDKs send it.
std::string ComputeSig(std::string_view app_id, std::string_view app_token,
                       std::string_view timestamp);

// True when `presented` is ComputeSig(app_id, app_token, timestamp) with its hex digits in
// either case (mixed case too). Compares in constant time, so a forger learns nothing from
// timing; false for any other length or character.
bool SigMatches(std::string_view presented, std::string_view app_id, std::string_view app_token,
                std::string_view timestamp);

}  // namespace fg::yuntongxun
