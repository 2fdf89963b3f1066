#include "core/dry_run_txn.h"

namespace fg {

std::vector<User> DryRunTxn::LockUsers(const std::vector<UserKey>& keys) {
  std::vector<User> users;
  for (const UserKey& key : keys) {
    if (auto user = FindUser(key.app, key.account)) users.push_back(std::move(*user));
  }
  return users;
}

std::optional<UserId> DryRunTxn::InsertUser(AppId, const User&) { return next_new_id_--; }

}  // namespace fg
