#include "http/form.h"

#include <string>
#include <unordered_set>

#include "base/utf8.h"

namespace fg::http {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> PercentDecode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return std::nullopt;
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string_view> Params::Get(std::string_view name) const {
  for (const auto& [k, v] : entries_) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

Result<Params> ParseForm(std::string_view body) {
  Params params;
  // Names seen so far: a linear Params::Has per name made a 1 MiB body of distinct names cost
  // tens of seconds of CPU (quadratic).
  std::unordered_set<std::string> seen;
  size_t start = 0;
  while (start <= body.size()) {
    size_t end = body.find('&', start);
    if (end == std::string_view::npos) end = body.size();
    std::string_view piece = body.substr(start, end - start);
    start = end + 1;
    if (piece.empty()) continue;
    size_t eq = piece.find('=');
    std::string_view raw_name = piece.substr(0, eq);
    std::string_view raw_value = eq == std::string_view::npos ? "" : piece.substr(eq + 1);
    auto name = PercentDecode(raw_name, true);
    if (!name) return Status(Code::kInvalidArgument, "malformed percent-encoding in a name");
    if (name->empty()) return Status(Code::kInvalidArgument, "a parameter has no name");
    if (!IsValidUtf8(*name)) return Status(Code::kInvalidArgument, "a name is not valid UTF-8");
    auto value = PercentDecode(raw_value, true);
    if (!value) {
      return Status(Code::kInvalidArgument, "malformed percent-encoding in '" + *name + "'");
    }
    if (!IsValidUtf8(*value)) {
      return Status(Code::kInvalidArgument, "'" + *name + "' is not valid UTF-8");
    }
    if (!seen.insert(*name).second) {
      return Status(Code::kInvalidArgument, "'" + *name + "' is given more than once");
    }
    params.Add(std::move(*name), std::move(*value));
  }
  return params;
}

}  // namespace fg::http
