// Store: persistence for the friend graph. Backends live in store/<name>/ and expose a factory.
//
// The rules live in core/; a store only reads and writes records, inside transactions. The
// contract every backend keeps (store_contract_test.cc checks it on each):
//
// - A write job runs inside one transaction with serializable semantics: it sees a consistent
//   graph, including its own writes, and its effects land whole or not at all.
// - A job may be run more than once (a backend retries it after a conflict, a deadlock or a
//   failure of its own transaction plumbing). So a job has no effects outside its transaction:
//   it may fill in its own results, overwritten by the next run, and nothing else.
// - Counters (a user's version, clock and friend count) are written only for users the job has
//   locked with WriteTxn::LockUsers, which takes the locks in one global order (user id); a user
//   row is never written back whole from values read before the lock.
// - A unique conflict (an account taken by a concurrent insert) comes back as a value
//   (InsertUser returns nullopt), never as a failure.
// - Reads may block (a cold page, a network round trip), so they run on the store's own threads,
//   never on the caller's: Read() queues the job and completes like Write().
// - Completions (`Done`) are called exactly once per job, on an unspecified store thread, in no
//   particular order, after the commit is durable or the job has failed. An exception thrown by
//   a completion is caught and logged by the store; it never stops the store.
// - A transaction method that fails (disk full, corruption, lost connection) throws StoreFailure;
//   the store catches it at its own boundary, rolls the job back and reports Code::kInternal.
//   StoreFailure never leaves Store's methods.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/model.h"
#include "base/status.h"

namespace fg {

struct StoreFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A consistent snapshot. Not thread-safe; used by one job at a time. Lookups that find nothing
// return nullopt or an empty list: that is not an error.
class ReadTxn {
 public:
  virtual ~ReadTxn() = default;

  // account must already be lower-case.
  virtual std::optional<User> FindUser(AppId app, std::string_view account) = 0;
  // The id of that user, reading nothing else (in SQLite, the account index alone).
  virtual std::optional<UserId> FindUserId(AppId app, std::string_view account) = 0;
  virtual std::optional<User> FindUserById(AppId app, UserId id) = 0;
  // The user whose SealTalk number is `st_account`, compared case-insensitively (ASCII).
  virtual std::optional<User> FindUserByStAccount(AppId app, std::string_view st_account) = 0;
  // Up to `limit` users of the app whose profile mobile is exactly `mobile`, by id.
  virtual std::vector<User> ListUsersByMobile(AppId app, std::string_view mobile, size_t limit) = 0;
  // Up to `limit` users of the app with id > after_id, by id.
  virtual std::vector<User> ListUsersAfter(AppId app, UserId after_id, size_t limit) = 0;
  virtual std::optional<FriendEdge> FindEdge(AppId app, UserId owner, UserId peer) = 0;
  // The edges owner -> p that exist for p in `peers` (ascending, no repeats), by peer: FindEdge
  // for many peers of one owner at once (a bulk import). Costs one seek, then one row read per
  // edge of owner's from the first of `peers` to the last.
  virtual std::vector<FriendEdge> FindEdges(AppId app, UserId owner,
                                            const std::vector<UserId>& peers) = 0;
  // owner's edges with updated_ms > since_ms, oldest change first; tombstones only if asked;
  // the first `limit` of them (SIZE_MAX: all). bidirectional = alive && peer_alive, as stored.
  // Costs one row read per edge returned (since_ms = 0 with no limit reads the owner's rows in key
  // order; otherwise the change index is used).
  virtual std::vector<FriendView> ListFriends(AppId app, UserId owner, int64_t since_ms,
                                              bool include_tombstones, size_t limit) = 0;
  // Up to `limit` of owner's alive edges with peer > after_peer, by peer id (keyset paging:
  // stable while other edges come and go).
  virtual std::vector<FriendView> ListFriendsAfter(AppId app, UserId owner, UserId after_peer,
                                                   size_t limit) = 0;
  // `app` is the recipient's (the row's) app.
  virtual std::optional<FriendRequest> FindRequest(AppId app, UserId from, UserId to) = 0;
  // Up to `limit` of the requests `user` (of `app`) sent or received, ordered by the user's own
  // clock at each one's last change (updated_ms for a sent one, to_clock_ms for a received one):
  // those after `cursor_ms` oldest first, or, newest_first, those before it newest first. A
  // user's clock never repeats, so the order is total and a cursor never splits a tie.
  virtual std::vector<FriendRequest> ListRequests(AppId app, UserId user, int64_t cursor_ms,
                                                  bool newest_first, size_t limit) = 0;
  // The avatar that `key` names (any app); its bytes only if `with_bytes` (else never read).
  virtual std::optional<Avatar> FindAvatarByKey(std::string_view key, bool with_bytes) = 0;
  virtual bool HasRelation(AppId app, UserId owner, UserId peer, Relation kind) = 0;
  virtual int64_t CountRelations(AppId app, UserId owner, Relation kind) = 0;
  // Accounts owner has in relation `kind`, in the order they were added.
  virtual std::vector<std::string> ListRelations(AppId app, UserId owner, Relation kind) = 0;
  // Up to `limit` of owner's relations of `kind` with seq < before_seq, newest first.
  virtual std::vector<RelationEntry> ListRelationsBefore(AppId app, UserId owner, Relation kind,
                                                         int64_t before_seq, size_t limit) = 0;
  // The id of the app named `name`, if it exists (Store::EnsureApp makes apps).
  virtual std::optional<AppId> FindApp(std::string_view name) = 0;
  // The installation-wide setting `key` (Store::EnsureSetting, WriteTxn::PutSetting), if set.
  virtual std::optional<std::string> FindSetting(std::string_view key) = 0;
};

// A write transaction: everything a ReadTxn can read, plus writes. Reads see the job's own writes.
class WriteTxn : public ReadTxn {
 public:
  // The users of these keys (accounts lower-case; apps may differ) that exist, each locked until
  // the transaction ends, the locks taken in user-id order so that two jobs never wait for each
  // other in a cycle. Returned in the order of `keys`; an unknown key is left out. Lock every
  // user a job changes counters of in one call, before reading anything else about them.
  virtual std::vector<User> LockUsers(const std::vector<UserKey>& keys) = 0;
  // Inserts a user (user.id is ignored) and returns its new id; nullopt if the account is taken.
  virtual std::optional<UserId> InsertUser(AppId app, const User& user) = 0;
  // Writes the user's profile, token, add policy, disabled flag, password hash, epoch, icon_ms,
  // SealTalk number and privacy flags, and updated_ms; never the counters. REQUIRES: the user was
  // locked by LockUsers.
  virtual void UpdateUserFields(AppId app, const User& user) = 0;
  // Writes the user's version, clock_ms, friend_count and pending_requests.
  // REQUIRES: the user was locked by LockUsers in this transaction.
  virtual void SaveCounters(AppId app, const User& user) = 0;
  // Inserts or replaces the edge (edge.owner, edge.peer).
  virtual void PutEdge(AppId app, const FriendEdge& edge) = 0;
  // PutEdge for each of `edges` (distinct keys), in one go: for many edges of a bulk import,
  // cheapest in key order. By pointer: a caller writes edges from where it keeps them, uncopied.
  virtual void PutEdges(AppId app, std::span<const FriendEdge* const> edges) = 0;
  // Inserts or replaces the request (request.from, request.to); `app` is the recipient's.
  virtual void PutRequest(AppId app, const FriendRequest& request) = 0;
  // Inserts or replaces the user's avatar (avatar.user). A key already in use is StoreFailure.
  virtual void PutAvatar(AppId app, const Avatar& avatar) = 0;
  // Sets or clears owner's relation to peer; `app` is the owner's (the row's), `peer_app` the
  // peer's.
  virtual void PutRelation(AppId app, UserId owner, AppId peer_app, UserId peer, Relation kind,
                           bool on, int64_t now_ms) = 0;
  // Removes the user, the edges it owns, its avatar, every request from or to it (in any app)
  // and every relation it owns or is the peer of. Edges other users own towards it stay (core/
  // tombstones them first). REQUIRES: the user was locked by LockUsers.
  virtual void DeleteUserRows(AppId app, UserId id) = 0;
  // Sets the installation-wide setting `key` to `value` (a bulk import's progress, kept in the
  // transaction of the batch it counts).
  virtual void PutSetting(std::string_view key, std::string_view value) = 0;
};

class Store {
 public:
  // A job. A non-ok Status rolls back everything the job wrote and is passed to Done.
  using WriteJob = std::function<Status(WriteTxn&)>;
  using ReadJob = std::function<Status(ReadTxn&)>;
  // Called once per job (see the contract above). Must be quick: post real work elsewhere.
  using Done = std::function<void(const Status&)>;

  virtual ~Store() = default;

  // Returns the id of the app named `name`, creating it on first use. Blocks until durable:
  // for start-up, never on a request thread.
  virtual Result<AppId> EnsureApp(std::string_view name) = 0;

  // The installation-wide setting `key`, set to `value_if_absent` on first use (e.g. the
  // installation secret: every node sharing the store gets the same). Blocks until durable: for
  // start-up only.
  virtual Result<std::string> EnsureSetting(std::string_view key,
                                            std::string_view value_if_absent) = 0;

  // Queues `job` on a read snapshot. Thread-safe; reads run in parallel with each other and with
  // the writer. `done` gets the job's status, kInternal if storage failed, kUnavailable after
  // Close().
  virtual void Read(ReadJob job, Done done) = 0;

  // Queues a write job. Thread-safe. `done` gets the job's status after a durable commit,
  // kInternal if storage failed, or kUnavailable after Close().
  virtual void Write(WriteJob job, Done done) = 0;

  // True when this process is the only writer of the data (an embedded database): state derived
  // from the data, such as core/'s friend-list cache, may then be kept in memory.
  virtual bool sole_writer() const = 0;

  // Finishes every queued job, then refuses new ones. Idempotent.
  virtual void Close() = 0;
};

// The user's clock at the request's last change: updated_ms if the user sent it, to_clock_ms if
// they received it (the order of ReadTxn::ListRequests).
inline int64_t ClockOf(const FriendRequest& request, UserId user) {
  return request.from == user ? request.updated_ms : request.to_clock_ms;
}
// Sorts `requests` (all sent or received by `user`) by ClockOf, oldest first unless newest_first,
// and keeps the first `limit`: for backends merging the two sides of ListRequests.
void SortRequestsByClock(std::vector<FriendRequest>& requests, UserId user, bool newest_first,
                         size_t limit);

// Queue the job, then wait for it. For tests, tools and start-up; never on a request thread.
Status WriteAndWait(Store& store, Store::WriteJob job);
Status ReadAndWait(Store& store, Store::ReadJob job);

// Calls done(status), catching and logging what it throws: completions never stop a store.
void CompleteGuarded(const Store::Done& done, const Status& status);

}  // namespace fg
