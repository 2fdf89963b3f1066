#include "core/rules.h"

#include <algorithm>

namespace fg {
namespace {

// kUserDisabled naming the first of the users that is disabled.
Status CheckEnabled(std::initializer_list<const User*> users) {
  for (const User* u : users) {
    if (u->disabled) return {Code::kUserDisabled, "user '" + u->account + "' is disabled"};
  }
  return Status::Ok();
}

Status CheckNotBlocked(WriteTxn& txn, const User& peer, const User& owner) {
  if (txn.HasRelation(peer.app, peer.id, owner.id, Relation::kBlock)) {
    return {Code::kBlocked, "'" + peer.account + "' has blocked '" + owner.account + "'"};
  }
  return Status::Ok();
}

Status NotFriends(const User& owner, const User& peer) {
  return {Code::kNotFriends, "'" + peer.account + "' is not a friend of '" + owner.account + "'"};
}

// Moves the user's icon time on (User::icon_ms): now, or just after the last one. Returns it.
int64_t IconChanged(const Change& change, User& user) {
  user.icon_ms = std::max(change.now_ms(), user.icon_ms + 1);
  return user.icon_ms;
}

// Inserts the user `key` names (its account already checked); kAlreadyExists if it is taken.
Result<User> CreateIn(Change& change, const UserKey& key, const NewUser& user) {
  if (user.unique_phone && user.profile.mobile) {
    for (const User& other :
         change.txn().ListUsersByMobile(key.app, *user.profile.mobile, SIZE_MAX)) {
      // A user with no region (made through another dialect) has this phone in any region.
      if (!other.profile.region || other.profile.region->empty() ||
          other.profile.region == user.profile.region) {
        return Status(Code::kAlreadyExists, "the phone number is registered already");
      }
    }
  }
  User u;
  u.app = key.app;
  u.account = key.account;
  u.profile = user.profile;
  u.token = user.token;
  u.add_policy = user.add_policy;
  u.password_hash = user.password_hash;
  u.created_ms = u.updated_ms = change.now_ms();
  // Tokens name the account and carry its epoch, and an epoch is a time (below): a user created
  // again under a deleted user's name starts past the old one's, so its tokens do not speak
  // for the new user.
  u.epoch = change.now_ms();
  if (u.profile.icon && !u.profile.icon->empty()) u.icon_ms = change.now_ms();
  auto id = change.txn().InsertUser(u.app, u);
  if (!id) return Status(Code::kAlreadyExists, "user '" + u.account + "' already exists");
  u.id = *id;
  return u;
}

// Creates the user `key` names, with an empty profile, as part of the job.
Result<User*> CreateEmpty(Change& change, const UserKey& key) {
  if (key.account.empty()) return Status(Code::kInvalidArgument, "account is empty");
  auto created = CreateIn(change, key, NewUser{});
  if (!created.ok()) return created.status();
  return change.Adopt(std::move(created).value());
}

// The user `key` names, locked; created with an empty profile if it does not exist.
Result<User*> Ensure(Change& change, const UserKey& key) {
  auto locked = change.LockMore({key});
  if (!locked.empty()) return locked.front();
  return CreateEmpty(change, key);
}

// Locks the user `ref` names: kInvalidArgument for an app that is not linked (as every call
// naming a pair answers), kUserNotFound if the account does not exist and `ref` does not ask to
// create it (UserRef::create_if_missing).
Result<User*> LockUser(Change& change, const UserRef& ref) {
  auto key = change.Resolve(ref);
  if (!key.ok()) return key.status();
  if (ref.create_if_missing) return Ensure(change, key.value());
  User* u = change.Lock(ref);
  if (!u) return UserNotFound(ref.account);
  return u;
}

// Change::LockPair, creating the user that asks for it (UserRef::create_if_missing) if it does
// not exist. Both are locked together first, so locks keep their order; a user created here is
// new, and nobody else can hold it.
Status LockPair(Change& change, const UserRef& a, const UserRef& b, User*& ua, User*& ub) {
  Status s = change.LockPair(a, b, ua, ub);
  if (s.code() != Code::kUserNotFound) return s;
  for (auto [ref, slot] : {std::pair{&a, &ua}, std::pair{&b, &ub}}) {
    UserKey key = change.Resolve(*ref).value();  // LockPair resolved both
    *slot = change.Find(key);
    if (*slot) continue;
    if (!ref->create_if_missing) return UserNotFound(ref->account);
    auto created = CreateEmpty(change, key);
    if (!created.ok()) return created.status();
    *slot = created.value();
  }
  return Status::Ok();
}

}  // namespace

Result<User> CreateUserRule(Change& change, const NewUser& user) {
  UserKey key{change.app().id, NormalizeAccount(user.account)};
  if (key.account.empty()) return Status(Code::kInvalidArgument, "account is empty");
  return CreateIn(change, key, user);
}

Result<std::vector<User>> CreateUsersRule(Change& change, const std::vector<NewUser>& users) {
  std::vector<User> created;
  created.reserve(users.size());
  for (const NewUser& user : users) {
    // A failure after the first insert rolls the whole job back (rules.h): none is created.
    Result<User> u = CreateUserRule(change, user);
    if (!u.ok()) return u.status();
    created.push_back(std::move(u).value());
  }
  return created;
}

Result<User> EnsureUserRule(Change& change, const UserRef& ref) {
  auto key = change.Resolve(ref);
  if (!key.ok()) return key.status();
  auto user = Ensure(change, key.value());
  if (!user.ok()) return user.status();
  return *user.value();
}

Result<User> UpdateUserRule(Change& change, const UserRef& ref, const UserUpdate& update) {
  auto locked = LockUser(change, ref);
  if (!locked.ok()) return locked.status();
  User* u = locked.value();
  const Profile& p = update.profile;
  auto set = [](const auto& src, auto& dst) {
    if (src) dst = src;
  };
  set(p.name, u->profile.name);
  // An icon never set and an empty one are the same: no icon.
  if (p.icon && *p.icon != u->profile.icon.value_or("")) IconChanged(change, *u);
  set(p.icon, u->profile.icon);
  set(p.sign, u->profile.sign);
  set(p.email, u->profile.email);
  set(p.birth, u->profile.birth);
  set(p.mobile, u->profile.mobile);
  set(p.region, u->profile.region);
  set(p.gender, u->profile.gender);
  set(p.ex, u->profile.ex);
  if (update.st_account && *update.st_account != u->st_account) {
    if (!update.st_account->empty()) {
      auto holder = change.txn().FindUserByStAccount(u->app, *update.st_account);
      if (holder && holder->id != u->id) {
        return Status(Code::kAlreadyExists, "the SealTalk number is taken");
      }
    }
    u->st_account = *update.st_account;
  }
  if (update.found_by_phone) u->found_by_phone = *update.found_by_phone;
  if (update.found_by_st_account) u->found_by_st_account = *update.found_by_st_account;
  if (update.token) u->token = *update.token;
  if (update.add_policy) u->add_policy = *update.add_policy;
  if (update.disabled) u->disabled = *update.disabled;
  if (update.password_hash) u->password_hash = *update.password_hash;
  // Strictly increasing, and never behind the clock: always past the epoch of an earlier user
  // of the same name (CreateUserRule).
  if (update.password_hash || update.revoke_tokens) {
    u->epoch = std::max(u->epoch + 1, change.now_ms());
  }
  u->updated_ms = change.now_ms();
  change.txn().UpdateUserFields(u->app, *u);
  change.ProfileChanged(*u);
  return *u;
}

Result<AddOutcome> AddRule(Change& change, const AddArgs& args) {
  WriteTxn& txn = change.txn();
  User *owner, *peer;
  if (Status s = LockPair(change, args.owner, args.peer, owner, peer); !s.ok()) return s;
  if (Status s = CheckEnabled({owner, peer}); !s.ok()) return s;
  if (Status s = CheckNotBlocked(txn, *peer, *owner); !s.ok()) return s;
  auto befriend = [&](AddOutcome outcome) -> Result<AddOutcome> {
    if (Status s = change.BefriendBoth(*owner, *peer, args.fields, args.source); !s.ok()) return s;
    change.Commit();
    return outcome;
  };
  if (args.mode == AddMode::kDirect) return befriend(AddOutcome::kFriends);

  bool peer_has_owner = change.IsAlive(*peer, *owner);
  if (peer_has_owner && change.IsAlive(*owner, *peer)) {
    return Status(Code::kAlreadyFriends,
                  "'" + owner->account + "' and '" + peer->account + "' are already friends");
  }
  if (peer_has_owner && args.consent_stands) return befriend(AddOutcome::kAccepted);
  bool may_have_pending = Change::MayHavePending(*owner, *peer);
  if (may_have_pending) {
    auto crossing = txn.FindRequest(owner->app, peer->id, owner->id);
    if (crossing && crossing->state == RequestState::kPending) {
      return befriend(AddOutcome::kAccepted);
    }
  }
  if (peer->add_policy == AddPolicy::kAllowAny) return befriend(AddOutcome::kPeerAllowsAny);
  if (peer->add_policy == AddPolicy::kDenyAny) {
    return Status(Code::kRefusedByPolicy, "'" + peer->account + "' accepts no friend requests");
  }
  FriendRequest request;
  bool refresh = false;
  if (may_have_pending) {
    if (auto existing = txn.FindRequest(peer->app, owner->id, peer->id);
        existing && existing->state == RequestState::kPending) {
      request = std::move(*existing);  // a refresh keeps the first creation time
      refresh = true;
    }
  }
  request.from = owner->id;
  request.to = peer->id;
  request.message = args.message;
  request.source = args.source;
  request.reply.clear();
  request.state = RequestState::kPending;
  change.PutRequest(std::move(request), refresh, *owner, *peer);
  change.Commit();
  return AddOutcome::kRequestSent;
}

Result<bool> RespondRule(Change& change, const UserRef& recipient, const UserRef& requester,
                         Answer answer, const std::string& reply) {
  WriteTxn& txn = change.txn();
  User *to, *from;
  if (Status s = LockPair(change, recipient, requester, to, from); !s.ok()) return s;
  if (Status s = CheckEnabled({to, from}); !s.ok()) return s;
  auto request = txn.FindRequest(to->app, from->id, to->id);
  if (!request || request->state != RequestState::kPending) {
    return Status(Code::kNoPendingRequest,
                  "no pending request from '" + from->account + "' to '" + to->account + "'");
  }
  if (answer == Answer::kAccept) {
    if (txn.HasRelation(from->app, from->id, to->id, Relation::kBlock)) {
      return Status(Code::kBlocked,
                    "'" + from->account + "' has blocked '" + to->account + "' since asking");
    }
    if (Status s = change.BefriendBoth(*to, *from, {}, request->source); !s.ok()) return s;
  } else {
    request->state = answer == Answer::kRefuse ? RequestState::kRefused : RequestState::kIgnored;
    if (answer == Answer::kRefuse) request->reply = reply;
    change.PutRequest(std::move(*request), /*was_pending=*/true, *from, *to);
  }
  change.Commit();
  return true;
}

Result<bool> DeleteRule(Change& change, const DeleteArgs& args) {
  User *owner, *peer;
  if (Status s = LockPair(change, args.owner, args.peer, owner, peer); !s.ok()) return s;
  if (!change.Tombstone(*owner, *peer, args.drop_alias)) return NotFriends(*owner, *peer);
  if (args.both) change.Tombstone(*peer, *owner, args.drop_alias);
  change.Commit();
  return true;
}

Result<bool> UpdateEdgeRule(Change& change, const UserRef& owner, const UserRef& peer,
                            const EdgeFields& fields, bool any_row) {
  User *o, *p;
  if (Status s = LockPair(change, owner, peer, o, p); !s.ok()) return s;
  if (!change.IsAlive(*o, *p)) {
    WriteTxn& txn = change.txn();
    if (!any_row ||
        (!txn.FindEdge(o->app, o->id, p->id) && !txn.FindRequest(p->app, o->id, p->id) &&
         !txn.FindRequest(o->app, p->id, o->id))) {
      return NotFriends(*o, *p);
    }
    change.Annotate(*o, *p, fields);
    change.Commit();
    return true;
  }
  if (Status s = change.MakeAlive(*o, *p, fields, ""); !s.ok()) return s;
  change.Commit();
  return true;
}

Result<bool> DeleteUserRule(Change& change, const UserRef& ref) {
  WriteTxn& txn = change.txn();
  auto locked = LockUser(change, ref);
  if (!locked.ok()) return locked.status();
  User* user = locked.value();
  // Every peer that may still have an alive edge to the user: all adds make both edges, and a
  // delete leaves a tombstone, so the user's own rows name them all (in their own apps).
  std::vector<UserKey> peers;
  for (const auto& e :
       txn.ListFriends(user->app, user->id, 0, /*include_tombstones=*/true, SIZE_MAX)) {
    peers.push_back({e.edge.peer_app, e.peer_account});
  }
  // And every user with a request to or from it: those go with it (DeleteUserRows), so their
  // rows change, and their pending ones no longer count.
  auto requests = txn.ListRequests(user->app, user->id, 0, false, SIZE_MAX);
  std::vector<UserKey> others;  // requests[i]'s other user; none: {}
  for (const auto& r : requests) {
    auto other = r.from == user->id ? txn.FindUserById(r.to_app, r.to)
                                    : txn.FindUserById(r.from_app, r.from);
    others.push_back(other ? UserKey{other->app, other->account} : UserKey{});
    if (other) peers.push_back(others.back());
  }
  for (User* peer : change.LockMore(peers)) {
    if (change.IsAlive(*peer, *user)) change.Tombstone(*peer, *user, /*drop_alias=*/false);
    change.RowsChanged(*peer);
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    if (User* other = change.Find(others[i])) change.DropRequest(requests[i], *other);
  }
  change.Forget(*user);
  txn.DeleteUserRows(user->app, user->id);
  change.Commit();
  return true;
}

Result<bool> SetRelationRule(Change& change, const UserRef& owner, const UserRef& peer,
                             Relation kind, bool on) {
  WriteTxn& txn = change.txn();
  User *o, *p;
  if (Status s = LockPair(change, owner, peer, o, p); !s.ok()) return s;
  const AppLimits& limits = change.LimitsOf(o->app);
  int64_t limit = kind == Relation::kBlock ? limits.max_blocks : limits.max_mutes;
  if (on && !txn.HasRelation(o->app, o->id, p->id, kind) &&
      txn.CountRelations(o->app, o->id, kind) >= limit) {
    return Status(Code::kRelationLimit,
                  "'" + o->account + "' has reached the limit of " + std::to_string(limit));
  }
  txn.PutRelation(o->app, o->id, p->app, p->id, kind, on, change.now_ms());
  change.RowsChanged(*o);
  return true;
}

Result<bool> SetRelationsRule(Change& change, const std::string& owner,
                              const std::vector<std::string>& peers, Relation kind, bool on) {
  WriteTxn& txn = change.txn();
  const AppContext& app = change.app();
  UserKey owner_key{app.id, NormalizeAccount(owner)};
  std::vector<UserKey> keys{owner_key};
  for (const auto& peer : peers) {
    UserKey key{app.id, NormalizeAccount(peer)};
    if (key == owner_key) return Status(Code::kInvalidArgument, "a user cannot block themselves");
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
  }
  // Every user of the job locked at once, in the store's order.
  std::vector<User*> locked = change.LockMore(keys);
  if (locked.empty() || locked.front()->account != owner_key.account) {
    return UserNotFound(owner);
  }
  if (locked.size() != keys.size()) {
    for (size_t i = 1, j = 1; i < keys.size(); ++i) {
      if (j < locked.size() && locked[j]->account == keys[i].account) {
        ++j;
      } else {
        return UserNotFound(keys[i].account);
      }
    }
  }
  const User& o = *locked.front();
  int64_t limit = kind == Relation::kBlock ? app.limits.max_blocks : app.limits.max_mutes;
  if (on) {
    int64_t added = 0;
    for (size_t i = 1; i < locked.size(); ++i) {
      if (!txn.HasRelation(app.id, o.id, locked[i]->id, kind)) ++added;
    }
    if (added > 0 && txn.CountRelations(app.id, o.id, kind) + added > limit) {
      return Status(Code::kRelationLimit,
                    "'" + o.account + "' would go over the limit of " + std::to_string(limit));
    }
  }
  for (size_t i = 1; i < locked.size(); ++i) {
    // Already set: nothing to write, and it keeps its place in the list.
    if (on && txn.HasRelation(app.id, o.id, locked[i]->id, kind)) continue;
    txn.PutRelation(app.id, o.id, locked[i]->app, locked[i]->id, kind, on, change.now_ms());
  }
  change.RowsChanged(o);
  return true;
}

Result<size_t> ImportFriendsRule(Change& change,
                                 const std::vector<std::pair<UserRef, UserRef>>& pairs) {
  auto in_pair = [](size_t i, const Status& s) {
    return Status(s.code(), "pair " + std::to_string(i) + ": " + s.message());
  };
  std::vector<std::pair<UserKey, UserKey>> keyed;
  std::vector<UserKey> keys;
  keyed.reserve(pairs.size());
  // The first malformed pair. The pairs before it still run, so that one of them breaking a rule
  // is the error named: the first bad pair, whatever its fault.
  Status malformed;
  for (size_t i = 0; i < pairs.size() && malformed.ok(); ++i) {
    auto a = change.Resolve(pairs[i].first);
    auto b = change.Resolve(pairs[i].second);
    if (!a.ok() || !b.ok()) {
      malformed = in_pair(i, !a.ok() ? a.status() : b.status());
    } else if (a.value().account.empty() || b.value().account.empty()) {
      malformed = in_pair(i, {Code::kInvalidArgument, "an account is empty"});
    } else if (a.value() == b.value()) {
      malformed = in_pair(i, {Code::kInvalidArgument, "a user cannot be their own friend"});
    } else {
      keys.push_back(a.value());
      keys.push_back(b.value());
      keyed.emplace_back(std::move(a).value(), std::move(b).value());
    }
  }
  // Every user of the job locked at once, in the store's order; then the missing ones created.
  change.LockMore(keys);
  for (const UserKey& key : keys) {
    if (change.Find(key)) continue;
    if (auto created = CreateEmpty(change, key); !created.ok()) return created.status();
  }
  for (size_t i = 0; i < keyed.size(); ++i) {
    User& a = *change.Find(keyed[i].first);
    User& b = *change.Find(keyed[i].second);
    if (Status s = CheckEnabled({&a, &b}); !s.ok()) return in_pair(i, s);
    if (Status s = CheckNotBlocked(change.txn(), b, a); !s.ok()) return in_pair(i, s);
    if (Status s = change.BefriendBoth(a, b, {}, ""); !s.ok()) return in_pair(i, s);
  }
  if (!malformed.ok()) return malformed;
  change.Commit();
  return pairs.size();
}

Result<Avatar> SetAvatarRule(Change& change, const UserRef& ref, Avatar avatar,
                             const std::string& url) {
  auto locked = LockUser(change, ref);
  if (!locked.ok()) return locked.status();
  User* u = locked.value();
  avatar.user = u->id;
  // The icon's new time, strictly after every earlier icon (uploaded or not) of the user.
  avatar.updated_ms = IconChanged(change, *u);
  change.txn().PutAvatar(u->app, avatar);
  u->profile.icon = url;
  u->updated_ms = change.now_ms();
  change.txn().UpdateUserFields(u->app, *u);
  change.ProfileChanged(*u);
  avatar.bytes.clear();  // the caller has them
  return avatar;
}

}  // namespace fg
