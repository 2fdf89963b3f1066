// Pieces of the HTTP field-value grammar (RFC 9110 §5.6) shared by the header parsers.
// Pure functions of their arguments; thread-safe.
#pragma once

#include <string_view>

namespace fg::http {

// tchar: ALPHA, DIGIT and !#$%&'*+-.^_`|~
bool IsTokenChar(char c);

// A non-empty run of tchar.
bool IsToken(std::string_view text);

// `text` without optional whitespace (SP, HTAB) at either end.
std::string_view TrimOws(std::string_view text);

// Whether two ASCII strings are equal ignoring case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace fg::http
