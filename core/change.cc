#include "core/change.h"

#include <algorithm>

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

bool SameFields(const EdgeFields& a, const EdgeFields& b) {
  return a.alias == b.alias && a.ex == b.ex && a.serverex == b.serverex &&
         a.description == b.description && a.phone == b.phone && a.region == b.region &&
         a.image_uri == b.image_uri;
}

}  // namespace

User* Change::Cached(const std::string& account) {
  for (auto& l : users_) {
    if (l.user->account == account) return l.user.get();
  }
  return nullptr;
}

User* Change::Lock(std::string_view account) {
  auto locked = LockMore({NormalizeAccount(account)});
  return locked.empty() ? nullptr : locked.front();
}

Status Change::LockPair(std::string_view a, std::string_view b, User*& ua, User*& ub) {
  std::string ka = NormalizeAccount(a), kb = NormalizeAccount(b);
  if (ka == kb) return {Code::kInvalidArgument, "a user cannot be their own friend"};
  LockMore({ka, kb});
  ua = Cached(ka);
  if (!ua) return UserNotFound(a);
  ub = Cached(kb);
  if (!ub) return UserNotFound(b);
  return Status::Ok();
}

int64_t Change::Tick(User& user) {
  if (std::find(touched_.begin(), touched_.end(), user.account) == touched_.end()) {
    touched_.push_back(user.account);
  }
  user.version += 1;
  user.clock_ms = std::max(now_ms_, user.clock_ms + 1);
  return user.clock_ms;
}

bool Change::IsAlive(UserId owner, UserId peer) {
  auto edge = txn_.FindEdge(app_.id, owner, peer);
  return edge && edge->alive;
}

Status Change::MakeAlive(User& owner, User& peer, const EdgeFields& fields,
                         std::string_view source) {
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
  if (!revive && SameFields(before, edge.fields)) return Status::Ok();
  edge.owner = owner.id;
  edge.peer = peer.id;
  edge.peer_app = app_.id;
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

bool Change::Tombstone(User& owner, User& peer, bool drop_alias) {
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

// A tombstone's peer_alive is refreshed when it comes back to life.
bool Change::TouchReverse(User& peer, UserId owner, bool owner_alive) {
  auto back = txn_.FindEdge(app_.id, peer.id, owner);
  if (!back || !back->alive) return false;
  back->peer_alive = owner_alive;
  back->updated_ms = Tick(peer);
  back->version = peer.version;
  txn_.PutEdge(app_.id, *back);
  return true;
}

void Change::PutRequest(FriendRequest request, User& from, User& to) {
  request.from_app = app_.id;
  request.updated_ms = Tick(from);
  request.from_version = from.version;
  Tick(to);
  request.to_version = to.version;
  if (request.created_ms == 0) request.created_ms = request.updated_ms;
  txn_.PutRequest(app_.id, request);
}

void Change::AcceptPending(User& a, User& b) {
  for (auto [from, to] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
    auto request = txn_.FindRequest(app_.id, from->id, to->id);
    if (request && request->state == RequestState::kPending) {
      request->state = RequestState::kAccepted;
      PutRequest(*request, *from, *to);
    }
  }
}

Status Change::BefriendBoth(User& owner, User& peer, const EdgeFields& owner_fields,
                            std::string_view source) {
  if (Status s = MakeAlive(owner, peer, owner_fields, source); !s.ok()) return s;
  if (Status s = MakeAlive(peer, owner, {}, source); !s.ok()) return s;
  AcceptPending(owner, peer);
  return Status::Ok();
}

std::vector<User*> Change::LockMore(const std::vector<std::string>& accounts) {
  std::vector<std::string> missing;
  for (const auto& a : accounts) {
    if (!Cached(a)) missing.push_back(a);
  }
  if (!missing.empty()) {
    for (auto& u : txn_.LockUsers(app_.id, missing)) {
      int64_t version = u.version;
      users_.push_back({std::make_unique<User>(std::move(u)), version});
    }
  }
  std::vector<User*> out;
  for (const auto& a : accounts) {
    if (User* u = Cached(a)) out.push_back(u);
  }
  return out;
}

void Change::Forget(const User& user) {
  for (auto& l : users_) {
    if (l.user.get() == &user) l.forgotten = true;
  }
  // Its cached list (even an empty one) must go with it.
  if (std::find(touched_.begin(), touched_.end(), user.account) == touched_.end()) {
    touched_.push_back(user.account);
  }
}

void Change::Commit() {
  for (auto& l : users_) {
    if (!l.forgotten && l.user->version != l.loaded_version) txn_.SaveCounters(app_.id, *l.user);
  }
}

}  // namespace fg
