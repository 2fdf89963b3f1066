// Every dialect's fuzz target, one line each; each is defined in fuzz/<dialect>_fuzz_target.cc.
#pragma once

#include <vector>

#include "fuzz/fuzz_driver.h"

namespace fg::fuzz {

const FuzzTarget& NeteaseFuzzTarget();
const FuzzTarget& EasemobFuzzTarget();
const FuzzTarget& YuntongxunFuzzTarget();
const FuzzTarget& SealtalkFuzzTarget();

// All of the above, for the corpus replay test.
inline std::vector<const FuzzTarget*> AllFuzzTargets() {
  return {&NeteaseFuzzTarget(), &EasemobFuzzTarget(), &YuntongxunFuzzTarget(),
          &SealtalkFuzzTarget()};
}

}  // namespace fg::fuzz
