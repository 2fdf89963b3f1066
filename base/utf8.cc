#include "base/utf8.h"

#include <rapidjson/encodings.h>
#include <rapidjson/memorystream.h>

namespace fg {

bool IsValidUtf8(std::string_view text) {
  // RapidJSON's validator rejects overlong forms, surrogates and values past U+10FFFF.
  rapidjson::MemoryStream in(text.data(), text.size());
  struct NullOut {
    void Put(char) {}
  } out;
  while (in.Tell() < text.size()) {
    if (!rapidjson::UTF8<char>::Validate(in, out)) return false;
  }
  return true;
}

size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace fg
