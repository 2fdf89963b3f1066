// Writing a small file so that a crash leaves either the old file or the new one, complete.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/status.h"

namespace fg {

// Replaces `path` with `content`, created with permissions `mode` (before any byte is written, so
// a secret is never readable by others): writes <path>.tmp, fsyncs it, renames it over `path` and
// fsyncs the directory, so the new file survives a power loss once this returns. On failure
// (kInternal, naming the file and the system's reason) `path` is unchanged; a stale <path>.tmp
// may remain and is replaced by the next call. Not safe against another process writing the same
// path at the same time: callers serialize (app/ holds the data directory's lock).
Status WriteFileDurably(const std::string& path, std::string_view content, mode_t mode);

}  // namespace fg
