// FriendService: the friend graph's operations for every dialect. The rules are in core/rules.h;
// this class runs them as store jobs and answers through callbacks.
//
// Writes: each call is one job on the store's writer (store/store.h), so it sees a consistent
// graph and lands whole or not at all; concurrent calls resolve to one consistent graph (two
// users inviting each other at once, accept racing delete, a request sent twice).
// Reads: a whole friend list found in the friend-list cache answers inline, on the calling
// thread; every other read is a store read job (never run on the calling thread, since it may
// block).
// Completions: every callback that does not answer inline runs on `completions` (in the server,
// the HTTP threads), never on a store thread, exactly once; an exception it throws is caught and
// logged. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/executor.h"
#include "base/model.h"
#include "base/status.h"
#include "core/change.h"
#include "core/cursor.h"
#include "core/friend_list_cache.h"
#include "core/rules.h"
#include "store/store.h"

namespace fg {

template <typename T>
using Callback = std::function<void(Result<T>)>;

struct Relations {
  std::vector<std::string> blocked;
  std::vector<std::string> muted;
};

// One page of a list (DESIGN.md §2c). next_cursor is empty on the last page.
template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;
};

class FriendService {
 public:
  // `store`, `clock`, `completions` and `cache` must outlive every job the service queued (close
  // the store first); the service itself may go before its jobs complete. `cache` may be null;
  // REQUIRES: a cache only with a store that is the sole writer of its data (asserted).
  FriendService(Store& store, Clock& clock, Executor& completions,
                FriendListCache* cache = nullptr);

  // Users.
  void CreateUser(const AppContext& app, NewUser user, Callback<User> done);
  // All or nothing, in one job; see CreateUsersRule.
  void CreateUsers(const AppContext& app, std::vector<NewUser> users,
                   Callback<std::vector<User>> done);
  void UpdateUser(const AppContext& app, std::string account, UserUpdate update,
                  Callback<User> done);
  // kUserNotFound if the account does not exist.
  void GetUser(const AppContext& app, std::string account, Callback<User> done);
  // The users that exist, in the order asked; unknown accounts are left out.
  void GetUsers(const AppContext& app, std::vector<std::string> accounts,
                Callback<std::vector<User>> done);
  // See DeleteUserRule.
  void DeleteUser(const AppContext& app, std::string account, Callback<bool> done);
  // The app's users by creation, `limit` at most from `cursor` ("" = the first page).
  // kInvalidArgument for a malformed cursor or one from another list.
  void ListUsersPage(const AppContext& app, std::string cursor, size_t limit,
                     Callback<Page<User>> done);

  // Friendships; see core/rules.h for each outcome.
  void Add(const AppContext& app, AddArgs args, Callback<AddOutcome> done);
  void Respond(const AppContext& app, std::string recipient, std::string requester, Answer answer,
               Callback<bool> done);
  void Delete(const AppContext& app, DeleteArgs args, Callback<bool> done);
  void UpdateEdge(const AppContext& app, std::string owner, std::string peer, EdgeFields fields,
                  Callback<bool> done);
  // owner's edges changed after since_ms (alive only unless include_tombstones), oldest first,
  // shared and immutable. kUserNotFound if owner does not exist.
  void ListFriends(const AppContext& app, std::string owner, int64_t since_ms,
                   bool include_tombstones, Callback<FriendList> done);
  // owner's alive friends by peer id, `limit` at most from `cursor` ("" = the first page).
  // kUserNotFound; kInvalidArgument for a malformed cursor or one from another list.
  void ListFriendsPage(const AppContext& app, std::string owner, std::string cursor, size_t limit,
                       Callback<Page<FriendView>> done);
  // owner's alive edge to peer; kNotFriends if there is none, kUserNotFound for either account.
  void GetFriend(const AppContext& app, std::string owner, std::string peer,
                 Callback<FriendView> done);

  // Blocks and mutes; see SetRelationRule.
  void SetRelation(const AppContext& app, std::string owner, std::string peer, Relation kind,
                   bool on, Callback<bool> done);
  // Several peers at once, all or nothing; see SetRelationsRule.
  void SetRelations(const AppContext& app, std::string owner, std::vector<std::string> peers,
                    Relation kind, bool on, Callback<bool> done);
  // kUserNotFound if owner does not exist.
  void ListRelations(const AppContext& app, std::string owner, Callback<Relations> done);
  // owner's relations of `kind`, newest first, `limit` at most from `cursor` ("" = the first
  // page). kUserNotFound; kInvalidArgument for a bad cursor.
  void ListRelationsPage(const AppContext& app, std::string owner, Relation kind,
                         std::string cursor, size_t limit, Callback<Page<RelationEntry>> done);

 private:
  // What queued jobs use: copied into each, so that jobs do not depend on the service's life.
  struct Context {
    Store* store;
    Clock* clock;
    Executor* completions;
    FriendListCache* cache;
  };

  // Runs rule(Change&) as one write job; completes `done` on the executor after commit.
  template <typename T, typename Rule>
  void Submit(const AppContext& app, Callback<T> done, Rule rule);
  // Runs read(ReadTxn&) -> Result<T> as one read job; completes `done` on the executor.
  template <typename T, typename ReadFn>
  void Query(Callback<T> done, ReadFn read);

  Context ctx_;
};

}  // namespace fg
