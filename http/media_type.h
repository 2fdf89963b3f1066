// Media types as they appear in Content-Type (RFC 9110 §8.3.1):
//   type "/" subtype *( OWS ";" OWS [ name "=" ( token / quoted-string ) ] )
// A dialect compares the type and subtype, never a prefix of the raw header, so that
// "application/x-www-form-urlencodedX" is not taken for a form.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fg::http {

struct MediaType {
  std::string type;     // lower-case, e.g. "application"
  std::string subtype;  // lower-case, e.g. "x-www-form-urlencoded"
  // In order; names lower-case, values unquoted with their case kept (a charset value is
  // case-insensitive, a boundary is not: the caller decides).
  std::vector<std::pair<std::string, std::string>> parameters;

  // Whether this is type/subtype; both arguments must be lower-case.
  bool Is(std::string_view want_type, std::string_view want_subtype) const {
    return type == want_type && subtype == want_subtype;
  }
  // The first parameter with this lower-case name; nullopt when absent.
  std::optional<std::string_view> Parameter(std::string_view name) const;
};

// Parses a Content-Type value; whitespace around it and around ';' is ignored, empty parameters
// (";;") are skipped. nullopt when the type or subtype is not a token, a parameter has no '=' or
// an invalid name or value, or a quoted string is not closed. Thread-safe.
std::optional<MediaType> ParseMediaType(std::string_view value);

}  // namespace fg::http
