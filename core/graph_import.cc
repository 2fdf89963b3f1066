#include "core/graph_import.h"

#include <algorithm>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

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
  // below join the job as they are made). A file lists an owner's lines together: its key is
  // asked for once per run of them.
  std::vector<UserKey> keys;
  keys.reserve(2 * records.size());
  std::string_view last_owner;
  for (const ImportRecord& record : records) {
    std::visit(
        [&](const auto& r) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(r)>, UserRecord>) {
            if (keys.empty() || r.owner != last_owner) {
              keys.push_back({app.id, NormalizeAccount(r.owner)});
              last_owner = r.owner;
            }
            keys.push_back({app.id, NormalizeAccount(r.peer)});
          }
        },
        record);
  }
  change.LockMore(keys);

  // Each edge's two users, looked up once: both null where one is not locked yet (created below,
  // or missing) or both are the same user, and LockPair then says which.
  std::vector<std::pair<User*, User*>> ends(records.size());
  // Both edges of every pair between users that exist already (MakeAlive reads the edge, then
  // its edge back), read at once per owner. A user created below has no edges yet.
  std::unordered_map<const User*, std::vector<UserId>> wanted;
  const ImportEdge* last_edge = nullptr;
  User* last_owner_user = nullptr;
  for (size_t i = 0; i < records.size(); ++i) {
    const auto* edge = std::get_if<ImportEdge>(&records[i]);
    if (!edge) continue;
    if (!last_edge || edge->owner != last_edge->owner) {
      last_owner_user = change.Find({app.id, NormalizeAccount(edge->owner)});
    }
    last_edge = edge;
    User* owner = last_owner_user;
    User* peer = change.Find({app.id, NormalizeAccount(edge->peer)});
    if (!owner || !peer || owner == peer) continue;
    ends[i] = {owner, peer};
    wanted[owner].push_back(peer->id);
    wanted[peer].push_back(owner->id);
  }
  // Each edge line keeps its edge; a line whose edge back is on a line of another batch keeps that
  // one too.
  buffered.Reserve(records.size() + records.size() / 4);
  // Owners in key order, so that the reads walk the edge index forwards.
  std::vector<const User*> owners;
  owners.reserve(wanted.size());
  for (const auto& [owner, peers] : wanted) owners.push_back(owner);
  std::sort(owners.begin(), owners.end(), [](const User* a, const User* b) {
    return std::tie(a->app, a->id) < std::tie(b->app, b->id);
  });
  for (const User* owner : owners) {
    buffered.Prefetch(owner->app, owner->id, std::move(wanted[owner]));
  }

  for (size_t i = 0; i < records.size(); ++i) {
    Status s = std::visit(
        [&](const auto& r) -> Status {
          using T = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<T, UserRecord>) {
            auto created = CreateUserRule(change, r->user);
            if (!created.ok()) return created.status();
            User* user = change.Adopt(std::move(created).value());
            if (!HasLater(r->later)) return Status::Ok();
            return UpdateUserRule(change, user->account, r->later).status();
          } else if constexpr (std::is_same_v<T, ImportEdge>) {
            auto [owner, peer] = ends[i];
            if (!owner) {
              if (Status s = change.LockPair(r.owner, r.peer, owner, peer); !s.ok()) return s;
            }
            static const EdgeFields kNone;
            return change.MakeAlive(*owner, *peer, r.fields ? *r.fields : kNone, r.source);
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
