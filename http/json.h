// JSON for the dialects: a streaming writer, and a request parser that is safe on hostile input.
// RapidJSON stays behind this header so that only json.cc compiles its templates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace fg::http {

// Writes compact JSON. Keys and strings must be valid UTF-8 (the request parsers guarantee it
// for anything that came from a client); control characters are escaped. Not thread-safe.
class JsonWriter {
 public:
  // `expected_bytes`: room reserved up front, so that a large answer whose size the caller can
  // guess is written without growing the buffer step by step.
  explicit JsonWriter(size_t expected_bytes = 0);
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
  // A value already written as JSON (an object made earlier), copied as it is. REQUIRES: `json` is
  // one well-formed JSON value.
  JsonWriter& Raw(std::string_view json);
  // The document written so far; the writer is empty afterwards.
  std::string Take();

 private:
  void WriteString(std::string_view text, bool key);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What a request body may hold. The defaults suit every vendor call; a route that needs more
// (or less) passes its own.
struct JsonLimits {
  // Containers open at once: "[[1]]" nests 2 deep, a scalar 0.
  int max_depth = 32;
  // Values in the whole document (each array item and object member value counts, keys do not).
  // Bounds the memory a body can make the parser allocate, whatever the body limit.
  size_t max_values = 65'536;
};

enum class JsonType { kNull, kBool, kNumber, kString, kArray, kObject };

struct JsonMember;

// A read-only view of one value inside a JsonDocument: one pointer, cheap to copy. Valid while
// its document lives. Every accessor is total: asking a value for the wrong type gives nullopt
// (or 0 / an empty view), never undefined behaviour. Thread-safe (the document is immutable).
class JsonValue {
 public:
  JsonType type() const;
  bool IsNull() const { return type() == JsonType::kNull; }

  // The string's bytes (valid UTF-8; may hold U+0000 if the text escaped it); nullopt unless a
  // string.
  std::optional<std::string_view> AsString() const;
  // An integer-valued number that fits int64_t, written without fraction or exponent ("7",
  // "-7"); nullopt for 7.0, 7e0, 2^63 and beyond, and non-numbers.
  std::optional<int64_t> AsInt() const;
  std::optional<bool> AsBool() const;
  // Any number, as the nearest double.
  std::optional<double> AsDouble() const;

  // Items of an array or members of an object; 0 for anything else.
  size_t size() const;
  // REQUIRES: type() == kArray and i < size().
  JsonValue item(size_t i) const;
  // Members in the order the text gives them. REQUIRES: type() == kObject and i < size().
  JsonMember member(size_t i) const;
  // The member called `key`; nullopt when absent or when this is not an object. Keys are unique
  // (ParseJson refuses duplicates), so the answer is never ambiguous. Linear in size().
  std::optional<JsonValue> Find(std::string_view key) const;

 private:
  friend class JsonDocument;
  explicit JsonValue(const void* node) : node_(node) {}
  const void* node_;  // a rapidjson::Value
};

struct JsonMember {
  std::string_view key;
  JsonValue value;
};

// A parsed document; owns every value its JsonValues point into. Movable, not copyable.
class JsonDocument {
 public:
  JsonDocument(JsonDocument&&) noexcept;
  JsonDocument& operator=(JsonDocument&&) noexcept;
  ~JsonDocument();

  JsonValue root() const;

 private:
  friend Result<JsonDocument> ParseJson(std::string_view text, JsonLimits limits);
  struct Impl;
  explicit JsonDocument(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Parses one JSON text (RFC 8259) with the limits. Nothing in it recurses per nesting level:
// neither parsing, checking nor freeing a document, so no input can exhaust the stack.
// On success the document. On failure kInvalidArgument with a message fit for the client:
//   "nesting deeper than 32", "more than 65536 values", "invalid UTF-8" (in the text, or a lone
//   surrogate escape such as "\udc00"), "duplicate key \"k\"" (a key given twice in one object
//   is refused rather than resolved: two parsers that pick different copies are how request
//   smuggling starts), "not JSON: <reason> at byte <n>" for everything else (including a number
//   too large for a double, such as 1e400, and anything after the value but whitespace).
Result<JsonDocument> ParseJson(std::string_view text, JsonLimits limits = {});

// Parses a JSON array of strings, e.g. ["a","b"], with the default limits. kInvalidArgument when
// the text is not JSON (messages as ParseJson), not an array, holds a non-string, or has more
// than max_items items.
Result<std::vector<std::string>> ParseStringArray(std::string_view text, size_t max_items);

}  // namespace fg::http
