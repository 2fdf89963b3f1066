// FriendService: the rules of the friend graph (DESIGN.md §3), one state machine for every dialect.
//
// Every write runs as one job on the store's writer, so each call sees a consistent graph and
// lands whole or not at all; concurrent calls are serialized there (two users inviting each other
// at once, accept racing delete, a request sent twice all resolve to one consistent graph).
// Writes complete through a callback, called once, on the store's writer thread, after the change
// is durable; keep callbacks short (post the real work elsewhere). Reads run on the calling thread.
//
// Accounts are matched case-insensitively (lower-cased here); validating their shape and the
// lengths of fields is the dialect's job, since each vendor documents its own limits.
// Thread-safe.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/model.h"
#include "base/status.h"
#include "core/friend_list_cache.h"
#include "store/store.h"

namespace fg {

struct AppLimits {
  int64_t max_friends = 3000;  // alive edges a user may own
  int64_t max_blocks = 500;
  int64_t max_mutes = 500;
};

// The app a call acts for, resolved by the dialect from its credentials.
struct AppContext {
  AppId id = 0;
  AppLimits limits;
};

template <typename T>
using Callback = std::function<void(Result<T>)>;

struct NewUser {
  std::string account;
  Profile profile;
  std::string token;
  AddPolicy add_policy = AddPolicy::kNeedConfirm;
};

// Only the fields that are present change.
struct UserUpdate {
  Profile profile;
  std::optional<std::string> token;
  std::optional<AddPolicy> add_policy;
};

enum class AddMode {
  kDirect,   // both edges alive at once, no consent asked
  kRequest,  // ask the peer, subject to blocks and the peer's add policy
};

struct AddArgs {
  std::string owner;
  std::string peer;
  AddMode mode = AddMode::kRequest;
  std::string message;  // the request's message
  std::string source;   // where the request came from (free text)
  EdgeFields fields;    // set on the owner's edge when it becomes alive
};

enum class AddOutcome {
  kFriends,      // both edges are alive now (direct, allow_any, or a crossing request)
  kRequestSent,  // a pending request owner -> peer exists now (created or refreshed)
};

enum class Answer { kAccept, kRefuse, kIgnore };

struct DeleteArgs {
  std::string owner;
  std::string peer;
  bool both = false;        // tombstone the peer's edge back too
  bool drop_alias = false;  // forget the alias instead of keeping it on the tombstone
};

struct Relations {
  std::vector<std::string> blocked;
  std::vector<std::string> muted;
};

class FriendService {
 public:
  // `store`, `clock` and `cache` must outlive the service. `cache` may be null; give one only
  // when this process is the database's only writer (see friend_list_cache.h).
  FriendService(Store& store, Clock& clock, FriendListCache* cache = nullptr)
      : store_(store), clock_(clock), cache_(cache) {}

  // Users.
  // kAlreadyExists if the account is taken in this app.
  void CreateUser(const AppContext& app, NewUser user, Callback<User> done);
  // kUserNotFound if the account does not exist.
  void UpdateUser(const AppContext& app, std::string account, UserUpdate update,
                  Callback<User> done);
  Result<User> GetUser(const AppContext& app, std::string_view account);
  // The users that exist, in the order asked; unknown accounts are left out.
  Result<std::vector<User>> GetUsers(const AppContext& app,
                                     const std::vector<std::string>& accounts);

  // Friendships.
  // Direct: kBlocked if the peer blocked the owner, kFriendLimit; adding existing friends
  // succeeds and changes only the fields given. Request: kBlocked, kRefusedByPolicy (deny_any),
  // kAlreadyFriends (both edges alive), kFriendLimit when it would make friends at once.
  // Both: kUserNotFound, kInvalidArgument for owner == peer.
  void Add(const AppContext& app, AddArgs args, Callback<AddOutcome> done);
  // The recipient answers the requester's pending request. kNoPendingRequest if there is none
  // (including one already answered: answering twice is an error, not a no-op); accepting gives
  // kBlocked if the requester has blocked the recipient since asking.
  void Respond(const AppContext& app, std::string recipient, std::string requester, Answer answer,
               Callback<bool> done);
  // kNotFriends if owner has no alive edge to peer.
  void Delete(const AppContext& app, DeleteArgs args, Callback<bool> done);
  // Sets the present fields of owner's alive edge to peer. kNotFriends if it is not alive.
  void UpdateEdge(const AppContext& app, std::string owner, std::string peer, EdgeFields fields,
                  Callback<bool> done);
  // owner's edges changed after since_ms (alive only unless include_tombstones), oldest first.
  Result<std::vector<FriendView>> ListFriends(const AppContext& app, std::string_view owner,
                                              int64_t since_ms, bool include_tombstones);
  // owner's alive edge to peer; kNotFriends if there is none.
  Result<FriendView> GetFriend(const AppContext& app, std::string_view owner,
                               std::string_view peer);

  // Blocks and mutes. Setting what is already set succeeds. kRelationLimit over the app's limit.
  void SetRelation(const AppContext& app, std::string owner, std::string peer, Relation kind,
                   bool on, Callback<bool> done);
  Result<Relations> ListRelations(const AppContext& app, std::string_view owner);

 private:
  // Runs job(Change&) as one write job; completes `done` after commit.
  template <typename T, typename Job>
  void Submit(const AppContext& app, Callback<T> done, Job job);

  Store& store_;
  Clock& clock_;
  FriendListCache* cache_;
};

// Lower-cases ASCII letters; the store keeps accounts this way.
std::string NormalizeAccount(std::string_view account);

}  // namespace fg
