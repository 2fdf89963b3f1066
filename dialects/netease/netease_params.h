// Reads NetEase form parameters with the vendor's rules: lengths counted in characters, a missing
// or malformed value is code 414, a value over its length is code 405. The first failure is kept
// and later reads are skipped, so a handler reads everything and then checks status() once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "http/form.h"

namespace fg::netease {

class ParamReader {
 public:
  explicit ParamReader(const http::Params& params) : params_(params) {}

  // Present and non-empty, at most max_chars characters.
  std::string Required(std::string_view name, size_t max_chars);
  // Absent: nullopt. Present (even empty): at most max_chars characters.
  std::optional<std::string> Optional(std::string_view name, size_t max_chars);
  // A decimal integer in [min, max].
  int64_t RequiredInt(std::string_view name, int64_t min, int64_t max);
  std::optional<int64_t> OptionalInt(std::string_view name, int64_t min, int64_t max);
  // "true" or "false" (any case).
  std::optional<bool> OptionalBool(std::string_view name);
  // An accid as NetEase allows it: 1..32 of [a-zA-Z0-9_@.-].
  std::string Accid(std::string_view name);

  bool Has(std::string_view name) const { return params_.Has(name); }
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

 private:
  void Fail(Code code, std::string message);
  std::optional<int64_t> ParseInt(std::string_view name, std::string_view text, int64_t min,
                                  int64_t max);

  const http::Params& params_;
  Status status_;
};

}  // namespace fg::netease
