// FriendService: the friend graph's operations for every dialect. The rules are in core/rules.h;
// this class runs them as store jobs and answers through callbacks.
//
// Writes: each call is one job on the store's writer (store/store.h), so it sees a consistent
// graph and lands whole or not at all; concurrent calls resolve to one consistent graph (two
// users inviting each other at once, accept racing delete, a request sent twice).
// Reads: a whole friend list found in the friend-list cache, and profiles all found in the user
// cache (GetProfiles), answer inline, on the calling thread; every other read is a store read
// job (never run on the calling thread, since it may block).
// Completions: every callback that does not answer inline runs on `completions` (in the server,
// the HTTP threads), never on a store thread, exactly once; an exception it throws is caught and
// logged. Thread-safe.
#pragma once

#include <functional>
#include <memory>
#include <optional>
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
#include "core/user_cache.h"
#include "store/store.h"

namespace fg {

template <typename T>
using Callback = std::function<void(Result<T>)>;

struct Relations {
  std::vector<std::string> blocked;
  std::vector<std::string> muted;
};

// A request as one of its two users sees it (Yuntongxun friendMessage).
struct RequestView {
  FriendRequest request;
  bool sent = false;     // the user asked; else the user was asked
  int64_t clock_ms = 0;  // the user's clock at the request's last change: the list's order
  User peer;             // the other user
};

// A user as another sees them (Yuntongxun getPersonInfo, avatars).
struct Person {
  User user;
  std::optional<FriendEdge> edge;  // the viewer's edge to the user, alive or a tombstone
};

// One page of a list (DESIGN.md §2c). next_cursor is empty on the last page.
template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_cursor;
};

class FriendService {
 public:
  // `store`, `clock`, `completions` and the caches must outlive every job the service queued
  // (close the store first); the service itself may go before its jobs complete. Either cache
  // may be null; REQUIRES: caches only with a store that is the sole writer of its data
  // (asserted). With `warm_writes`, each write job's rule first runs on a store reader with its
  // writes discarded (core/dry_run_txn.h), so that the writer finds the rows it reads in memory;
  // for a store whose writer reads from disk (SQLite), at the cost of one more read job per write.
  FriendService(Store& store, Clock& clock, Executor& completions, FriendListCache* cache = nullptr,
                UserCache* users = nullptr, PeerRowsCache* rows = nullptr,
                bool warm_writes = false);

  // Users.
  void CreateUser(const AppContext& app, NewUser user, Callback<User> done);
  // All or nothing, in one job; see CreateUsersRule.
  void CreateUsers(const AppContext& app, std::vector<NewUser> users,
                   Callback<std::vector<User>> done);
  // See EnsureUserRule.
  void EnsureUser(const AppContext& app, UserRef user, Callback<User> done);
  void UpdateUser(const AppContext& app, UserRef user, UserUpdate update, Callback<User> done);
  // kUserNotFound if the account does not exist.
  void GetUser(const AppContext& app, UserRef user, Callback<User> done);
  // The users that exist, in the order asked; unknown accounts (and apps not linked) are left
  // out.
  void GetUsers(const AppContext& app, std::vector<UserRef> users,
                Callback<std::vector<User>> done);
  // The users of these ids (each in its app, as a FriendEdge names its peer) as listings show
  // them (UserCache::Card: no secrets, no counters): one entry per id asked, null where there is
  // none. Answers inline when every one is in the user cache.
  void GetProfiles(std::vector<std::pair<AppId, UserId>> ids,
                   Callback<std::vector<UserCache::Entry>> done);
  // Each user as `viewer` sees them (no edge without a viewer): one entry per user asked,
  // nullopt for an unknown one. kUserNotFound if the viewer does not exist.
  void GetPeople(const AppContext& app, std::optional<UserRef> viewer, std::vector<UserRef> users,
                 Callback<std::vector<std::optional<Person>>> done);
  // See DeleteUserRule.
  void DeleteUser(const AppContext& app, UserRef user, Callback<bool> done);
  // The app's users by creation, `limit` at most from `cursor` ("" = the first page).
  // kInvalidArgument for a malformed cursor or one from another list.
  void ListUsersPage(const AppContext& app, std::string cursor, size_t limit,
                     Callback<Page<User>> done);

  // Friendships; see core/rules.h for each outcome.
  void Add(const AppContext& app, AddArgs args, Callback<AddOutcome> done);
  // `reply`: see RespondRule.
  void Respond(const AppContext& app, UserRef recipient, UserRef requester, Answer answer,
               std::string reply, Callback<bool> done);
  void Delete(const AppContext& app, DeleteArgs args, Callback<bool> done);
  // See UpdateEdgeRule (`any_row`: SealTalk's descriptions).
  void UpdateEdge(const AppContext& app, UserRef owner, UserRef peer, EdgeFields fields,
                  bool any_row, Callback<bool> done);
  // See ImportFriendsRule.
  void ImportFriends(const AppContext& app, std::vector<std::pair<UserRef, UserRef>> pairs,
                     Callback<size_t> done);
  // owner's edges changed after since_ms (alive only unless include_tombstones), oldest first,
  // shared and immutable: the first `limit` of them (SIZE_MAX: all), or more (a whole list, as
  // the friend-list cache holds it), so callers that page take the first `limit`. kUserNotFound
  // if owner does not exist.
  void ListFriends(const AppContext& app, UserRef owner, int64_t since_ms, bool include_tombstones,
                   size_t limit, Callback<FriendList> done);
  // owner's alive friends by peer id, `limit` at most from `cursor` ("" = the first page).
  // kUserNotFound; kInvalidArgument for a malformed cursor or one from another list.
  void ListFriendsPage(const AppContext& app, UserRef owner, std::string cursor, size_t limit,
                       Callback<Page<FriendView>> done);
  // owner's alive edge to peer; kNotFriends if there is none, kUserNotFound for either account.
  void GetFriend(const AppContext& app, UserRef owner, UserRef peer, Callback<FriendView> done);
  // Up to `limit` of the requests `user` sent or received, in the order of the user's own clock
  // (ReadTxn::ListRequests): after cursor_ms oldest first, or before it newest first.
  // kUserNotFound if the user does not exist.
  void ListRequests(const AppContext& app, UserRef user, int64_t cursor_ms, bool newest_first,
                    size_t limit, Callback<std::vector<RequestView>> done);

  // The requests a user's rows hold at most: the last ones the user sent or received (requests
  // have no limit of their own; this bounds the read and the cache).
  static constexpr size_t kMaxRowRequests = 1000;
  // user's rows (PeerRow), one per peer the user has an edge or a request with, by the user's
  // clock, oldest first: every edge, and the kMaxRowRequests requests the user sent or received
  // last. Peers the user has only blocked have no row. Answers inline from the rows cache when
  // the user's rows are there. kUserNotFound.
  void ListPeerRows(const AppContext& app, UserRef user, Callback<PeerRows> done);
  // The row of `user` with `peer`, with the edge's fields: nullopt if they have no record.
  // kUserNotFound for either.
  void GetPeerDetail(const AppContext& app, UserRef user, UserRef peer,
                     Callback<std::optional<PeerDetail>> done);
  // The user whose SealTalk number is `st_account` (any case); kUserNotFound if none.
  void GetUserByStAccount(const AppContext& app, std::string st_account, Callback<User> done);
  // For each mobile number, up to `limit_each` users of the app with that profile mobile, by id.
  void ListUsersByMobile(const AppContext& app, std::vector<std::string> mobiles, size_t limit_each,
                         Callback<std::vector<std::vector<User>>> done);

  // Avatars. See SetAvatarRule.
  void SetAvatar(const AppContext& app, UserRef user, Avatar avatar, std::string url,
                 Callback<Avatar> done);
  // The avatar `key` names, with its bytes only if `with_bytes`; nullopt if none does.
  void GetAvatarByKey(std::string key, bool with_bytes, Callback<std::optional<Avatar>> done);

  // Blocks and mutes; see SetRelationRule.
  void SetRelation(const AppContext& app, UserRef owner, UserRef peer, Relation kind, bool on,
                   Callback<bool> done);
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
    UserCache* users;
    PeerRowsCache* rows;
  };

  // Runs rule(Change&) as one write job; completes `done` on the executor after commit.
  template <typename T, typename Rule>
  void Submit(const AppContext& app, Callback<T> done, Rule rule);
  // Runs read(ReadTxn&) -> Result<T> as one read job; completes `done` on the executor.
  template <typename T, typename ReadFn>
  void Query(Callback<T> done, ReadFn read);

  Context ctx_;
  const bool warm_writes_;
};

}  // namespace fg
