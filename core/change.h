// Change: one write job's view of the graph, the toolkit the rules (core/rules.h) are written in.
//
// It locks the users a job changes (WriteTxn::LockUsers, one call, id order), gives each change to
// what a user sees the user's next version and a strictly increasing time (DESIGN.md §2
// "Versions"), keeps the bidirection flags of both edges of a pair exact, and writes the users'
// counters back once, at the end (Commit). Not thread-safe: one per job run.
#pragma once

#include <memory>
#include <string>
#include <string_view>
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

// The app a call acts for, resolved by the dialect from its credentials.
struct AppContext {
  AppId id = 0;
  AppLimits limits;
};

class Change {
 public:
  Change(WriteTxn& txn, const AppContext& app, int64_t now_ms)
      : txn_(txn), app_(app), now_ms_(now_ms) {}

  WriteTxn& txn() { return txn_; }
  const AppContext& app() const { return app_; }
  int64_t now_ms() const { return now_ms_; }
  // Accounts whose edges or requests this job changed: their cached lists are stale after it.
  const std::vector<std::string>& touched() const { return touched_; }

  // Locks and loads one user; nullptr if the account does not exist.
  User* Lock(std::string_view account);
  // Locks and loads two distinct users together. kInvalidArgument if they are the same account,
  // kUserNotFound naming the first that does not exist.
  Status LockPair(std::string_view a, std::string_view b, User*& ua, User*& ub);

  // Advances the user's counter and clock for one change; returns the clock value.
  int64_t Tick(User& user);

  bool IsAlive(UserId owner, UserId peer);
  // Makes owner -> peer alive (reviving a tombstone keeps its fields), then applies `fields`.
  // Does nothing if it is alive already and no field changes. kFriendLimit if reviving would put
  // the owner over the app's friend limit.
  Status MakeAlive(User& owner, User& peer, const EdgeFields& fields, std::string_view source);
  // Tombstones owner -> peer; false if it was not alive.
  bool Tombstone(User& owner, User& peer, bool drop_alias);
  // Sets a request's state, telling both of its users.
  void PutRequest(FriendRequest request, User& from, User& to);
  // Both edges alive, pending requests between them settled.
  Status BefriendBoth(User& owner, User& peer, const EdgeFields& owner_fields,
                      std::string_view source);

  // The job deletes this user: Commit() writes nothing for it, and it counts as touched (its
  // cached list goes).
  void Forget(const User& user);
  // Locks more users of this job together (id order), for a job that learns whom it touches
  // while it runs. Returns those that exist, in the order asked.
  std::vector<User*> LockMore(const std::vector<std::string>& accounts);

  // Writes the counters of every user this job changed. Call once, after the last change.
  void Commit();

 private:
  // owner -> peer changed alive state, so peer's edge back (if alive) shows a different
  // bidirection: it records the new state and takes a new version. Returns whether it is alive.
  bool TouchReverse(User& peer, UserId owner, bool owner_alive);
  // Marks pending requests between a and b (either way) as accepted.
  void AcceptPending(User& a, User& b);
  User* Cached(const std::string& account);

  struct Locked {
    std::unique_ptr<User> user;
    int64_t loaded_version = 0;  // changed since loading: its counters need writing
    bool forgotten = false;      // deleted by this job
  };

  WriteTxn& txn_;
  const AppContext& app_;
  int64_t now_ms_;
  std::vector<Locked> users_;
  std::vector<std::string> touched_;
};

// Lower-cases ASCII letters; the store keeps accounts this way.
std::string NormalizeAccount(std::string_view account);

}  // namespace fg
