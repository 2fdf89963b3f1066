#include "http/media_type.h"

#include "http/token.h"

namespace fg::http {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// qdtext and the octets a quoted-pair may escape (RFC 9110 §5.6.4): HTAB, SP, VCHAR, obs-text.
bool IsQuotedChar(char c) {
  auto u = static_cast<unsigned char>(c);
  return u == '\t' || (u >= 0x20 && u != 0x7f);
}

// Reads a quoted-string at the start of `in` (which begins with '"') into `out`; advances `in`
// past the closing quote. False when it is not closed or holds a control character.
bool ReadQuoted(std::string_view& in, std::string& out) {
  size_t i = 1;
  while (i < in.size()) {
    char c = in[i];
    if (c == '"') {
      in.remove_prefix(i + 1);
      return true;
    }
    if (c == '\\') {
      if (++i == in.size()) return false;
      c = in[i];
    }
    if (!IsQuotedChar(c)) return false;
    out.push_back(c);
    ++i;
  }
  return false;
}

}  // namespace

std::optional<std::string_view> MediaType::Parameter(std::string_view name) const {
  for (const auto& [k, v] : parameters) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<MediaType> ParseMediaType(std::string_view value) {
  size_t semicolon = value.find(';');
  std::string_view essence = TrimOws(value.substr(0, semicolon));
  size_t slash = essence.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view type = essence.substr(0, slash);
  std::string_view subtype = essence.substr(slash + 1);
  if (!IsToken(type) || !IsToken(subtype)) return std::nullopt;

  MediaType media;
  media.type = Lower(type);
  media.subtype = Lower(subtype);
  std::string_view rest =
      semicolon == std::string_view::npos ? std::string_view() : value.substr(semicolon + 1);
  while (!(rest = TrimOws(rest)).empty()) {
    if (rest.front() == ';') {  // an empty parameter
      rest.remove_prefix(1);
      continue;
    }
    size_t eq = rest.find('=');
    if (eq == std::string_view::npos || !IsToken(rest.substr(0, eq))) return std::nullopt;
    std::string name = Lower(rest.substr(0, eq));
    rest.remove_prefix(eq + 1);
    std::string parameter_value;
    if (!rest.empty() && rest.front() == '"') {
      if (!ReadQuoted(rest, parameter_value)) return std::nullopt;
    } else {
      size_t end = 0;
      while (end < rest.size() && IsTokenChar(rest[end])) ++end;
      if (end == 0) return std::nullopt;
      parameter_value = std::string(rest.substr(0, end));
      rest.remove_prefix(end);
    }
    // After a value only whitespace and the next ';' may follow.
    rest = TrimOws(rest);
    if (!rest.empty()) {
      if (rest.front() != ';') return std::nullopt;
      rest.remove_prefix(1);
    }
    media.parameters.emplace_back(std::move(name), std::move(parameter_value));
  }
  return media;
}

}  // namespace fg::http
