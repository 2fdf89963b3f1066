#include "core/graph_import.h"

#include <map>
#include <type_traits>
#include <utility>

#include "store/buffered_edge_txn.h"

namespace fg {
namespace {

// UpdateUserRule with only the fields a new user may carry: skipped when none is set.
bool HasLater(const UserUpdate& later) {
  return later.disabled || later.st_account || later.found_by_phone || later.found_by_st_account;
}

}  // namespace

Status ImportRecordsRule(WriteTxn& txn, const AppContext& app, int64_t now_ms,
                         const std::vector<ImportRecord>& records, size_t* failed) {
  BufferedEdgeTxn buffered(txn);
  Change change(buffered, app, now_ms);
  // Every user the edges and relations name, locked at once, in the store's order (those created
  // below join the job as they are made).
  std::vector<UserKey> keys;
  for (const ImportRecord& record : records) {
    std::visit(
        [&](const auto& r) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(r)>, ImportUser>) {
            keys.push_back({app.id, NormalizeAccount(r.owner)});
            keys.push_back({app.id, NormalizeAccount(r.peer)});
          }
        },
        record);
  }
  change.LockMore(keys);

  // Both edges of every pair between users that exist already (MakeAlive reads the edge, then
  // its edge back), read at once per owner. A user created below has no edges yet.
  std::map<std::pair<AppId, UserId>, std::vector<UserId>> wanted;
  size_t next_key = 0;
  for (const ImportRecord& record : records) {
    if (std::holds_alternative<ImportUser>(record)) continue;
    const User* owner = change.Find(keys[next_key++]);
    const User* peer = change.Find(keys[next_key++]);
    if (!std::holds_alternative<ImportEdge>(record) || !owner || !peer) continue;
    wanted[{owner->app, owner->id}].push_back(peer->id);
    wanted[{peer->app, peer->id}].push_back(owner->id);
  }
  for (auto& [owner, peers] : wanted)
    buffered.Prefetch(owner.first, owner.second, std::move(peers));

  for (size_t i = 0; i < records.size(); ++i) {
    Status s = std::visit(
        [&](const auto& r) -> Status {
          using T = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<T, ImportUser>) {
            auto created = CreateUserRule(change, r.user);
            if (!created.ok()) return created.status();
            User* user = change.Adopt(std::move(created).value());
            if (!HasLater(r.later)) return Status::Ok();
            return UpdateUserRule(change, user->account, r.later).status();
          } else if constexpr (std::is_same_v<T, ImportEdge>) {
            User *owner, *peer;
            if (Status s = change.LockPair(r.owner, r.peer, owner, peer); !s.ok()) return s;
            return change.MakeAlive(*owner, *peer, r.fields, r.source);
          } else {
            return SetRelationRule(change, r.owner, r.peer, r.kind, /*on=*/true).status();
          }
        },
        records[i]);
    if (!s.ok()) {
      *failed = i;
      return s;
    }
  }
  buffered.Flush();
  change.Commit();
  return Status::Ok();
}

}  // namespace fg
