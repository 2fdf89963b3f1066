// application/x-www-form-urlencoded bodies and URL query strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace fg::http {

// Decodes %XX escapes (and '+' as a space when asked). nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space);

// Name/value pairs, each name at most once.
class Params {
 public:
  std::optional<std::string_view> Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  void Add(std::string name, std::string value) {
    entries_.emplace_back(std::move(name), std::move(value));
  }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

// Parses "a=1&b=x+y". Empty pieces ("a=1&&b=2") are skipped; "a" alone is a = "".
// kInvalidArgument, naming the parameter, on: a malformed escape, a name given twice, a name or
// value that is not valid UTF-8 once decoded, or an empty name.
Result<Params> ParseForm(std::string_view body);

}  // namespace fg::http
