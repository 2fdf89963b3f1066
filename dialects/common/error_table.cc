#include "dialects/common/error_table.h"

namespace fg::kit {

std::vector<Code> AllCodes() {
  // Codes run from kOk = 0 without gaps, and CodeName has a case for each (-Wswitch, an error in
  // CI, keeps it so): the first value it cannot name is one past the last code. This follows
  // base/status.h without a second list to keep in step.
  std::vector<Code> codes;
  for (int i = 0;; ++i) {
    auto code = static_cast<Code>(i);
    if (CodeName(code) == "unknown") break;
    codes.push_back(code);
  }
  return codes;
}

std::vector<Code> UnmappedCodes(const ErrorTable& table) {
  std::vector<Code> missing;
  for (Code code : AllCodes()) {
    if (!table.Maps(code)) missing.push_back(code);
  }
  return missing;
}

}  // namespace fg::kit
