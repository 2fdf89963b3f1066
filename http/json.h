// JSON for the dialects: a streaming writer and the few parsers requests need. RapidJSON stays
// behind this header so that only json.cc compiles its templates.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace fg::http {

// Writes compact JSON. Keys and strings must be valid UTF-8 (the request parsers guarantee it
// for anything that came from a client); control characters are escaped. Not thread-safe.
class JsonWriter {
 public:
  JsonWriter();
  ~JsonWriter();
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& StartObject();
  JsonWriter& EndObject();
  JsonWriter& StartArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // The document written so far; the writer is empty afterwards.
  std::string Take();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Parses a JSON array of strings, e.g. ["a","b"]. kInvalidArgument when the text is not JSON,
// not an array, holds a non-string, or has more than max_items items.
Result<std::vector<std::string>> ParseStringArray(std::string_view text, size_t max_items);

}  // namespace fg::http
