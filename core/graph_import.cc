#include "core/graph_import.h"

#include <type_traits>

namespace fg {
namespace {

// UpdateUserRule with only the fields a new user may carry: skipped when none is set.
bool HasLater(const UserUpdate& later) {
  return later.disabled || later.st_account || later.found_by_phone || later.found_by_st_account;
}

}  // namespace

Status ImportRecordsRule(Change& change, const std::vector<ImportRecord>& records, size_t* failed) {
  // Every user the edges and relations name, locked at once, in the store's order (those created
  // below join the job as they are made).
  std::vector<UserKey> keys;
  for (const ImportRecord& record : records) {
    std::visit(
        [&](const auto& r) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(r)>, ImportUser>) {
            keys.push_back({change.app().id, NormalizeAccount(r.owner)});
            keys.push_back({change.app().id, NormalizeAccount(r.peer)});
          }
        },
        record);
  }
  change.LockMore(keys);

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
  change.Commit();
  return Status::Ok();
}

}  // namespace fg
