// Reads a call's parameters from any FieldSource with the checks every vendor documents:
// required / optional, length in characters, allowed characters, integer ranges, booleans and
// arrays of strings.
//
// The first failure is kept and every later read is skipped (it returns an empty value), so a
// handler reads all of its parameters and then checks status() once. Failures use neutral codes
// that each dialect maps through its ErrorTable:
//   kInvalidArgument  missing, empty where a value is required, malformed, out of range, a
//                     character outside the allowed set, invalid UTF-8, or a JSON value of the
//                     wrong type ("x must be a string");
//   kTooLong          longer than the maximum number of characters (checked before the
//                     allowed characters, so an over-long value is kTooLong whatever it holds).
// Every message names the field. Strings returned are valid UTF-8.
// A ParamReader is cheap and not thread-safe; use one per call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "dialects/common/field_source.h"

namespace fg::kit {

// A set of ASCII characters written like the inside of a regex class: "a-zA-Z0-9_.-" ('-' first
// or last stands for itself). Built at compile time; a malformed spec does not compile.
class CharSet {
 public:
  consteval explicit CharSet(std::string_view spec) : spec_(spec) {
    for (size_t i = 0; i < spec.size(); ++i) {
      char first = spec[i], last = first;
      if (i + 2 < spec.size() && spec[i + 1] == '-') {
        last = spec[i + 2];
        i += 2;
      }
      if (first < 0x20 || last > 0x7E || first > last) throw "CharSet: bad spec";
      for (int c = first; c <= last; ++c) bits_[c / 64] |= uint64_t{1} << (c % 64);
    }
  }

  constexpr bool Contains(char c) const {
    auto u = static_cast<unsigned char>(c);
    return u < 128 && (bits_[u / 64] >> (u % 64) & 1) != 0;
  }
  // The spec it was built from, for messages.
  constexpr std::string_view spec() const { return spec_; }

 private:
  uint64_t bits_[2] = {0, 0};
  std::string_view spec_;
};

class ParamReader {
 public:
  // `source` must outlive the reader.
  explicit ParamReader(const FieldSource& source) : source_(source) {}

  // Present and non-empty, at most max_chars characters (code points), every character in
  // `allowed` when given.
  std::string Required(std::string_view name, size_t max_chars);
  std::string Required(std::string_view name, size_t max_chars, const CharSet& allowed);
  // Absent: nullopt. Present (even empty): at most max_chars characters, in `allowed` if given.
  std::optional<std::string> Optional(std::string_view name, size_t max_chars);
  std::optional<std::string> Optional(std::string_view name, size_t max_chars,
                                      const CharSet& allowed);

  // An integer in [min, max]: decimal digits with an optional '-' in text, an integer JSON
  // number (not 1.0 or 1e0) in JSON.
  int64_t RequiredInt(std::string_view name, int64_t min, int64_t max);
  std::optional<int64_t> OptionalInt(std::string_view name, int64_t min, int64_t max);
  // "true" or "false" in any case in text; a JSON true or false in JSON.
  std::optional<bool> OptionalBool(std::string_view name);

  // An array of strings: a JSON array in JSON; in text, the JSON text of an array (NetEase sends
  // lists as accids=["a","b"]). Each item is a non-empty string of at most max_chars characters,
  // in `allowed` if given. Required: 1 to max_items items. Optional: absent is nullopt, present
  // is 0 to max_items items.
  std::vector<std::string> RequiredArray(std::string_view name, size_t max_items, size_t max_chars);
  std::vector<std::string> RequiredArray(std::string_view name, size_t max_items, size_t max_chars,
                                         const CharSet& allowed);
  std::optional<std::vector<std::string>> OptionalArray(std::string_view name, size_t max_items,
                                                        size_t max_chars);
  std::optional<std::vector<std::string>> OptionalArray(std::string_view name, size_t max_items,
                                                        size_t max_chars, const CharSet& allowed);

  // Whether the field is present (a JSON null is absent). Does not touch status().
  bool Has(std::string_view name) const { return source_.Get(name).has_value(); }
  bool ok() const { return status_.ok(); }
  // Ok, or the first failure.
  const Status& status() const { return status_; }

 private:
  void Fail(Code code, std::string message);
  std::optional<std::string> ReadText(std::string_view name, bool required, size_t max_chars,
                                      const CharSet* allowed);
  std::optional<int64_t> ReadInt(std::string_view name, bool required, int64_t min, int64_t max);
  std::optional<std::vector<std::string>> ReadArray(std::string_view name, bool required,
                                                    size_t max_items, size_t max_chars,
                                                    const CharSet* allowed);
  // Checks one string value; `label` names it in messages ("x", or "x[2]" for an item).
  bool CheckText(const std::string& label, std::string_view text, size_t max_chars,
                 const CharSet* allowed);

  const FieldSource& source_;
  Status status_;
};

}  // namespace fg::kit
