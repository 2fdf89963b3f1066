#include "http/json.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <boost/container/small_vector.hpp>
#include <cassert>
#include <cstring>

#include "base/utf8.h"

namespace fg::http {

struct JsonWriter::Impl {
  explicit Impl(size_t capacity) : buffer(nullptr, capacity) {}
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
};

JsonWriter::JsonWriter(size_t expected_bytes)
    : impl_(std::make_unique<Impl>(
          std::max(expected_bytes, size_t{rapidjson::StringBuffer::kDefaultCapacity}))) {}
JsonWriter::~JsonWriter() = default;

JsonWriter& JsonWriter::StartObject() {
  impl_->writer.StartObject();
  return *this;
}
JsonWriter& JsonWriter::EndObject() {
  impl_->writer.EndObject();
  return *this;
}
JsonWriter& JsonWriter::StartArray() {
  impl_->writer.StartArray();
  return *this;
}
JsonWriter& JsonWriter::EndArray() {
  impl_->writer.EndArray();
  return *this;
}
namespace {

// Whether RapidJSON's writer would escape a byte of `text`: a control character, '"' or '\\'
// (it copies every other byte, UTF-8 included, as it is). Eight bytes at a time: a word has such
// a byte only if one of these tests sets a byte's high bit (a borrow may set one falsely, which
// only sends a string the slow way).
bool NeedsEscaping(std::string_view text) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighs = 0x8080808080808080ULL;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  const char* p = text.data();
  size_t n = text.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    if (((v - 0x20 * kOnes) & ~v & kHighs) || has_zero(v ^ ('"' * kOnes)) ||
        has_zero(v ^ ('\\' * kOnes))) {
      return true;
    }
  }
  for (; n > 0; ++p, --n) {
    auto ch = static_cast<unsigned char>(*p);
    if (ch < 0x20 || ch == '"' || ch == '\\') return true;
  }
  return false;
}

}  // namespace

// Keys and strings with nothing to escape (nearly all) are copied whole: RapidJSON's writer puts
// a string one byte at a time through its escape table. An empty raw value of the string's type
// writes just what must come before it (',' or ':'), keeping the writer's own count of members.
void JsonWriter::WriteString(std::string_view text, bool key) {
  if (NeedsEscaping(text)) {
    auto size = static_cast<rapidjson::SizeType>(text.size());
    if (key) {
      impl_->writer.Key(text.data(), size);
    } else {
      impl_->writer.String(text.data(), size);
    }
    return;
  }
  impl_->writer.RawValue("", 0, rapidjson::kStringType);
  char* out = impl_->buffer.Push(text.size() + 2);
  out[0] = '"';
  if (!text.empty()) std::memcpy(out + 1, text.data(), text.size());  // data() may be null
  out[text.size() + 1] = '"';
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  // As WriteString: the separator through the writer, the bytes copied whole.
  impl_->writer.RawValue("", 0, rapidjson::kObjectType);
  if (!json.empty()) std::memcpy(impl_->buffer.Push(json.size()), json.data(), json.size());
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  WriteString(key, /*key=*/true);
  return *this;
}
JsonWriter& JsonWriter::String(std::string_view value) {
  WriteString(value, /*key=*/false);
  return *this;
}
JsonWriter& JsonWriter::Int(int64_t value) {
  impl_->writer.Int64(value);
  return *this;
}
JsonWriter& JsonWriter::Bool(bool value) {
  impl_->writer.Bool(value);
  return *this;
}
JsonWriter& JsonWriter::Null() {
  impl_->writer.Null();
  return *this;
}

std::string JsonWriter::Take() {
  std::string out(impl_->buffer.GetString(), impl_->buffer.GetSize());
  impl_->buffer.Clear();
  impl_->writer.Reset(impl_->buffer);
  return out;
}

namespace {

using Value = rapidjson::Value;
using Allocator = rapidjson::MemoryPoolAllocator<>;
using Document = rapidjson::GenericDocument<rapidjson::UTF8<>, Allocator>;

// ~GenericValue recurses into arrays and objects only when the allocator frees per value. The
// pool allocator frees whole chunks when the document goes, so freeing a document of any depth
// takes no stack.
static_assert(!Allocator::kNeedFree, "freeing a document must not recurse per nesting level");

// kParseIterativeFlag: RapidJSON keeps its parse state on a heap stack instead of recursing.
constexpr unsigned kParseFlags =
    rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

const Value& V(const void* node) { return *static_cast<const Value*>(node); }

// Forwards RapidJSON's SAX events to the document, refusing what the limits do not allow. Stopping
// here (returning false) ends the parse at once, before the rest of the body is read.
class LimitedHandler {
 public:
  LimitedHandler(Document& doc, JsonLimits limits) : doc_(doc), limits_(limits) {}

  bool Null() { return Count() && doc_.Null(); }
  bool Bool(bool b) { return Count() && doc_.Bool(b); }
  bool Int(int i) { return Count() && doc_.Int(i); }
  bool Uint(unsigned u) { return Count() && doc_.Uint(u); }
  bool Int64(int64_t i) { return Count() && doc_.Int64(i); }
  bool Uint64(uint64_t u) { return Count() && doc_.Uint64(u); }
  bool Double(double d) { return Count() && doc_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return Count() && doc_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return Count() && Utf8(s, n) && doc_.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    return Utf8(s, n) && doc_.Key(s, n, copy);
  }
  bool StartObject() { return Count() && Enter() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return doc_.EndObject(members);
  }
  bool StartArray() { return Count() && Enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType items) {
    --depth_;
    return doc_.EndArray(items);
  }

  // Why the handler stopped the parse; empty if it did not.
  const std::string& refusal() const { return refusal_; }

 private:
  bool Count() {
    if (++values_ <= limits_.max_values) return true;
    refusal_ = "more than " + std::to_string(limits_.max_values) + " values";
    return false;
  }
  bool Enter() {
    if (++depth_ <= limits_.max_depth) return true;
    refusal_ = "nesting deeper than " + std::to_string(limits_.max_depth);
    return false;
  }
  // The reader validates the UTF-8 of the text, but a \u escape of a lone surrogate ("\udc00")
  // decodes to bytes that are not UTF-8. Encoded surrogates start with 0xED, so only strings
  // holding that byte need the full check.
  bool Utf8(const char* s, rapidjson::SizeType n) {
    if (std::memchr(s, '\xED', n) == nullptr || IsValidUtf8(std::string_view(s, n))) return true;
    refusal_ = "invalid UTF-8";
    return false;
  }

  Document& doc_;
  const JsonLimits limits_;
  int depth_ = 0;
  size_t values_ = 0;
  std::string refusal_;
};

// The first key that appears twice in one object of the document, if any. Walks the document
// with a stack of its own, not by recursion: the depth is already capped, but nothing here should
// depend on that.
std::optional<std::string_view> FindDuplicateKey(const Value& root) {
  // Inline room for a small document's containers and an object's keys: most bodies (and every
  // line of an import) need no allocation here.
  boost::container::small_vector<const Value*, 8> pending{&root};
  boost::container::small_vector<std::string_view, 16> keys;
  while (!pending.empty()) {
    const Value& v = *pending.back();
    pending.pop_back();
    if (v.IsArray()) {
      for (const Value& item : v.GetArray()) {
        if (item.IsArray() || item.IsObject()) pending.push_back(&item);
      }
    } else if (v.IsObject()) {
      keys.clear();
      for (const auto& m : v.GetObject()) {
        keys.emplace_back(m.name.GetString(), m.name.GetStringLength());
        if (m.value.IsArray() || m.value.IsObject()) pending.push_back(&m.value);
      }
      std::sort(keys.begin(), keys.end());
      auto dup = std::adjacent_find(keys.begin(), keys.end());
      if (dup != keys.end()) return *dup;
    }
  }
  return std::nullopt;
}

}  // namespace

struct JsonDocument::Impl {
  // Chunks sized to the text: RapidJSON's default 64 KiB first chunk would be most of the cost
  // of parsing a small body.
  explicit Impl(size_t text_size)
      : allocator(std::clamp<size_t>(2 * text_size, 256, 64 * 1024)), doc(&allocator) {}
  Allocator allocator;  // declared first: the document uses it until its own destruction
  Document doc;
};

JsonDocument::JsonDocument(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonDocument::JsonDocument(JsonDocument&&) noexcept = default;
JsonDocument& JsonDocument::operator=(JsonDocument&&) noexcept = default;
JsonDocument::~JsonDocument() = default;

JsonValue JsonDocument::root() const { return JsonValue(static_cast<const Value*>(&impl_->doc)); }

JsonType JsonValue::type() const {
  switch (V(node_).GetType()) {
    case rapidjson::kNullType:
      return JsonType::kNull;
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return JsonType::kBool;
    case rapidjson::kNumberType:
      return JsonType::kNumber;
    case rapidjson::kStringType:
      return JsonType::kString;
    case rapidjson::kArrayType:
      return JsonType::kArray;
    case rapidjson::kObjectType:
      return JsonType::kObject;
  }
  return JsonType::kNull;
}

std::optional<std::string_view> JsonValue::AsString() const {
  const Value& v = V(node_);
  if (!v.IsString()) return std::nullopt;
  return std::string_view(v.GetString(), v.GetStringLength());
}

std::optional<int64_t> JsonValue::AsInt() const {
  // RapidJSON stores a number written with '.' or 'e' as a double, and one past int64_t as a
  // uint64_t or a double, so IsInt64 is exactly "an integer literal that fits".
  const Value& v = V(node_);
  if (!v.IsInt64()) return std::nullopt;
  return v.GetInt64();
}

std::optional<bool> JsonValue::AsBool() const {
  const Value& v = V(node_);
  if (!v.IsBool()) return std::nullopt;
  return v.GetBool();
}

std::optional<double> JsonValue::AsDouble() const {
  const Value& v = V(node_);
  if (!v.IsNumber()) return std::nullopt;
  return v.GetDouble();
}

size_t JsonValue::size() const {
  const Value& v = V(node_);
  if (v.IsArray()) return v.Size();
  if (v.IsObject()) return v.MemberCount();
  return 0;
}

JsonValue JsonValue::item(size_t i) const {
  const Value& v = V(node_);
  assert(v.IsArray() && i < v.Size());
  return JsonValue(&v[static_cast<rapidjson::SizeType>(i)]);
}

JsonMember JsonValue::member(size_t i) const {
  const Value& v = V(node_);
  assert(v.IsObject() && i < v.MemberCount());
  const auto& m = *(v.MemberBegin() + static_cast<ptrdiff_t>(i));
  return {std::string_view(m.name.GetString(), m.name.GetStringLength()), JsonValue(&m.value)};
}

std::optional<JsonValue> JsonValue::Find(std::string_view key) const {
  const Value& v = V(node_);
  if (!v.IsObject()) return std::nullopt;
  for (const auto& m : v.GetObject()) {
    if (std::string_view(m.name.GetString(), m.name.GetStringLength()) == key) {
      return JsonValue(&m.value);
    }
  }
  return std::nullopt;
}

Result<JsonDocument> ParseJson(std::string_view text, JsonLimits limits) {
  // RapidJSON reads a NUL as the end of the text, so "[1]\0junk" would pass as "[1]". A raw NUL
  // is never valid JSON (inside a string it must be escaped), so refuse it outright.
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) {
    return Status(Code::kInvalidArgument, "not JSON: a NUL byte in the text");
  }
  auto impl = std::make_unique<JsonDocument::Impl>(text.size());
  LimitedHandler handler(impl->doc, limits);
  rapidjson::ParseResult result;
  auto generator = [&](Document& doc) {
    rapidjson::MemoryStream bytes(text.data(), text.size());
    rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> in(bytes);
    rapidjson::Reader reader;
    result = reader.Parse<kParseFlags>(in, handler);
    return !result.IsError();
  };
  impl->doc.Populate(generator);
  if (!handler.refusal().empty()) return Status(Code::kInvalidArgument, handler.refusal());
  if (result.IsError()) {
    if (result.Code() == rapidjson::kParseErrorStringInvalidEncoding) {
      return Status(Code::kInvalidArgument, "invalid UTF-8");
    }
    std::string reason = rapidjson::GetParseError_En(result.Code());
    if (!reason.empty() && reason.back() == '.') reason.pop_back();  // it goes mid-sentence
    return Status(Code::kInvalidArgument,
                  "not JSON: " + reason + " at byte " + std::to_string(result.Offset()));
  }
  if (auto key = FindDuplicateKey(impl->doc)) {
    // Name the key when it is short enough to quote whole (it is valid UTF-8: checked above).
    return Status(Code::kInvalidArgument, key->size() <= 64
                                              ? "duplicate key \"" + std::string(*key) + "\""
                                              : std::string("duplicate key"));
  }
  return JsonDocument(std::move(impl));
}

Result<std::vector<std::string>> ParseStringArray(std::string_view text, size_t max_items) {
  auto doc = ParseJson(text);
  if (!doc.ok()) return doc.status();
  JsonValue root = doc->root();
  if (root.type() != JsonType::kArray) return Status(Code::kInvalidArgument, "not a JSON array");
  if (root.size() > max_items) {
    return Status(Code::kInvalidArgument, "more than " + std::to_string(max_items) + " items");
  }
  std::vector<std::string> out;
  out.reserve(root.size());
  for (size_t i = 0; i < root.size(); ++i) {
    auto item = root.item(i).AsString();
    if (!item) return Status(Code::kInvalidArgument, "an item is not a string");
    out.emplace_back(*item);
  }
  return out;
}

}  // namespace fg::http
