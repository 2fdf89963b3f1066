// StagedTxn: a write transaction run on a reader's snapshot, for the sole writer of a store that
// runs a sequence of jobs ahead of the store (a bulk import, app/graph_transfer.h): job N+1 is
// worked out while job N is still being written, and only its writes reach the store's writer.
//
// It sees the snapshot with the writes of the earlier staged jobs laid over it (those that may
// not be in the snapshot yet; the newest wins), then its own. It keeps its writes (StagedWrites)
// instead of making them. It stages only what leaves everything else as the snapshot shows it:
// edges (PutEdge, PutEdges) and users' counters (SaveCounters). Every other write, and every read
// that lists edges, throws StagingUnsupported: the caller then runs that job on the store's
// writer instead, and lets it land before it stages the next.
//
// What makes a staged job's writes right is the caller's to keep:
// - no one else writes the store meanwhile (the store's sole writer, its data directory locked);
// - each staged job lands only on top of the one before it, and every job staged after a
//   failed one is dropped;
// - `earlier` holds the writes of every staged job that may not be in the snapshot (dropping
//   one only once it is known to have landed before the snapshot began).
// Those kept, the writes are the ones the job would make on the writer: counters are written
// without locking their users (WriteTxn::LockUsers), which nothing else could change.
// Not thread-safe, like the ReadTxn it wraps.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "store/forwarding_txn.h"
#include "store/store.h"

namespace fg {

struct StagingUnsupported : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The writes of one staged job of one app: its edges and its users' counters, each key once.
class StagedWrites {
 public:
  // Writes them through `txn` (the job's run on the store's writer): the edges in key order, in
  // one PutEdges, then the counters.
  void WriteTo(WriteTxn& txn) const;

  // The edge (owner, peer) or the user `id` as this job left it; null if it wrote none.
  const FriendEdge* FindEdge(UserId owner, UserId peer) const;
  const User* FindUser(UserId id) const;

  size_t edges() const { return edges_.size(); }
  size_t users() const { return users_.size(); }

 private:
  friend class StagedTxn;

  AppId app_ = 0;
  std::vector<FriendEdge> edges_;  // by (owner, peer)
  std::vector<User> users_;        // by id
};

class StagedTxn final : public ForwardingReads {
 public:
  // `earlier`: the writes of earlier staged jobs of `app`, oldest first.
  StagedTxn(ReadTxn& snapshot, AppId app, std::vector<std::shared_ptr<const StagedWrites>> earlier);

  // What the job wrote; the transaction is spent.
  StagedWrites Take();

  std::optional<User> FindUser(AppId app, std::string_view account) override;
  std::optional<User> FindUserById(AppId app, UserId id) override;
  std::optional<User> FindUserByStAccount(AppId app, std::string_view st_account) override;
  std::vector<User> ListUsersByMobile(AppId app, std::string_view mobile, size_t limit) override;
  std::vector<User> ListUsersAfter(AppId app, UserId after_id, size_t limit) override;
  std::optional<FriendEdge> FindEdge(AppId app, UserId owner, UserId peer) override;
  std::vector<FriendEdge> FindEdges(AppId app, UserId owner,
                                    const std::vector<UserId>& peers) override;
  std::vector<FriendView> ListFriends(AppId, UserId, int64_t, bool, size_t) override;
  std::vector<FriendView> ListFriendsAfter(AppId, UserId, UserId, size_t) override;

  // Reads the users (no lock: see above).
  std::vector<User> LockUsers(const std::vector<UserKey>& keys) override;
  void SaveCounters(AppId app, const User& user) override;
  void PutEdge(AppId app, const FriendEdge& edge) override;
  void PutEdges(AppId app, std::span<const FriendEdge* const> edges) override;

  std::optional<UserId> InsertUser(AppId, const User&) override;
  void UpdateUserFields(AppId, const User&) override;
  void PutRequest(AppId, const FriendRequest&) override;
  void PutAvatar(AppId, const Avatar&) override;
  void PutRelation(AppId, UserId, AppId, UserId, Relation, bool, int64_t) override;
  void DeleteUserRows(AppId, UserId) override;
  void PutSetting(std::string_view, std::string_view) override;

 private:
  // Throws StagingUnsupported unless `app` is this job's.
  void Expect(AppId app) const;
  // Sorts the job's own writes by key, the last write of a key winning.
  void Settle();
  // The user with the counters the newest write of them left (the job's own, then the earlier
  // jobs', newest first).
  User Current(User user);
  std::optional<User> Current(std::optional<User> user);
  const FriendEdge* NewestEdge(UserId owner, UserId peer);

  AppId app_;
  std::vector<std::shared_ptr<const StagedWrites>> earlier_;
  StagedWrites own_;
  bool settled_ = true;  // own_ is sorted, each key once
};

}  // namespace fg
