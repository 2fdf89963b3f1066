// A dialect's answer for every core Code, in one table (STYLE.md §3): the HTTP status, the
// vendor's code and the vendor's error name. Each dialect defines one as a constant:
//
//   constexpr kit::ErrorMapping kRows[] = {
//       {Code::kOk, {200, 200, "", ""}},
//       {Code::kInvalidArgument, {200, 414, "", ""}},
//       …
//   };
//   constexpr kit::ErrorTable kErrors(kRows);
//
// and its unit test checks EXPECT_TRUE(kit::UnmappedCodes(kErrors).empty()), so a Code added to
// base/status.h fails that test until every dialect says how it answers it.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace fg::kit {

struct VendorError {
  int http_status;               // the HTTP status of the answer
  int vendor_code;               // the code in the envelope (NetEase "code"); 0 where none
  std::string_view name;         // the error name (Easemob "error"); empty where none
  std::string_view detail = {};  // a second vendor string (Easemob "exception"); empty where none
};

struct ErrorMapping {
  Code code;
  VendorError error;
};

class ErrorTable {
 public:
  // Checked at compile time: a Code listed twice, or no row for kInternal (the answer for a code
  // the table misses), does not compile. `rows` must be a constant with static storage.
  template <size_t N>
  consteval explicit ErrorTable(const ErrorMapping (&rows)[N]) : rows_(rows), size_(N) {
    bool has_internal = false;
    for (size_t i = 0; i < N; ++i) {
      has_internal = has_internal || rows[i].code == Code::kInternal;
      for (size_t j = i + 1; j < N; ++j) {
        if (rows[i].code == rows[j].code) throw "ErrorTable: a Code is listed twice";
      }
    }
    if (!has_internal) throw "ErrorTable: no row for Code::kInternal";
  }

  // The row for `code`; the kInternal row for a code the table misses (the unit test above
  // makes that a test failure rather than a surprise). Thread-safe.
  constexpr const VendorError& For(Code code) const {
    const VendorError* internal = nullptr;
    for (size_t i = 0; i < size_; ++i) {
      if (rows_[i].code == code) return rows_[i].error;
      if (rows_[i].code == Code::kInternal) internal = &rows_[i].error;
    }
    return *internal;
  }
  constexpr bool Maps(Code code) const {
    for (size_t i = 0; i < size_; ++i) {
      if (rows_[i].code == code) return true;
    }
    return false;
  }

 private:
  const ErrorMapping* rows_;
  size_t size_;
};

// Every Code, kOk first.
std::vector<Code> AllCodes();
// The codes `table` has no row for; empty when it is complete.
std::vector<Code> UnmappedCodes(const ErrorTable& table);

}  // namespace fg::kit
