// DryRunTxn: a WriteTxn over a reader's snapshot whose writes go nowhere. FriendService runs a
// write job's rule on it, on a store reader, before the job reaches the writer (the write is
// warmed): the rule reads the rows its real run will read, so that the pages holding them are in
// memory (the OS page cache, which every SQLite connection reads through) and the writer, which
// every write waits for, does not wait for the disk inside its transaction.
//
// What the rule decides from it is thrown away. Reads answer from the snapshot: a row the dry run
// "wrote" reads as it was (close enough for warming: the real run reads the same rows). LockUsers
// reads the users without locking; InsertUser hands out ids no user has (negative), so the rule
// goes on as it would. Not thread-safe, like the ReadTxn it wraps.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/forwarding_txn.h"
#include "store/store.h"

namespace fg {

class DryRunTxn final : public ForwardingReads {
 public:
  explicit DryRunTxn(ReadTxn& reads) : ForwardingReads(reads) {}

  std::vector<User> LockUsers(const std::vector<UserKey>& keys) override;
  std::optional<UserId> InsertUser(AppId app, const User& user) override;
  void UpdateUserFields(AppId, const User&) override {}
  void SaveCounters(AppId, const User&) override {}
  void PutEdge(AppId, const FriendEdge&) override {}
  void PutEdges(AppId, std::span<const FriendEdge* const>) override {}
  void PutRequest(AppId, const FriendRequest&) override {}
  void PutAvatar(AppId, const Avatar&) override {}
  void PutRelation(AppId, UserId, AppId, UserId, Relation, bool, int64_t) override {}
  void DeleteUserRows(AppId, UserId) override {}
  void PutSetting(std::string_view, std::string_view) override {}

 private:
  UserId next_new_id_ = -1;
};

}  // namespace fg
