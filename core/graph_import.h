// A graph restored in bulk (`friendgraph import`): users, one-way friend edges with their fields,
// blocks and mutes, many records to one store job, each applied by the rules' own primitives so
// that versions, clocks, counts, bidirection flags and limits come out as if the graph had been
// built call by call.
#pragma once

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "base/model.h"
#include "base/status.h"
#include "core/change.h"
#include "core/rules.h"

namespace fg {

// A user with its profile, token, add policy and password hash (`user`), and what an account
// gets only after it exists (`later`: disabled, SealTalk number, privacy flags), applied as
// UpdateUserRule applies them.
struct ImportUser {
  NewUser user;
  UserUpdate later;
};

// owner -> peer is alive with these fields.
struct ImportEdge {
  std::string owner;
  std::string peer;
  // Null: none given, as for most edges of a graph (EdgeFields alone is three times the size of
  // the rest).
  std::shared_ptr<const EdgeFields> fields;
  std::string source;
};

// owner blocks or mutes peer.
struct ImportRelation {
  std::string owner;
  std::string peer;
  Relation kind = Relation::kBlock;
};

// Small (a user, one line in fifty of a graph, behind a pointer): a batch holds tens of thousands,
// and the store's writer reads each one once more after the decoding thread wrote it.
using UserRecord = std::shared_ptr<const ImportUser>;
using ImportRecord = std::variant<UserRecord, ImportEdge, ImportRelation>;

// Applies `records` in order, as one job of the calling app: a user is created (CreateUserRule:
// kAlreadyExists for an account taken, kInvalidArgument for an empty one; then UpdateUserRule's
// kAlreadyExists for a SealTalk number taken); an edge becomes alive as Change::MakeAlive makes
// it (the owner's version and clock move, the peer's edge back learns the bidirection;
// kFriendLimit past the owner's limit; an edge alive already only takes the fields given); a
// relation is set as SetRelationRule sets it (kRelationLimit). Both users of an edge or relation
// must exist (kUserNotFound), earlier in `records` or in the store, and differ (kInvalidArgument).
//
// Unlike AddRule, a disabled user or a block does not stop an edge: an import restores a graph as
// it was, and there a disabled user keeps its friends and a block may stand beside a friendship.
//
// On the first record that breaks a rule: its index in `*failed` and its error, and the job rolls
// back whole (rules.h). Runs in a Change of `app` at `now_ms` over `txn`; the edges are read
// before the first record (one store call per owner) and written at the end, each once, in key
// order (store/buffered_edge_txn.h), then the counters, once.
Status ImportRecordsRule(WriteTxn& txn, const AppContext& app, int64_t now_ms,
                         const std::vector<ImportRecord>& records, size_t* failed);

}  // namespace fg
