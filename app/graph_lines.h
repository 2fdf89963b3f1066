// The JSON Lines format of `friendgraph import` and `friendgraph export` (docs/import-export.md):
// one record per line, users before the edges and relations that name them.
//
//   {"type":"user","account":"alice","name":"Alice","add_policy":"need_confirm",…}
//   {"type":"friend","owner":"alice","peer":"bob","alias":"Bobby",…}   one edge, alice -> bob
//   {"type":"block","owner":"alice","peer":"carol"}                     also "mute"
//
// A user's keys: account (required), name, icon, sign, email, birth, mobile, region, gender
// (0, 1 or 2), ex, token, add_policy ("allow_any", "need_confirm", "deny_any"), password_hash
// (argon2id, libsodium's string form), disabled, st_account, found_by_phone, found_by_st_account.
// A friend's: owner, peer (required), alias, ex, serverex, description, phone, region, image_uri,
// source. Absent keys keep their defaults; unknown keys are errors (a misspelt key would
// otherwise be lost without a word).
#pragma once

#include <string>
#include <string_view>

#include "base/model.h"
#include "base/status.h"
#include "core/graph_import.h"

namespace fg {

// Longest line read: larger ones are refused (a profile's fields are a few KiB at most).
inline constexpr size_t kMaxGraphLineBytes = 1 << 20;

// One line (without its newline) as a record. kInvalidArgument with what is wrong: "not JSON:
// …", "\"type\" must be one of user, friend, block, mute", "\"gender\" must be 0, 1 or 2",
// "unknown key \"nmae\"", "\"account\" is missing", ….
Result<ImportRecord> DecodeGraphLine(std::string_view line);

// The lines export writes, each ending in a newline. Only what is set is written.
std::string EncodeUserLine(const User& user);
std::string EncodeEdgeLine(std::string_view owner, std::string_view peer, const FriendEdge& edge);
std::string EncodeRelationLine(std::string_view owner, std::string_view peer, Relation kind);

}  // namespace fg
