#include "store/staged_txn.h"

#include <algorithm>
#include <tuple>
#include <utility>

namespace fg {
namespace {

bool EdgeBefore(const FriendEdge& a, const FriendEdge& b) {
  return std::tie(a.owner, a.peer) < std::tie(b.owner, b.peer);
}
bool SameEdge(const FriendEdge& a, const FriendEdge& b) {
  return a.owner == b.owner && a.peer == b.peer;
}

// Sorts `rows` by key, keeping of each key the one written last.
template <typename Row, typename Before, typename Same>
void KeepLastByKey(std::vector<Row>& rows, Before before, Same same) {
  // Most often written in key order, once each (BufferedEdgeTxn::Flush, Change::Commit).
  auto unordered = std::adjacent_find(rows.begin(), rows.end(),
                                      [&](const Row& a, const Row& b) { return !before(a, b); });
  if (unordered == rows.end()) return;
  std::stable_sort(rows.begin(), rows.end(), before);
  // Of a run of equal keys, the last is the newest: move it to the front of its run.
  auto out = rows.begin();
  for (auto it = rows.begin(); it != rows.end();) {
    auto end = std::find_if_not(it, rows.end(), [&](const Row& r) { return same(r, *it); });
    if (out != end - 1) *out = std::move(*(end - 1));
    ++out;
    it = end;
  }
  rows.erase(out, rows.end());
}

void CopyCounters(const User& from, User& to) {
  to.version = from.version;
  to.clock_ms = from.clock_ms;
  to.friend_count = from.friend_count;
  to.pending_requests = from.pending_requests;
}

}  // namespace

void StagedWrites::WriteTo(WriteTxn& txn) const {
  std::vector<const FriendEdge*> edges;
  edges.reserve(edges_.size());
  for (const FriendEdge& e : edges_) edges.push_back(&e);
  txn.PutEdges(app_, edges);
  for (const User& u : users_) txn.SaveCounters(app_, u);
}

const FriendEdge* StagedWrites::FindEdge(UserId owner, UserId peer) const {
  // A file lists an owner's edges together: most owners are outside an earlier batch's range.
  if (edges_.empty() || owner < edges_.front().owner || owner > edges_.back().owner) {
    return nullptr;
  }
  FriendEdge key;
  key.owner = owner;
  key.peer = peer;
  auto it = std::lower_bound(edges_.begin(), edges_.end(), key, EdgeBefore);
  return it != edges_.end() && SameEdge(*it, key) ? &*it : nullptr;
}

const User* StagedWrites::FindUser(UserId id) const {
  auto it = std::lower_bound(users_.begin(), users_.end(), id,
                             [](const User& u, UserId id) { return u.id < id; });
  return it != users_.end() && it->id == id ? &*it : nullptr;
}

StagedTxn::StagedTxn(ReadTxn& snapshot, AppId app,
                     std::vector<std::shared_ptr<const StagedWrites>> earlier)
    : ForwardingReads(snapshot), app_(app), earlier_(std::move(earlier)) {
  own_.app_ = app;
}

StagedWrites StagedTxn::Take() {
  Settle();
  return std::move(own_);
}

void StagedTxn::Expect(AppId app) const {
  if (app != app_) throw StagingUnsupported("a write to another app");
}

void StagedTxn::Settle() {
  if (settled_) return;
  KeepLastByKey(own_.edges_, EdgeBefore, SameEdge);
  KeepLastByKey(
      own_.users_, [](const User& a, const User& b) { return a.id < b.id; },
      [](const User& a, const User& b) { return a.id == b.id; });
  settled_ = true;
}

User StagedTxn::Current(User user) {
  if (user.app != app_) return user;
  Settle();
  if (const User* own = own_.FindUser(user.id)) {
    CopyCounters(*own, user);
    return user;
  }
  for (auto it = earlier_.rbegin(); it != earlier_.rend(); ++it) {
    if (const User* staged = (*it)->FindUser(user.id)) {
      CopyCounters(*staged, user);
      break;
    }
  }
  return user;
}

std::optional<User> StagedTxn::Current(std::optional<User> user) {
  if (user) *user = Current(std::move(*user));
  return user;
}

const FriendEdge* StagedTxn::NewestEdge(UserId owner, UserId peer) {
  Settle();
  if (const FriendEdge* own = own_.FindEdge(owner, peer)) return own;
  for (auto it = earlier_.rbegin(); it != earlier_.rend(); ++it) {
    if (const FriendEdge* staged = (*it)->FindEdge(owner, peer)) return staged;
  }
  return nullptr;
}

std::optional<User> StagedTxn::FindUser(AppId app, std::string_view account) {
  return Current(ForwardingReads::FindUser(app, account));
}

std::optional<User> StagedTxn::FindUserById(AppId app, UserId id) {
  return Current(ForwardingReads::FindUserById(app, id));
}

std::optional<User> StagedTxn::FindUserByStAccount(AppId app, std::string_view st_account) {
  return Current(ForwardingReads::FindUserByStAccount(app, st_account));
}

std::vector<User> StagedTxn::ListUsersByMobile(AppId app, std::string_view mobile, size_t limit) {
  std::vector<User> users = ForwardingReads::ListUsersByMobile(app, mobile, limit);
  for (User& u : users) u = Current(std::move(u));
  return users;
}

std::vector<User> StagedTxn::ListUsersAfter(AppId app, UserId after_id, size_t limit) {
  std::vector<User> users = ForwardingReads::ListUsersAfter(app, after_id, limit);
  for (User& u : users) u = Current(std::move(u));
  return users;
}

std::optional<FriendEdge> StagedTxn::FindEdge(AppId app, UserId owner, UserId peer) {
  if (app == app_) {
    if (const FriendEdge* e = NewestEdge(owner, peer)) return *e;
  }
  return ForwardingReads::FindEdge(app, owner, peer);
}

std::vector<FriendEdge> StagedTxn::FindEdges(AppId app, UserId owner,
                                             const std::vector<UserId>& peers) {
  if (app != app_) return ForwardingReads::FindEdges(app, owner, peers);
  std::vector<FriendEdge> found;
  std::vector<UserId> unstaged;
  for (UserId peer : peers) {
    if (const FriendEdge* e = NewestEdge(owner, peer)) {
      found.push_back(*e);
    } else {
      unstaged.push_back(peer);
    }
  }
  if (!unstaged.empty()) {
    for (FriendEdge& e : ForwardingReads::FindEdges(app, owner, unstaged)) {
      found.push_back(std::move(e));
    }
    std::sort(found.begin(), found.end(), EdgeBefore);
  }
  return found;
}

std::vector<FriendView> StagedTxn::ListFriends(AppId, UserId, int64_t, bool, size_t) {
  throw StagingUnsupported("ListFriends");
}

std::vector<FriendView> StagedTxn::ListFriendsAfter(AppId, UserId, UserId, size_t) {
  throw StagingUnsupported("ListFriendsAfter");
}

std::vector<User> StagedTxn::LockUsers(const std::vector<UserKey>& keys) {
  std::vector<User> users;
  users.reserve(keys.size());
  for (const UserKey& key : keys) {
    if (auto u = FindUser(key.app, key.account)) users.push_back(std::move(*u));
  }
  return users;
}

void StagedTxn::SaveCounters(AppId app, const User& user) {
  Expect(app);
  own_.users_.push_back(user);
  settled_ = false;
}

void StagedTxn::PutEdge(AppId app, const FriendEdge& edge) {
  Expect(app);
  own_.edges_.push_back(edge);
  settled_ = false;
}

void StagedTxn::PutEdges(AppId app, std::span<const FriendEdge* const> edges) {
  Expect(app);
  own_.edges_.reserve(own_.edges_.size() + edges.size());
  for (const FriendEdge* e : edges) own_.edges_.push_back(*e);
  settled_ = false;
}

std::optional<UserId> StagedTxn::InsertUser(AppId, const User&) {
  throw StagingUnsupported("InsertUser");
}
void StagedTxn::UpdateUserFields(AppId, const User&) {
  throw StagingUnsupported("UpdateUserFields");
}
void StagedTxn::PutRequest(AppId, const FriendRequest&) { throw StagingUnsupported("PutRequest"); }
void StagedTxn::PutAvatar(AppId, const Avatar&) { throw StagingUnsupported("PutAvatar"); }
void StagedTxn::PutRelation(AppId, UserId, AppId, UserId, Relation, bool, int64_t) {
  throw StagingUnsupported("PutRelation");
}
void StagedTxn::DeleteUserRows(AppId, UserId) { throw StagingUnsupported("DeleteUserRows"); }
void StagedTxn::PutSetting(std::string_view, std::string_view) {
  throw StagingUnsupported("PutSetting");
}

}  // namespace fg
