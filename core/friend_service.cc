#include "core/friend_service.h"

#include <algorithm>
#include <memory>

namespace fg {

std::string NormalizeAccount(std::string_view account) {
  std::string out(account);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

namespace {

Status UserNotFound(std::string_view account) {
  return {Code::kUserNotFound, "user '" + std::string(account) + "' does not exist"};
}

void Apply(const EdgeFields& from, EdgeFields& to) {
  auto set = [](const std::optional<std::string>& src, std::optional<std::string>& dst) {
    if (src) dst = src;
  };
  set(from.alias, to.alias);
  set(from.ex, to.ex);
  set(from.serverex, to.serverex);
  set(from.description, to.description);
  set(from.phone, to.phone);
  set(from.region, to.region);
  set(from.image_uri, to.image_uri);
}

void Apply(const Profile& from, Profile& to) {
  auto set = [](const auto& src, auto& dst) {
    if (src) dst = src;
  };
  set(from.name, to.name);
  set(from.icon, to.icon);
  set(from.sign, to.sign);
  set(from.email, to.email);
  set(from.birth, to.birth);
  set(from.mobile, to.mobile);
  set(from.region, to.region);
  set(from.gender, to.gender);
  set(from.ex, to.ex);
}

// One write job's view of the graph: loads the users it touches, gives each change the user's
// next version and a strictly increasing time, and writes the users back once at the end.
class Change {
 public:
  Change(WriteTxn& txn, const AppContext& app, int64_t now_ms)
      : txn_(txn), app_(app), now_ms_(now_ms) {}

  // Accounts whose edges or requests this job changed.
  const std::vector<std::string>& touched() const { return touched_; }

  WriteTxn& txn() { return txn_; }
  int64_t now_ms() const { return now_ms_; }

  // The user, loaded once per job; nullptr if the account does not exist.
  User* Load(std::string_view account) {
    std::string key = NormalizeAccount(account);
    for (auto& u : users_) {
      if (u->account == key) return u.get();
    }
    auto found = txn_.FindUser(app_.id, key);
    if (!found) return nullptr;
    users_.push_back(std::make_unique<User>(std::move(*found)));
    return users_.back().get();
  }

  // Advances the user's counter and clock for one change; returns the clock value.
  int64_t Tick(User& user) {
    if (std::find(touched_.begin(), touched_.end(), user.account) == touched_.end()) {
      touched_.push_back(user.account);
    }
    user.version += 1;
    user.clock_ms = std::max(now_ms_, user.clock_ms + 1);
    return user.clock_ms;
  }

  void SaveUsers() {
    for (auto& u : users_) txn_.UpdateUser(app_.id, *u);
  }

  bool IsAlive(UserId owner, UserId peer) {
    auto edge = txn_.FindEdge(app_.id, owner, peer);
    return edge && edge->alive;
  }

  // Makes owner -> peer alive (reviving a tombstone keeps its fields), then applies `fields`.
  // Does nothing if it is alive already and there are no fields to set.
  Status MakeAlive(User& owner, User& peer, const EdgeFields& fields, std::string_view source) {
    auto existing = txn_.FindEdge(app_.id, owner.id, peer.id);
    FriendEdge edge;
    if (existing) edge = std::move(*existing);
    bool revive = !edge.alive;
    if (revive && owner.friend_count >= app_.limits.max_friends) {
      return {Code::kFriendLimit, "'" + owner.account + "' has reached the friend limit of " +
                                      std::to_string(app_.limits.max_friends)};
    }
    EdgeFields before = edge.fields;
    Apply(fields, edge.fields);
    bool fields_changed =
        before.alias != edge.fields.alias || before.ex != edge.fields.ex ||
        before.serverex != edge.fields.serverex || before.description != edge.fields.description ||
        before.phone != edge.fields.phone || before.region != edge.fields.region ||
        before.image_uri != edge.fields.image_uri;
    if (!revive && !fields_changed) return Status::Ok();
    edge.owner = owner.id;
    edge.peer = peer.id;
    edge.peer_account = peer.account;
    int64_t t = Tick(owner);
    if (revive) {
      ++owner.friend_count;
      edge.alive = true;
      edge.peer_alive = TouchReverse(peer, owner.id, /*owner_alive=*/true);
      edge.created_ms = t;
      edge.source = std::string(source);
    }
    edge.updated_ms = t;
    edge.version = owner.version;
    txn_.PutEdge(app_.id, edge);
    return Status::Ok();
  }

  // Tombstones owner -> peer; false if it was not alive.
  bool Tombstone(User& owner, User& peer, bool drop_alias) {
    auto edge = txn_.FindEdge(app_.id, owner.id, peer.id);
    if (!edge || !edge->alive) return false;
    edge->alive = false;
    --owner.friend_count;
    if (drop_alias) edge->fields.alias.reset();
    edge->updated_ms = Tick(owner);
    edge->version = owner.version;
    txn_.PutEdge(app_.id, *edge);
    TouchReverse(peer, owner.id, /*owner_alive=*/false);
    return true;
  }

  // owner -> peer changed alive state, so peer's edge back (if alive) now shows a different
  // bidirection: it records the new state and takes a new version so that peer's incremental
  // sync reports it. A tombstone's peer_alive is refreshed when it comes back to life.
  // Returns whether peer's edge back is alive.
  bool TouchReverse(User& peer, UserId owner, bool owner_alive) {
    auto back = txn_.FindEdge(app_.id, peer.id, owner);
    if (!back || !back->alive) return false;
    back->peer_alive = owner_alive;
    back->updated_ms = Tick(peer);
    back->version = peer.version;
    txn_.PutEdge(app_.id, *back);
    return true;
  }

  // Sets a request's state, telling both of its users.
  void PutRequest(FriendRequest request, User& from, User& to) {
    request.updated_ms = Tick(from);
    request.from_version = from.version;
    Tick(to);
    request.to_version = to.version;
    if (request.created_ms == 0) request.created_ms = request.updated_ms;
    txn_.PutRequest(app_.id, request);
  }

  // Marks pending requests between a and b (either way) as accepted.
  void AcceptPending(User& a, User& b) {
    for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
      auto request = txn_.FindRequest(app_.id, from->id, to->id);
      if (request && request->state == RequestState::kPending) {
        request->state = RequestState::kAccepted;
        PutRequest(*request, *from, *to);
      }
    }
  }

  // Both edges alive, pending requests between them settled.
  Status BefriendBoth(User& owner, User& peer, const EdgeFields& owner_fields,
                      std::string_view source) {
    if (Status s = MakeAlive(owner, peer, owner_fields, source); !s.ok()) return s;
    if (Status s = MakeAlive(peer, owner, {}, source); !s.ok()) return s;
    AcceptPending(owner, peer);
    return Status::Ok();
  }

 private:
  WriteTxn& txn_;
  const AppContext& app_;
  int64_t now_ms_;
  std::vector<std::unique_ptr<User>> users_;
  std::vector<std::string> touched_;
};

// Loads two distinct users or says why not.
Status LoadPair(Change& change, std::string_view a, std::string_view b, User*& ua, User*& ub) {
  if (NormalizeAccount(a) == NormalizeAccount(b)) {
    return {Code::kInvalidArgument, "a user cannot be their own friend"};
  }
  ua = change.Load(a);
  if (!ua) return UserNotFound(a);
  ub = change.Load(b);
  if (!ub) return UserNotFound(b);
  return Status::Ok();
}

}  // namespace

template <typename T, typename Job>
void FriendService::Submit(const AppContext& app, Callback<T> done, Job job) {
  auto out = std::make_shared<std::optional<T>>();
  auto touched = std::make_shared<std::vector<std::string>>();
  store_.Write(
      [this, app, out, touched, job = std::move(job)](WriteTxn& txn) -> Status {
        Change change(txn, app, clock_.NowMs());
        Result<T> result = job(change);
        if (!result.ok()) return result.status();
        *out = std::move(result).value();
        *touched = change.touched();
        return Status::Ok();
      },
      [this, app_id = app.id, out, touched, done = std::move(done)](const Status& status) {
        if (!status.ok()) return done(status);
        // Committed: drop stale lists before anyone hears of the change.
        if (cache_ && !touched->empty()) cache_->Drop(app_id, *touched);
        done(std::move(**out));
      });
}

void FriendService::CreateUser(const AppContext& app, NewUser user, Callback<User> done) {
  Submit<User>(app, std::move(done), [app, user = std::move(user)](Change& change) -> Result<User> {
    WriteTxn& txn = change.txn();
    int64_t now = change.now_ms();
    User u;
    u.account = NormalizeAccount(user.account);
    if (u.account.empty()) return Status(Code::kInvalidArgument, "account is empty");
    if (txn.FindUser(app.id, u.account)) {
      return Status(Code::kAlreadyExists, "user '" + u.account + "' already exists");
    }
    u.profile = user.profile;
    u.token = user.token;
    u.add_policy = user.add_policy;
    u.created_ms = u.updated_ms = now;
    u.id = txn.InsertUser(app.id, u);
    return u;
  });
}

void FriendService::UpdateUser(const AppContext& app, std::string account, UserUpdate update,
                               Callback<User> done) {
  Submit<User>(app, std::move(done),
               [app, account = std::move(account),
                update = std::move(update)](Change& change) -> Result<User> {
                 WriteTxn& txn = change.txn();
                 int64_t now = change.now_ms();
                 auto u = txn.FindUser(app.id, NormalizeAccount(account));
                 if (!u) return UserNotFound(account);
                 Apply(update.profile, u->profile);
                 if (update.token) u->token = *update.token;
                 if (update.add_policy) u->add_policy = *update.add_policy;
                 u->updated_ms = now;
                 txn.UpdateUser(app.id, *u);
                 return std::move(*u);
               });
}

Result<User> FriendService::GetUser(const AppContext& app, std::string_view account) {
  std::optional<User> user;
  Status s =
      store_.Read([&](ReadTxn& txn) { user = txn.FindUser(app.id, NormalizeAccount(account)); });
  if (!s.ok()) return s;
  if (!user) return UserNotFound(account);
  return std::move(*user);
}

Result<std::vector<User>> FriendService::GetUsers(const AppContext& app,
                                                  const std::vector<std::string>& accounts) {
  std::vector<User> users;
  Status s = store_.Read([&](ReadTxn& txn) {
    for (const auto& account : accounts) {
      if (auto u = txn.FindUser(app.id, NormalizeAccount(account))) users.push_back(std::move(*u));
    }
  });
  if (!s.ok()) return s;
  return users;
}

void FriendService::Add(const AppContext& app, AddArgs args, Callback<AddOutcome> done) {
  Submit<AddOutcome>(
      app, std::move(done), [app, args = std::move(args)](Change& change) -> Result<AddOutcome> {
        WriteTxn& txn = change.txn();
        User *owner, *peer;
        if (Status s = LoadPair(change, args.owner, args.peer, owner, peer); !s.ok()) return s;
        if (txn.HasRelation(app.id, peer->id, owner->id, Relation::kBlock)) {
          return Status(Code::kBlocked,
                        "'" + peer->account + "' has blocked '" + owner->account + "'");
        }
        auto befriend = [&]() -> Result<AddOutcome> {
          if (Status s = change.BefriendBoth(*owner, *peer, args.fields, args.source); !s.ok()) {
            return s;
          }
          change.SaveUsers();
          return AddOutcome::kFriends;
        };
        if (args.mode == AddMode::kDirect) return befriend();

        if (change.IsAlive(owner->id, peer->id) && change.IsAlive(peer->id, owner->id)) {
          return Status(Code::kAlreadyFriends,
                        "'" + owner->account + "' and '" + peer->account + "' are already friends");
        }
        auto crossing = txn.FindRequest(app.id, peer->id, owner->id);
        if (crossing && crossing->state == RequestState::kPending) return befriend();
        if (peer->add_policy == AddPolicy::kAllowAny) return befriend();
        if (peer->add_policy == AddPolicy::kDenyAny) {
          return Status(Code::kRefusedByPolicy,
                        "'" + peer->account + "' accepts no friend requests");
        }
        FriendRequest request;
        if (auto existing = txn.FindRequest(app.id, owner->id, peer->id);
            existing && existing->state == RequestState::kPending) {
          request = std::move(*existing);  // a refresh keeps the first creation time
        }
        request.from = owner->id;
        request.to = peer->id;
        request.message = args.message;
        request.source = args.source;
        request.state = RequestState::kPending;
        change.PutRequest(std::move(request), *owner, *peer);
        change.SaveUsers();
        return AddOutcome::kRequestSent;
      });
}

void FriendService::Respond(const AppContext& app, std::string recipient, std::string requester,
                            Answer answer, Callback<bool> done) {
  Submit<bool>(
      app, std::move(done),
      [app, recipient = std::move(recipient), requester = std::move(requester),
       answer](Change& change) -> Result<bool> {
        WriteTxn& txn = change.txn();
        User *to, *from;
        if (Status s = LoadPair(change, recipient, requester, to, from); !s.ok()) return s;
        auto request = txn.FindRequest(app.id, from->id, to->id);
        if (!request || request->state != RequestState::kPending) {
          return Status(Code::kNoPendingRequest,
                        "no pending request from '" + from->account + "' to '" + to->account + "'");
        }
        if (answer == Answer::kAccept) {
          if (txn.HasRelation(app.id, from->id, to->id, Relation::kBlock)) {
            return Status(Code::kBlocked,
                          "'" + from->account + "' has blocked '" + to->account + "' since asking");
          }
          if (Status s = change.BefriendBoth(*to, *from, {}, request->source); !s.ok()) return s;
        } else {
          request->state =
              answer == Answer::kRefuse ? RequestState::kRefused : RequestState::kIgnored;
          change.PutRequest(std::move(*request), *from, *to);
        }
        change.SaveUsers();
        return true;
      });
}

void FriendService::Delete(const AppContext& app, DeleteArgs args, Callback<bool> done) {
  Submit<bool>(app, std::move(done), [app, args = std::move(args)](Change& change) -> Result<bool> {
    User *owner, *peer;
    if (Status s = LoadPair(change, args.owner, args.peer, owner, peer); !s.ok()) {
      return s;
    }
    if (!change.Tombstone(*owner, *peer, args.drop_alias)) {
      return Status(Code::kNotFriends,
                    "'" + peer->account + "' is not a friend of '" + owner->account + "'");
    }
    if (args.both) change.Tombstone(*peer, *owner, args.drop_alias);
    change.SaveUsers();
    return true;
  });
}

void FriendService::UpdateEdge(const AppContext& app, std::string owner, std::string peer,
                               EdgeFields fields, Callback<bool> done) {
  Submit<bool>(app, std::move(done),
               [app, owner = std::move(owner), peer = std::move(peer),
                fields = std::move(fields)](Change& change) -> Result<bool> {
                 User *o, *p;
                 if (Status s = LoadPair(change, owner, peer, o, p); !s.ok()) return s;
                 if (!change.IsAlive(o->id, p->id)) {
                   return Status(Code::kNotFriends,
                                 "'" + p->account + "' is not a friend of '" + o->account + "'");
                 }
                 if (Status s = change.MakeAlive(*o, *p, fields, ""); !s.ok()) return s;
                 change.SaveUsers();
                 return true;
               });
}

Result<std::vector<FriendView>> FriendService::ListFriends(const AppContext& app,
                                                           std::string_view owner, int64_t since_ms,
                                                           bool include_tombstones) {
  std::string account = NormalizeAccount(owner);
  bool whole_list = since_ms <= 0 && !include_tombstones;
  FriendListCache::Ticket ticket{};
  if (whole_list && cache_) {
    if (auto cached = cache_->Find(app.id, account, &ticket)) return *cached;
  }
  std::vector<FriendView> friends;
  bool found = false;
  Status s = store_.Read([&](ReadTxn& txn) {
    auto u = txn.FindUser(app.id, account);
    if (!u) return;
    found = true;
    friends = txn.ListFriends(app.id, u->id, since_ms, include_tombstones);
  });
  if (!s.ok()) return s;
  if (!found) return UserNotFound(owner);
  if (whole_list && cache_) {
    cache_->Install(app.id, account, ticket,
                    std::make_shared<const std::vector<FriendView>>(friends));
  }
  return friends;
}

Result<FriendView> FriendService::GetFriend(const AppContext& app, std::string_view owner,
                                            std::string_view peer) {
  Status result;
  FriendView view;
  Status s = store_.Read([&](ReadTxn& txn) {
    auto o = txn.FindUser(app.id, NormalizeAccount(owner));
    if (!o) return void(result = UserNotFound(owner));
    auto p = txn.FindUser(app.id, NormalizeAccount(peer));
    if (!p) return void(result = UserNotFound(peer));
    auto edge = txn.FindEdge(app.id, o->id, p->id);
    if (!edge || !edge->alive) {
      result =
          Status(Code::kNotFriends, "'" + p->account + "' is not a friend of '" + o->account + "'");
      return;
    }
    auto back = txn.FindEdge(app.id, p->id, o->id);
    view.edge = std::move(*edge);
    view.peer_account = p->account;
    view.bidirectional = back && back->alive;
  });
  if (!s.ok()) return s;
  if (!result.ok()) return result;
  return view;
}

void FriendService::SetRelation(const AppContext& app, std::string owner, std::string peer,
                                Relation kind, bool on, Callback<bool> done) {
  Submit<bool>(
      app, std::move(done),
      [app, owner = std::move(owner), peer = std::move(peer), kind,
       on](Change& change) -> Result<bool> {
        WriteTxn& txn = change.txn();
        User *o, *p;
        if (Status s = LoadPair(change, owner, peer, o, p); !s.ok()) return s;
        int64_t limit = kind == Relation::kBlock ? app.limits.max_blocks : app.limits.max_mutes;
        if (on && !txn.HasRelation(app.id, o->id, p->id, kind) &&
            txn.CountRelations(app.id, o->id, kind) >= limit) {
          return Status(Code::kRelationLimit,
                        "'" + o->account + "' has reached the limit of " + std::to_string(limit));
        }
        txn.PutRelation(app.id, o->id, p->id, kind, on, change.now_ms());
        return true;
      });
}

Result<Relations> FriendService::ListRelations(const AppContext& app, std::string_view owner) {
  Relations out;
  bool found = false;
  Status s = store_.Read([&](ReadTxn& txn) {
    auto u = txn.FindUser(app.id, NormalizeAccount(owner));
    if (!u) return;
    found = true;
    out.blocked = txn.ListRelations(app.id, u->id, Relation::kBlock);
    out.muted = txn.ListRelations(app.id, u->id, Relation::kMute);
  });
  if (!s.ok()) return s;
  if (!found) return UserNotFound(owner);
  return out;
}

}  // namespace fg
