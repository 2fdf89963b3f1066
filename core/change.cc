#include "core/change.h"

#include <algorithm>
#include <unordered_set>

#include "base/encoding.h"

namespace fg {

std::string NormalizeAccount(std::string_view account) { return AsciiLowerCase(account); }

Status UserNotFound(std::string_view account) {
  return {Code::kUserNotFound, "user '" + std::string(account) + "' does not exist"};
}

namespace {

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

bool SameFields(const EdgeFields& a, const EdgeFields& b) {
  return a.alias == b.alias && a.ex == b.ex && a.serverex == b.serverex &&
         a.description == b.description && a.phone == b.phone && a.region == b.region &&
         a.image_uri == b.image_uri;
}

}  // namespace

size_t Change::IndexHash::operator()(const std::pair<AppId, std::string_view>& key) const {
  return std::hash<std::string_view>()(key.second) * 31 + std::hash<AppId>()(key.first);
}

User* Change::Find(const UserKey& key) {
  auto it = index_.find(std::pair<AppId, std::string_view>(key.app, key.account));
  return it == index_.end() ? nullptr : it->second;
}

User* Change::Keep(User user) {
  int64_t version = user.version, pending = user.pending_requests;
  users_.push_back({std::make_unique<User>(std::move(user)), version, pending});
  User* kept = users_.back().user.get();
  index_.emplace(std::pair(kept->app, kept->account), kept);
  return kept;
}

Result<UserKey> Change::Resolve(const UserRef& ref) const { return ResolveUser(app_, ref); }

Result<UserKey> ResolveUser(const AppContext& app, const UserRef& ref) {
  UserKey key{ref.app == 0 ? app.id : ref.app, NormalizeAccount(ref.account)};
  if (key.app != app.id) {
    bool linked = app.group && std::any_of(app.group->begin(), app.group->end(),
                                           [&](const auto& g) { return g.first == key.app; });
    if (!linked) {
      return Status(Code::kInvalidArgument,
                    "app " + std::to_string(key.app) + " is not linked to this app");
    }
  }
  return key;
}

const AppLimits& Change::LimitsOf(AppId app) const {
  if (app != app_.id && app_.group) {
    for (const auto& [id, limits] : *app_.group) {
      if (id == app) return limits;
    }
  }
  return app_.limits;
}

User* Change::Lock(const UserRef& ref) {
  auto key = Resolve(ref);
  if (!key.ok()) return nullptr;
  auto locked = LockMore({key.value()});
  return locked.empty() ? nullptr : locked.front();
}

Status Change::LockPair(const UserRef& a, const UserRef& b, User*& ua, User*& ub) {
  auto ka = Resolve(a);
  if (!ka.ok()) return ka.status();
  auto kb = Resolve(b);
  if (!kb.ok()) return kb.status();
  if (ka.value() == kb.value()) {
    return {Code::kInvalidArgument, "a user cannot be their own friend"};
  }
  if (!Find(ka.value()) || !Find(kb.value())) LockMore({ka.value(), kb.value()});
  ua = Find(ka.value());
  if (!ua) return UserNotFound(a.account);
  ub = Find(kb.value());
  if (!ub) return UserNotFound(b.account);
  return Status::Ok();
}

void Change::MarkTouched(const User& user) {
  if (touched_ids_.insert(user.id).second) touched_.push_back({user.app, user.account});
}

int64_t Change::Tick(User& user) {
  MarkTouched(user);
  return Advance(user);
}

int64_t Change::Advance(User& user) {
  RowsChanged(user);
  user.version += 1;
  user.clock_ms = std::max(now_ms_, user.clock_ms + 1);
  return user.clock_ms;
}

bool Change::IsAlive(const User& owner, const User& peer) {
  auto edge = txn_.FindEdge(owner.app, owner.id, peer.id);
  return edge && edge->alive;
}

Status Change::MakeAlive(User& owner, User& peer, const EdgeFields& fields,
                         std::string_view source) {
  auto existing = txn_.FindEdge(owner.app, owner.id, peer.id);
  FriendEdge edge;
  if (existing) edge = std::move(*existing);
  bool revive = !edge.alive;
  int64_t max_friends = LimitsOf(owner.app).max_friends;
  if (revive && owner.friend_count >= max_friends) {
    return {Code::kFriendLimit, "'" + owner.account + "' has reached the friend limit of " +
                                    std::to_string(max_friends)};
  }
  EdgeFields before = edge.fields;
  Apply(fields, edge.fields);
  if (!revive && SameFields(before, edge.fields)) return Status::Ok();
  edge.owner = owner.id;
  edge.peer = peer.id;
  edge.peer_app = peer.app;
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
  txn_.PutEdge(owner.app, edge);
  return Status::Ok();
}

void Change::Annotate(User& owner, User& peer, const EdgeFields& fields) {
  FriendEdge edge;
  if (auto existing = txn_.FindEdge(owner.app, owner.id, peer.id)) {
    edge = std::move(*existing);
  } else {
    // Never alive: created_ms, updated_ms and version 0, so that no listing or sync shows it
    // (ReadTxn::ListFriends reads edges changed after a time >= 0).
    edge.owner = owner.id;
    edge.peer = peer.id;
    edge.peer_app = peer.app;
    edge.peer_account = peer.account;
  }
  Apply(fields, edge.fields);
  txn_.PutEdge(owner.app, edge);
  RowsChanged(owner);
}

bool Change::Tombstone(User& owner, User& peer, bool drop_alias) {
  auto edge = txn_.FindEdge(owner.app, owner.id, peer.id);
  if (!edge || !edge->alive) return false;
  edge->alive = false;
  --owner.friend_count;
  if (drop_alias) edge->fields.alias.reset();
  edge->updated_ms = Tick(owner);
  edge->version = owner.version;
  txn_.PutEdge(owner.app, *edge);
  TouchReverse(peer, owner.id, /*owner_alive=*/false);
  return true;
}

// A tombstone's peer_alive is refreshed when it comes back to life.
bool Change::TouchReverse(User& peer, UserId owner, bool owner_alive) {
  auto back = txn_.FindEdge(peer.app, peer.id, owner);
  if (!back || !back->alive) return false;
  back->peer_alive = owner_alive;
  back->updated_ms = Tick(peer);
  back->version = peer.version;
  txn_.PutEdge(peer.app, *back);
  return true;
}

void Change::PutRequest(FriendRequest request, bool was_pending, User& from, User& to) {
  bool pending = request.state == RequestState::kPending;
  if (pending != was_pending) {
    from.pending_requests += pending ? 1 : -1;
    to.pending_requests += pending ? 1 : -1;
  }
  request.from_app = from.app;
  // Requests are in no cached list: the users' counters move, their cached lists stay.
  request.updated_ms = Advance(from);
  request.from_version = from.version;
  request.to_clock_ms = Advance(to);
  request.to_version = to.version;
  if (request.created_ms == 0) request.created_ms = request.updated_ms;
  txn_.PutRequest(to.app, request);
}

void Change::DropRequest(const FriendRequest& request, User& other) {
  if (request.state == RequestState::kPending) --other.pending_requests;
  RowsChanged(other);
}

void Change::AcceptPending(User& a, User& b) {
  for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
    if (!MayHavePending(*from, *to)) return;
    auto request = txn_.FindRequest(to->app, from->id, to->id);
    if (request && request->state == RequestState::kPending) {
      request->state = RequestState::kAccepted;
      PutRequest(*request, /*was_pending=*/true, *from, *to);
    }
  }
}

Status Change::BefriendBoth(User& owner, User& peer, const EdgeFields& owner_fields,
                            std::string_view source) {
  // Both edges read once and written at most once each, already knowing that both end alive
  // (bulk imports make thousands of pairs per job).
  auto forward = txn_.FindEdge(owner.app, owner.id, peer.id);
  auto back = txn_.FindEdge(peer.app, peer.id, owner.id);
  bool revive_forward = !forward || !forward->alive;
  bool revive_back = !back || !back->alive;
  for (auto [user, revive] : {std::pair{&owner, revive_forward}, std::pair{&peer, revive_back}}) {
    int64_t max_friends = LimitsOf(user->app).max_friends;
    if (revive && user->friend_count >= max_friends) {
      return {Code::kFriendLimit, "'" + user->account + "' has reached the friend limit of " +
                                      std::to_string(max_friends)};
    }
  }
  EdgeFields forward_fields = forward ? forward->fields : EdgeFields{};
  Apply(owner_fields, forward_fields);
  if (revive_forward || !forward->peer_alive || !SameFields(forward->fields, forward_fields)) {
    WriteAlive(owner, peer, std::move(forward), forward_fields, revive_forward, source);
  }
  if (revive_back || !back->peer_alive) {
    EdgeFields back_fields = back ? back->fields : EdgeFields{};
    WriteAlive(peer, owner, std::move(back), back_fields, revive_back, source);
  }
  AcceptPending(owner, peer);
  return Status::Ok();
}

void Change::WriteAlive(User& owner, User& peer, std::optional<FriendEdge> existing,
                        const EdgeFields& fields, bool revive, std::string_view source) {
  FriendEdge edge = existing ? std::move(*existing) : FriendEdge{};
  edge.owner = owner.id;
  edge.peer = peer.id;
  edge.peer_app = peer.app;
  edge.peer_account = peer.account;
  edge.fields = fields;
  edge.peer_alive = true;
  int64_t t = Tick(owner);
  if (revive) {
    ++owner.friend_count;
    edge.alive = true;
    edge.created_ms = t;
    edge.source = std::string(source);
  }
  edge.updated_ms = t;
  edge.version = owner.version;
  txn_.PutEdge(owner.app, edge);
}

std::vector<User*> Change::LockMore(const std::vector<UserKey>& keys) {
  std::vector<UserKey> missing;
  std::unordered_set<std::pair<AppId, std::string_view>, IndexHash, IndexEqual> asked;
  for (const auto& k : keys) {
    if (!Find(k) && asked.insert({k.app, k.account}).second) missing.push_back(k);
  }
  if (!missing.empty()) {
    for (auto& u : txn_.LockUsers(missing)) Keep(std::move(u));
  }
  std::vector<User*> out;
  for (const auto& k : keys) {
    if (User* u = Find(k)) out.push_back(u);
  }
  return out;
}

User* Change::Adopt(User user) { return Keep(std::move(user)); }

void Change::Forget(const User& user) {
  for (auto& l : users_) {
    if (l.user.get() == &user) l.forgotten = true;
  }
  // Its cached list (even an empty one) and card must go with it.
  MarkTouched(user);
  ProfileChanged(user);
  RowsChanged(user);
}

void Change::Commit() {
  for (auto& l : users_) {
    if (!l.forgotten &&
        (l.user->version != l.loaded_version || l.user->pending_requests != l.loaded_pending)) {
      txn_.SaveCounters(l.user->app, *l.user);
    }
  }
}

}  // namespace fg
