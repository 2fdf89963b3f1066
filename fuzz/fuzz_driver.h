// The fuzz driver every dialect's fuzz target shares (docs/testing.md).
//
// For each target it builds one in-process server — a SQLite store in a temp file, FriendService,
// a router holding the dialect's routes for one app (max_friends 5, so that limits are reached) —
// on a fake clock, so that a run depends on its input alone. A target supplies only what is
// vendor-specific: how to turn the fuzzer's bytes into one correctly authenticated request, and
// what a well-formed answer looks like. Everything else (routing, core, store) is the real code.
#pragma once

#include <any>
#include <cstdint>
#include <functional>
#include <string_view>

#include "base/clock.h"
#include "dialects/dialect.h"
#include "http/message.h"

namespace fg::fuzz {

// The fuzzed app's installation secret and id in its store, for targets that sign tokens.
inline constexpr std::string_view kInstallationSecret = "fuzz installation secret, 32 bytes";
inline constexpr AppId kAppId = 1;

struct FuzzTarget {
  // The dialect under test; its name also names the corpus, fuzz/corpus/<name>/.
  const Dialect* dialect = nullptr;
  // The fuzzed app's settings, as dialect->ReadAppConfig would return them.
  std::any settings;
  // One request, authenticated for that app at `clock`'s time, from the fuzzer's bytes. `serial`
  // counts the requests sent to this target (1, 2, …): a nonce that is never reused.
  std::function<http::Request(std::string_view input, Clock& clock, uint64_t serial)> build;
  // True when `response` is in the dialect's envelope, whatever the input was.
  std::function<bool(const http::Response& response)> well_formed;
  // Optional: completes the request with what only the store knows, before it is sent
  // (SealTalk: a login cookie carrying the user's current epoch, the users made first).
  std::function<void(http::Request& request, FriendService& service, const AppContext& app,
                     Clock& clock)>
      finish;
};

// Sends one input through `target`'s server, made on the target's first input and kept for the
// process's life (libFuzzer runs millions of inputs; the store's files are removed at exit).
// Waits for the answer. Returns false when the answer is not well-formed: a bug. A request that
// no route takes is not an error. Not thread-safe.
bool RunOne(const FuzzTarget& target, std::string_view input);

}  // namespace fg::fuzz
