// UTF-8 validation (strict: no overlong forms, surrogates or code points past U+10FFFF).
#pragma once

#include <cstddef>
#include <string_view>

namespace fg {

bool IsValidUtf8(std::string_view text);

// Code points in valid UTF-8 text (bytes that do not start a sequence are not counted).
size_t Utf8Length(std::string_view text);

}  // namespace fg
