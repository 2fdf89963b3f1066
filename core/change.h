// Change: one write job's view of the graph, the toolkit the rules (core/rules.h) are written in.
//
// It locks the users a job changes (WriteTxn::LockUsers, one call, id order), gives each change to
// what a user sees the user's next version and a strictly increasing time (DESIGN.md §2
// "Versions"), keeps the bidirection flags of both edges of a pair exact, and writes the users'
// counters back once, at the end (Commit). Not thread-safe: one per job run.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/model.h"
#include "base/status.h"
#include "store/store.h"

namespace fg {

struct AppLimits {
  int64_t max_friends = 3000;  // alive edges a user may own
  int64_t max_blocks = 500;
  int64_t max_mutes = 500;
};

// Apps whose users may befriend each other (a Yuntongxun link group, DESIGN.md §2), each with
// its own limits.
using LinkGroup = std::vector<std::pair<AppId, AppLimits>>;

// The app a call acts for, resolved by the dialect from its credentials.
struct AppContext {
  AppId id = 0;
  AppLimits limits;
  // The app's link group, this app included; null: the app is linked to none.
  std::shared_ptr<const LinkGroup> group;
};

// A user a call names: an account of the calling app, or of an app linked to it. Converts from a
// plain account (the calling app) so that single-app dialects pass strings.
struct UserRef {
  // The user acting, for a dialect whose accounts exist from their first call (Yuntongxun): a
  // write rule creates it with an empty profile, inside its own job, if it does not exist yet
  // (core/rules.h). Reads ignore it.
  static UserRef Acting(UserRef ref) {
    ref.create_if_missing = true;
    return ref;
  }

  UserRef() = default;
  UserRef(std::string account) : account(std::move(account)) {}  // NOLINT(runtime/explicit)
  UserRef(const char* account) : account(account) {}             // NOLINT(runtime/explicit)
  UserRef(AppId app, std::string account) : app(app), account(std::move(account)) {}

  AppId app = 0;  // 0: the calling app
  std::string account;
  bool create_if_missing = false;  // see Acting()
};

class Change {
 public:
  Change(WriteTxn& txn, const AppContext& app, int64_t now_ms)
      : txn_(txn), app_(app), now_ms_(now_ms) {}

  WriteTxn& txn() { return txn_; }
  const AppContext& app() const { return app_; }
  int64_t now_ms() const { return now_ms_; }
  // Users whose edges this job changed (or who it deleted): their cached lists are stale after
  // it.
  const std::vector<UserKey>& touched() const { return touched_; }
  // Users whose profile (or anything else a listing shows of them) this job changed or who it
  // deleted: their cached cards are stale after it.
  const std::vector<UserId>& profiles_changed() const { return profiles_changed_; }
  void ProfileChanged(const User& user) { profiles_changed_.push_back(user.id); }
  // Users whose rows (PeerRow: edges, requests either way, blocks) this job changed or who it
  // deleted: their cached rows are stale after it. Advance() and Tick() count; a rule that
  // changes a row without them (a block, Annotate) says so.
  const std::vector<UserKey>& rows_changed() const { return rows_changed_; }
  void RowsChanged(const User& user) {
    if (rows_changed_ids_.insert(user.id).second) rows_changed_.push_back({user.app, user.account});
  }

  // The key `ref` names: its account lower-cased, its app resolved. kInvalidArgument for an app
  // outside the calling app's link group.
  Result<UserKey> Resolve(const UserRef& ref) const;
  // The limits of `app`: the calling app's, or a linked app's (the calling app's if unknown).
  const AppLimits& LimitsOf(AppId app) const;

  // Locks and loads one user; nullptr if the account does not exist (or names an app that is
  // not linked).
  User* Lock(const UserRef& ref);
  // Locks and loads two distinct users together. kInvalidArgument if they are the same user or
  // one names an app that is not linked, kUserNotFound naming the first that does not exist.
  Status LockPair(const UserRef& a, const UserRef& b, User*& ua, User*& ub);

  // Advances the user's counter and clock for one change to an edge the user owns, which makes
  // the user's cached list stale (touched()); returns the clock value.
  int64_t Tick(User& user);
  // The same for a change that is in no cached list (a request): touched() stays as it is.
  int64_t Advance(User& user);

  // Edge rows live in their owner's app.
  bool IsAlive(const User& owner, const User& peer);
  // Makes owner -> peer alive (reviving a tombstone keeps its fields), then applies `fields`.
  // Does nothing if it is alive already and no field changes. kFriendLimit if reviving would put
  // the owner over the friend limit of the owner's own app (LimitsOf).
  Status MakeAlive(User& owner, User& peer, const EdgeFields& fields, std::string_view source);
  // Sets `fields` on owner -> peer, which is not alive (a tombstone, or no edge yet: one is made
  // that was never alive), leaving its version and times as they are: fields of a row that is
  // not a friendship are in no listing or sync (SealTalk's descriptions, DESIGN.md §2a).
  // REQUIRES: !IsAlive(owner, peer).
  void Annotate(User& owner, User& peer, const EdgeFields& fields);
  // Tombstones owner -> peer; false if it was not alive.
  bool Tombstone(User& owner, User& peer, bool drop_alias);
  // Sets a request's state, telling both of its users. `was_pending`: the row stored before, if
  // any, is pending (the users' pending_requests count it already).
  void PutRequest(FriendRequest request, bool was_pending, User& from, User& to);
  // A request row goes away with a user it names (DeleteUserRows): `other`, its other user, no
  // longer counts it if it was pending.
  void DropRequest(const FriendRequest& request, User& other);
  // Whether a pending request between a and b, either way, can exist: false when one of them has
  // none at all, and no row needs reading.
  static bool MayHavePending(const User& a, const User& b) {
    return a.pending_requests > 0 && b.pending_requests > 0;
  }
  // Both edges alive, pending requests between them settled.
  Status BefriendBoth(User& owner, User& peer, const EdgeFields& owner_fields,
                      std::string_view source);

  // The job deletes this user: Commit() writes nothing for it, and it counts as touched (its
  // cached list goes).
  void Forget(const User& user);
  // Locks more users of this job together (id order), for a job that learns whom it touches
  // while it runs. Returns those that exist, in the order asked. Keys are taken as they are
  // (resolved already, e.g. read from the store), linked or not.
  std::vector<User*> LockMore(const std::vector<UserKey>& keys);
  // A user this job created (InsertUser), taking part in the job like a locked one.
  User* Adopt(User user);
  // The user of `key` if this job has locked (or adopted) it; nullptr otherwise.
  User* Find(const UserKey& key);

  // Writes the counters of every user this job changed. Call once, after the last change.
  void Commit();

 private:
  // owner -> peer changed alive state, so peer's edge back (if alive) shows a different
  // bidirection: it records the new state and takes a new version. Returns whether it is alive.
  bool TouchReverse(User& peer, UserId owner, bool owner_alive);
  // Writes owner -> peer alive with `fields`, its peer's edge back alive too (BefriendBoth).
  void WriteAlive(User& owner, User& peer, std::optional<FriendEdge> existing,
                  const EdgeFields& fields, bool revive, std::string_view source);
  // Marks pending requests between a and b (either way) as accepted.
  void AcceptPending(User& a, User& b);
  void MarkTouched(const User& user);

  struct Locked {
    std::unique_ptr<User> user;
    // Its counters as loaded: if any changed, Commit writes them.
    int64_t loaded_version = 0;
    int64_t loaded_pending = 0;
    bool forgotten = false;  // deleted by this job
  };

  WriteTxn& txn_;
  const AppContext& app_;
  int64_t now_ms_;
  // Adds a loaded or created user to the job and its index.
  User* Keep(User user);
  // users_ by app and account, found by a (app, string_view) pair without building a key.
  struct IndexHash {
    using is_transparent = void;
    size_t operator()(const std::pair<AppId, std::string_view>& key) const;
    size_t operator()(const std::pair<AppId, std::string>& key) const {
      return (*this)(std::pair<AppId, std::string_view>(key.first, key.second));
    }
  };
  struct IndexEqual {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return a.first == b.first && std::string_view(a.second) == std::string_view(b.second);
    }
  };

  std::vector<Locked> users_;
  std::unordered_map<std::pair<AppId, std::string>, User*, IndexHash, IndexEqual> index_;
  std::vector<UserKey> touched_;
  std::unordered_set<UserId> touched_ids_;
  std::vector<UserId> profiles_changed_;
  std::vector<UserKey> rows_changed_;
  std::unordered_set<UserId> rows_changed_ids_;
};

// The key `ref` names for a call of `app`: its account lower-cased, its app resolved.
// kInvalidArgument for an app outside `app`'s link group.
Result<UserKey> ResolveUser(const AppContext& app, const UserRef& ref);

// kUserNotFound naming the account, as every rule and read reports it.
Status UserNotFound(std::string_view account);

// Lower-cases ASCII letters; the store keeps accounts this way.
std::string NormalizeAccount(std::string_view account);

}  // namespace fg
