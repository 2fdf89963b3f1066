// The write rules of the friend graph (DESIGN.md §3), one state machine for every dialect, as
// plain functions over a Change (core/change.h). FriendService runs each as one store job; tests
// run them on any backend, including the in-memory store.
//
// Each function is a whole job: it returns an error before writing anything, or writes and
// commits the users' counters (Change::Commit) — a job that fails after writing is rolled back by
// the store. Accounts are matched case-insensitively; validating their shape and the lengths of
// fields is the dialect's job, since each vendor documents its own limits.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/model.h"
#include "base/status.h"
#include "core/change.h"

namespace fg {

struct NewUser {
  std::string account;
  Profile profile;
  std::string token;
  AddPolicy add_policy = AddPolicy::kNeedConfirm;
  std::string password_hash;  // already hashed by the caller; empty: no password
  // The user signs in with its phone (SealTalk): kAlreadyExists if a user of the app has the
  // same profile mobile, in the same region or with none (made through another dialect: that
  // user is the phone's owner). Checked inside the job, so two sign-ups with one phone never
  // both succeed.
  bool unique_phone = false;
};

// Only the fields that are present change.
struct UserUpdate {
  Profile profile;
  std::optional<std::string> token;
  std::optional<AddPolicy> add_policy;
  std::optional<bool> disabled;
  // A new password hash; setting it also revokes every token issued before (a new epoch).
  std::optional<std::string> password_hash;
  bool revoke_tokens = false;  // a new epoch (logout)
  // "" clears it; a number another user of the app has (in any case) is kAlreadyExists.
  std::optional<std::string> st_account;
  std::optional<bool> found_by_phone;
  std::optional<bool> found_by_st_account;
};

enum class AddMode {
  kDirect,   // both edges alive at once, no consent asked
  kRequest,  // ask the peer, subject to blocks and the peer's add policy
};

struct AddArgs {
  UserRef owner;
  UserRef peer;
  AddMode mode = AddMode::kRequest;
  std::string message;  // the request's message
  std::string source;   // where the request came from (free text)
  EdgeFields fields;    // set on the owner's edge when it becomes alive
  // Request mode: a peer who still has the owner as a friend (the owner deleted them one-sidedly)
  // makes them friends again at once, their consent standing (SealTalk, whose peer could never
  // answer such a request: their row shows them friends). Otherwise a request is sent.
  bool consent_stands = false;
};

// How an add ended. Every outcome but kRequestSent leaves both edges alive.
enum class AddOutcome {
  kFriends,        // direct mode
  kAccepted,       // request mode: the peer had asked the owner (a pending request, now
                   // accepted) or still had the owner as a friend (AddArgs::consent_stands)
  kPeerAllowsAny,  // request mode: the peer's policy is allow_any
  kRequestSent,    // request mode: a pending request owner -> peer exists now (created or
                   // refreshed)
};

enum class Answer { kAccept, kRefuse, kIgnore };

struct DeleteArgs {
  UserRef owner;
  UserRef peer;
  bool both = false;        // tombstone the peer's edge back too
  bool drop_alias = false;  // forget the alias instead of keeping it on the tombstone
};

// kAlreadyExists if the account is taken in this app; kInvalidArgument if it is empty.
Result<User> CreateUserRule(Change& change, const NewUser& user);
// Creates several users in one job, all or nothing: the first failure (as CreateUserRule's,
// including two entries naming the same account) fails the job and none is created. The users
// come back in the order given.
Result<std::vector<User>> CreateUsersRule(Change& change, const std::vector<NewUser>& users);
// The user, created with an empty profile if it does not exist yet (Yuntongxun has no call that
// creates users: an account exists from its first call). kInvalidArgument for an empty account
// or an app that is not linked.
Result<User> EnsureUserRule(Change& change, const UserRef& ref);
// kUserNotFound if the account does not exist, kInvalidArgument for an app that is not linked,
// kAlreadyExists for a SealTalk number another user of the app has. A disabled user keeps its
// friendships and takes part in no new one (AddRule, RespondRule).
Result<User> UpdateUserRule(Change& change, const UserRef& ref, const UserUpdate& update);
// Either user disabled: kUserDisabled (a disabled account neither asks, nor is asked, nor is
// added). Direct: kBlocked if the peer blocked the owner, kFriendLimit; adding existing friends
// succeeds and changes only the fields given. Request: kBlocked, kRefusedByPolicy (deny_any),
// kAlreadyFriends (both edges alive), kFriendLimit when it would make friends at once. A request
// makes friends at once (see AddOutcome) when the peer had asked the owner, allows anyone, or
// (consent_stands) still has the owner as a friend; else it is created or refreshed. Both:
// kUserNotFound, kInvalidArgument for owner == peer.
Result<AddOutcome> AddRule(Change& change, const AddArgs& args);
// The recipient answers the requester's pending request. kUserDisabled if either is disabled;
// kNoPendingRequest if there is none
// (including one already answered: answering twice is an error, not a no-op); accepting gives
// kBlocked if the requester has blocked the recipient since asking. `reply` is kept on a refused
// request (the reason, shown to the requester); ignored otherwise.
Result<bool> RespondRule(Change& change, const UserRef& recipient, const UserRef& requester,
                         Answer answer, const std::string& reply = {});
// kNotFriends if owner has no alive edge to peer.
Result<bool> DeleteRule(Change& change, const DeleteArgs& args);
// Sets the present fields of owner's alive edge to peer. kNotFriends if it is not alive, unless
// `any_row` (SealTalk's descriptions): then any pair with an edge (a tombstone too) or a request
// either way takes them, without a new version where it is not a friendship (Change::Annotate).
Result<bool> UpdateEdgeRule(Change& change, const UserRef& owner, const UserRef& peer,
                            const EdgeFields& fields, bool any_row = false);
// Makes each pair friends both ways at once (Yuntongxun importFriends), all pairs or none; the
// accounts named that do not exist yet are created. Each pair obeys AddRule's direct mode
// (kUserDisabled, kBlocked, kFriendLimit; kInvalidArgument for a user paired with themselves or
// an app that is not linked); the error names the first pair that breaks a rule, by its index
// from 0 ("pair 3: …"). Returns the number of pairs.
Result<size_t> ImportFriendsRule(Change& change,
                                 const std::vector<std::pair<UserRef, UserRef>>& pairs);
// Stores the user's avatar (avatar.key, content_type, bytes; user and updated_ms are filled in)
// and makes `url` its profile icon. The avatar's time is strictly after the one it replaces.
// kUserNotFound if the user does not exist, kInvalidArgument for an app that is not linked.
Result<Avatar> SetAvatarRule(Change& change, const UserRef& ref, Avatar avatar,
                             const std::string& url);
// Deletes the user: its account, profile, requests, blocks and mutes go; every friendship with it
// ends on both sides, each former friend's edge becoming a tombstone with a new version (so
// incremental sync reports the removal). The account may then be created again, with an empty
// graph. kUserNotFound if it does not exist, kInvalidArgument for an app that is not linked.
Result<bool> DeleteUserRule(Change& change, const UserRef& ref);
// Blocks and mutes. Setting what is already set succeeds. kRelationLimit over the app's limit.
Result<bool> SetRelationRule(Change& change, const UserRef& owner, const UserRef& peer,
                             Relation kind, bool on);
// Sets owner's relation of `kind` to every peer at once, all or nothing: kUserNotFound naming the
// first account that does not exist, kInvalidArgument if a peer is the owner, kRelationLimit if
// the peers not already related would put the owner over the app's limit. Peers already related
// (or named twice) are set once. Adding, they join the list in the order given (the last is the
// newest).
Result<bool> SetRelationsRule(Change& change, const std::string& owner,
                              const std::vector<std::string>& peers, Relation kind, bool on);

}  // namespace fg
