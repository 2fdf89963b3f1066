// libFuzzer's entry point for one dialect's fuzz target, picked when the binary is built:
// FG_FUZZ_TARGET names its accessor in fuzz_targets.h (fuzz/CMakeLists.txt defines it).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!fg::fuzz::RunOne(fg::fuzz::FG_FUZZ_TARGET(), input)) __builtin_trap();
  return 0;
}
