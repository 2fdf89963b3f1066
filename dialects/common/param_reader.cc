#include "dialects/common/param_reader.h"

#include <charconv>

#include "base/utf8.h"

namespace fg::kit {
namespace {

bool EqualsIgnoringCase(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

void ParamReader::Fail(Code code, std::string message) {
  if (status_.ok()) status_ = Status(code, std::move(message));
}

bool ParamReader::CheckText(const std::string& label, std::string_view text, size_t max_chars,
                            const CharSet* allowed) {
  // Forms and JSON are checked when parsed; path segments are not. An ASCII set checks this too.
  if (!allowed && !IsValidUtf8(text)) {
    Fail(Code::kInvalidArgument, label + " is not valid UTF-8");
    return false;
  }
  // Length before characters, as the vendors document it: an over-long value is kTooLong
  // whatever it holds.
  if (Utf8Length(text) > max_chars) {
    Fail(Code::kTooLong, label + " is longer than " + std::to_string(max_chars) + " characters");
    return false;
  }
  if (allowed) {
    for (char c : text) {
      if (!allowed->Contains(c)) {
        Fail(Code::kInvalidArgument,
             label + " may hold only [" + std::string(allowed->spec()) + "]");
        return false;
      }
    }
  }
  return true;
}

std::optional<std::string> ParamReader::ReadText(std::string_view name, bool required,
                                                 size_t max_chars, const CharSet* allowed) {
  if (!ok()) return std::nullopt;
  auto field = source_.Get(name);
  if (!field) {
    if (required) Fail(Code::kInvalidArgument, std::string(name) + " is missing");
    return std::nullopt;
  }
  std::string_view text;
  if (auto* raw = std::get_if<std::string_view>(&*field)) {
    text = *raw;
  } else if (auto s = std::get<http::JsonValue>(*field).AsString()) {
    text = *s;
  } else {
    Fail(Code::kInvalidArgument, std::string(name) + " must be a string");
    return std::nullopt;
  }
  if (required && text.empty()) {
    Fail(Code::kInvalidArgument, std::string(name) + " is missing");
    return std::nullopt;
  }
  if (!CheckText(std::string(name), text, max_chars, allowed)) return std::nullopt;
  return std::string(text);
}

std::string ParamReader::Required(std::string_view name, size_t max_chars) {
  return ReadText(name, true, max_chars, nullptr).value_or("");
}
std::string ParamReader::Required(std::string_view name, size_t max_chars, const CharSet& allowed) {
  return ReadText(name, true, max_chars, &allowed).value_or("");
}
std::optional<std::string> ParamReader::Optional(std::string_view name, size_t max_chars) {
  return ReadText(name, false, max_chars, nullptr);
}
std::optional<std::string> ParamReader::Optional(std::string_view name, size_t max_chars,
                                                 const CharSet& allowed) {
  return ReadText(name, false, max_chars, &allowed);
}

std::optional<int64_t> ParamReader::ReadInt(std::string_view name, bool required, int64_t min,
                                            int64_t max) {
  if (!ok()) return std::nullopt;
  auto field = source_.Get(name);
  if (!field) {
    if (required) Fail(Code::kInvalidArgument, std::string(name) + " is missing");
    return std::nullopt;
  }
  std::optional<int64_t> value;
  if (auto* raw = std::get_if<std::string_view>(&*field)) {
    if (raw->empty() && required) {
      Fail(Code::kInvalidArgument, std::string(name) + " is missing");
      return std::nullopt;
    }
    int64_t v = 0;
    auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), v);
    if (ec == std::errc() && end == raw->data() + raw->size()) value = v;
  } else {
    value = std::get<http::JsonValue>(*field).AsInt();
  }
  if (!value || *value < min || *value > max) {
    Fail(Code::kInvalidArgument, std::string(name) + " must be an integer from " +
                                     std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return value;
}

int64_t ParamReader::RequiredInt(std::string_view name, int64_t min, int64_t max) {
  return ReadInt(name, true, min, max).value_or(0);
}
std::optional<int64_t> ParamReader::OptionalInt(std::string_view name, int64_t min, int64_t max) {
  return ReadInt(name, false, min, max);
}

std::optional<bool> ParamReader::OptionalBool(std::string_view name) {
  if (!ok()) return std::nullopt;
  auto field = source_.Get(name);
  if (!field) return std::nullopt;
  std::optional<bool> value;
  if (auto* raw = std::get_if<std::string_view>(&*field)) {
    if (EqualsIgnoringCase(*raw, "true")) value = true;
    if (EqualsIgnoringCase(*raw, "false")) value = false;
  } else {
    value = std::get<http::JsonValue>(*field).AsBool();
  }
  if (!value) Fail(Code::kInvalidArgument, std::string(name) + " must be true or false");
  return value;
}

std::optional<std::vector<std::string>> ParamReader::ReadArray(std::string_view name, bool required,
                                                               size_t max_items, size_t max_chars,
                                                               const CharSet* allowed) {
  if (!ok()) return std::nullopt;
  auto field = source_.Get(name);
  if (!field) {
    if (required) Fail(Code::kInvalidArgument, std::string(name) + " is missing");
    return std::nullopt;
  }
  // Text holds the array as JSON; the document must live while its items are read.
  std::optional<http::JsonDocument> parsed;
  std::optional<http::JsonValue> array;
  if (auto* raw = std::get_if<std::string_view>(&*field)) {
    auto doc = http::ParseJson(*raw);
    if (!doc.ok()) {
      Fail(Code::kInvalidArgument, std::string(name) + ": " + doc.status().message());
      return std::nullopt;
    }
    parsed = std::move(doc.value());
    array = parsed->root();
  } else {
    array = std::get<http::JsonValue>(*field);
  }
  std::string items_message = std::string(name) + " must be an array of " +
                              (required ? "1 to " : "at most ") + std::to_string(max_items) +
                              " strings";
  if (array->type() != http::JsonType::kArray || array->size() > max_items ||
      (required && array->size() == 0)) {
    Fail(Code::kInvalidArgument, std::move(items_message));
    return std::nullopt;
  }
  std::vector<std::string> out;
  out.reserve(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    auto item = array->item(i).AsString();
    if (!item) {
      Fail(Code::kInvalidArgument, std::move(items_message));
      return std::nullopt;
    }
    std::string label = std::string(name) + "[" + std::to_string(i) + "]";
    if (item->empty()) {
      Fail(Code::kInvalidArgument, label + " is empty");
      return std::nullopt;
    }
    if (!CheckText(label, *item, max_chars, allowed)) return std::nullopt;
    out.emplace_back(*item);
  }
  return out;
}

std::vector<std::string> ParamReader::RequiredArray(std::string_view name, size_t max_items,
                                                    size_t max_chars) {
  return ReadArray(name, true, max_items, max_chars, nullptr).value_or(std::vector<std::string>{});
}
std::vector<std::string> ParamReader::RequiredArray(std::string_view name, size_t max_items,
                                                    size_t max_chars, const CharSet& allowed) {
  return ReadArray(name, true, max_items, max_chars, &allowed).value_or(std::vector<std::string>{});
}
std::optional<std::vector<std::string>> ParamReader::OptionalArray(std::string_view name,
                                                                   size_t max_items,
                                                                   size_t max_chars) {
  return ReadArray(name, false, max_items, max_chars, nullptr);
}
std::optional<std::vector<std::string>> ParamReader::OptionalArray(std::string_view name,
                                                                   size_t max_items,
                                                                   size_t max_chars,
                                                                   const CharSet& allowed) {
  return ReadArray(name, false, max_items, max_chars, &allowed);
}

}  // namespace fg::kit
