// The dialects friendgraph serves: an explicit list, one line per dialect in registry.cc.
#pragma once

#include <string_view>
#include <vector>

#include "dialects/dialect.h"

namespace fg {

// Every dialect, in a fixed order: the order in which app/ registers their routes and in which
// `friendgraph sign` picks an app's default dialect. Thread-safe; never empty.
const std::vector<const Dialect*>& Dialects();

// The dialect called `name`, or nullptr when there is none.
const Dialect* FindDialect(std::string_view name);

}  // namespace fg
