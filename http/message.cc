#include "http/message.h"

#include <strings.h>

namespace fg::http {
namespace {

bool SameName(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (SameName(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

int Request::HeaderCount(std::string_view name) const {
  int n = 0;
  for (const auto& [k, v] : headers) n += SameName(k, name);
  return n;
}

Response PlainError(int status, std::string_view message) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::string(message) + "\n";
  return r;
}

}  // namespace fg::http
