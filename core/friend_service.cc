#include "core/friend_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>
#include <memory>
#include <optional>
#include <unordered_map>

#include "core/dry_run_txn.h"

namespace fg {
namespace {

// Runs a completion, containing what it throws: a buggy answer must not take a thread down.
template <typename F>
void Guarded(F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    spdlog::error("event=completion_exception error=\"{}\"", e.what());
  } catch (...) {
    spdlog::error("event=completion_exception error=unknown");
  }
}

// Where a page starts: `first` for the first page, else the key the cursor holds.
Result<int64_t> FirstKey(std::string_view cursor, ListKind kind, int64_t list_id, int64_t first) {
  if (cursor.empty()) return first;
  return DecodeCursor(cursor, kind, list_id);
}

// The page of `list` (its owner's alive friends, any order) that keyset paging by peer id gives:
// the same items the store's ListFriendsAfter would, in O(size of the list).
Result<Page<FriendView>> PageOf(const PackedFriends& list, std::string_view cursor, size_t limit) {
  auto after = FirstKey(cursor, ListKind::kFriends, list.owner(), 0);
  if (!after.ok()) return after.status();
  std::vector<FriendRef> next;
  for (const FriendRef& f : list) {
    if (f.peer > after.value()) next.push_back(f);
  }
  auto by_peer = [](const FriendRef& a, const FriendRef& b) { return a.peer < b.peer; };
  Page<FriendView> page;
  size_t take = std::min(limit, next.size());
  std::partial_sort(next.begin(), next.begin() + static_cast<std::ptrdiff_t>(take), next.end(),
                    by_peer);
  for (size_t i = 0; i < take; ++i) page.items.push_back(ToView(next[i]));
  if (next.size() > limit) {
    page.next_cursor = EncodeCursor(ListKind::kFriends, list.owner(), page.items.back().edge.peer);
  }
  return page;
}

// The user `ref` names for a call of `app`; kUserNotFound, or kInvalidArgument for an app that
// is not linked.
Result<User> FindRef(ReadTxn& txn, const AppContext& app, const UserRef& ref) {
  auto key = ResolveUser(app, ref);
  if (!key.ok()) return key.status();
  auto user = txn.FindUser(key.value().app, key.value().account);
  if (!user) return UserNotFound(ref.account);
  return std::move(*user);
}

// `items`, shared, without spare capacity: a read list grows by doubling, and a cache would
// otherwise count (and keep) up to twice what the list needs.
template <typename Item>
std::shared_ptr<const std::vector<Item>> SharedList(std::vector<Item> items) {
  items.shrink_to_fit();
  return std::make_shared<const std::vector<Item>>(std::move(items));
}

}  // namespace

FriendService::FriendService(Store& store, Clock& clock, Executor& completions,
                             FriendListCache* cache, UserCache* users, PeerRowsCache* rows,
                             bool warm_writes)
    : ctx_{&store, &clock, &completions, cache, users, rows}, warm_writes_(warm_writes) {
  assert((!cache && !users && !rows) || store.sole_writer());
}

template <typename T, typename Rule>
void FriendService::Submit(const AppContext& app, Callback<T> done, Rule rule) {
  // Filled by the job's last run (a store may run a job more than once).
  struct Outcome {
    std::optional<T> value;
    std::vector<UserKey> touched;
    std::vector<UserId> profiles_changed;
    std::vector<UserKey> rows_changed;
  };
  auto out = std::make_shared<Outcome>();
  Context ctx = ctx_;
  // Shared by the warming run and the real one (a rule may hold a bulk import's pairs).
  auto shared_rule = std::make_shared<const Rule>(std::move(rule));
  auto write = [ctx, app, out, rule = shared_rule, done = std::move(done)]() mutable {
    ctx.store->Write(
        [ctx, app, out, rule](WriteTxn& txn) -> Status {
          Change change(txn, app, ctx.clock->NowMs());
          Result<T> result = (*rule)(change);
          if (!result.ok()) return result.status();
          out->value = std::move(result).value();
          out->touched = change.touched();
          out->profiles_changed = change.profiles_changed();
          out->rows_changed = change.rows_changed();
          return Status::Ok();
        },
        [ctx, out, done = std::move(done)](const Status& status) mutable {
          // Committed: drop stale lists before anyone hears of the change.
          if (status.ok() && ctx.cache && !out->touched.empty()) ctx.cache->Drop(out->touched);
          if (status.ok() && ctx.users && !out->profiles_changed.empty()) {
            ctx.users->Drop(out->profiles_changed);
          }
          if (status.ok() && ctx.rows && !out->rows_changed.empty()) {
            ctx.rows->Drop(out->rows_changed);
          }
          ctx.completions->Post([status, out, done = std::move(done)] {
            Guarded([&] {
              if (!status.ok()) return done(status);
              done(std::move(*out->value));
            });
          });
        });
  };
  if (!warm_writes_) return write();
  // The rule runs first on a reader, its writes discarded (DryRunTxn), to bring the rows it
  // reads into memory; whatever comes of it, the real run follows.
  ctx.store->Read(
      [ctx, app, rule = std::move(shared_rule)](ReadTxn& txn) -> Status {
        DryRunTxn dry(txn);
        Change change(dry, app, ctx.clock->NowMs());
        (void)(*rule)(change);
        return Status::Ok();
      },
      [write = std::move(write)](const Status&) mutable { write(); });
}

template <typename T, typename ReadFn>
void FriendService::Query(Callback<T> done, ReadFn read) {
  auto out = std::make_shared<std::optional<Result<T>>>();
  Context ctx = ctx_;
  ctx.store->Read(
      [out, read = std::move(read)](ReadTxn& txn) -> Status {
        out->emplace(read(txn));
        return Status::Ok();
      },
      [ctx, out, done = std::move(done)](const Status& status) mutable {
        ctx.completions->Post([status, out, done = std::move(done)] {
          Guarded([&] {
            if (!status.ok()) return done(status);
            done(std::move(**out));
          });
        });
      });
}

void FriendService::CreateUser(const AppContext& app, NewUser user, Callback<User> done) {
  Submit<User>(app, std::move(done),
               [user = std::move(user)](Change& change) { return CreateUserRule(change, user); });
}

void FriendService::CreateUsers(const AppContext& app, std::vector<NewUser> users,
                                Callback<std::vector<User>> done) {
  Submit<std::vector<User>>(app, std::move(done), [users = std::move(users)](Change& change) {
    return CreateUsersRule(change, users);
  });
}

void FriendService::EnsureUser(const AppContext& app, UserRef user, Callback<User> done) {
  Submit<User>(app, std::move(done),
               [user = std::move(user)](Change& change) { return EnsureUserRule(change, user); });
}

void FriendService::UpdateUser(const AppContext& app, UserRef user, UserUpdate update,
                               Callback<User> done) {
  Submit<User>(app, std::move(done),
               [user = std::move(user), update = std::move(update)](Change& change) {
                 return UpdateUserRule(change, user, update);
               });
}

void FriendService::GetUser(const AppContext& app, UserRef user, Callback<User> done) {
  Query<User>(std::move(done), [app, user = std::move(user)](ReadTxn& txn) -> Result<User> {
    return FindRef(txn, app, user);
  });
}

void FriendService::GetUsers(const AppContext& app, std::vector<UserRef> users,
                             Callback<std::vector<User>> done) {
  Query<std::vector<User>>(
      std::move(done), [app, users = std::move(users)](ReadTxn& txn) -> Result<std::vector<User>> {
        std::vector<User> found;
        for (const auto& ref : users) {
          if (auto u = FindRef(txn, app, ref); u.ok()) found.push_back(std::move(u).value());
        }
        return found;
      });
}

void FriendService::GetProfiles(std::vector<std::pair<AppId, UserId>> ids,
                                Callback<std::vector<UserCache::Entry>> done) {
  std::vector<UserCache::Entry> found(ids.size());
  std::vector<size_t> missing;
  std::vector<UserCache::Ticket> tickets;
  for (size_t i = 0; i < ids.size(); ++i) {
    UserCache::Ticket ticket{};
    if (ctx_.users) found[i] = ctx_.users->Find(ids[i].second, &ticket);
    if (!found[i]) {
      missing.push_back(i);
      tickets.push_back(ticket);
    }
  }
  if (missing.empty()) return done(std::move(found));
  Query<std::vector<UserCache::Entry>>(
      std::move(done),
      [ids = std::move(ids), found = std::move(found), missing = std::move(missing),
       tickets = std::move(tickets),
       cache = ctx_.users](ReadTxn& txn) -> Result<std::vector<UserCache::Entry>> {
        std::vector<UserCache::Entry> out = found;  // the job may run more than once
        for (size_t j = 0; j < missing.size(); ++j) {
          auto [app, id] = ids[missing[j]];
          auto user = txn.FindUserById(app, id);
          if (!user) continue;
          out[missing[j]] = UserCache::Card(std::move(*user));
          if (cache) cache->Install(tickets[j], out[missing[j]]);
        }
        return out;
      });
}

void FriendService::GetPeople(const AppContext& app, std::optional<UserRef> viewer,
                              std::vector<UserRef> users,
                              Callback<std::vector<std::optional<Person>>> done) {
  Query<std::vector<std::optional<Person>>>(
      std::move(done),
      [app, viewer = std::move(viewer),
       users = std::move(users)](ReadTxn& txn) -> Result<std::vector<std::optional<Person>>> {
        std::optional<User> v;
        if (viewer) {
          auto found = FindRef(txn, app, *viewer);
          if (!found.ok()) return found.status();
          v = std::move(found).value();
        }
        std::vector<std::optional<Person>> out;
        out.reserve(users.size());
        for (const auto& ref : users) {
          auto u = FindRef(txn, app, ref);
          if (!u.ok()) {
            out.emplace_back();
            continue;
          }
          Person p;
          if (v) p.edge = txn.FindEdge(v->app, v->id, u.value().id);
          p.user = std::move(u).value();
          out.push_back(std::move(p));
        }
        return out;
      });
}

void FriendService::DeleteUser(const AppContext& app, UserRef user, Callback<bool> done) {
  Submit<bool>(app, std::move(done),
               [user = std::move(user)](Change& change) { return DeleteUserRule(change, user); });
}

void FriendService::ListUsersPage(const AppContext& app, std::string cursor, size_t limit,
                                  Callback<Page<User>> done) {
  Query<Page<User>>(
      std::move(done),
      [app_id = app.id, cursor = std::move(cursor), limit](ReadTxn& txn) -> Result<Page<User>> {
        auto after = FirstKey(cursor, ListKind::kUsers, app_id, 0);
        if (!after.ok()) return after.status();
        Page<User> page;
        page.items = txn.ListUsersAfter(app_id, after.value(), limit + 1);
        if (page.items.size() > limit) {
          page.items.resize(limit);
          page.next_cursor = EncodeCursor(ListKind::kUsers, app_id, page.items.back().id);
        }
        return page;
      });
}

void FriendService::Add(const AppContext& app, AddArgs args, Callback<AddOutcome> done) {
  Submit<AddOutcome>(app, std::move(done),
                     [args = std::move(args)](Change& change) { return AddRule(change, args); });
}

void FriendService::Respond(const AppContext& app, UserRef recipient, UserRef requester,
                            Answer answer, std::string reply, Callback<bool> done) {
  Submit<bool>(app, std::move(done),
               [recipient = std::move(recipient), requester = std::move(requester), answer,
                reply = std::move(reply)](Change& change) {
                 return RespondRule(change, recipient, requester, answer, reply);
               });
}

void FriendService::Delete(const AppContext& app, DeleteArgs args, Callback<bool> done) {
  Submit<bool>(app, std::move(done),
               [args = std::move(args)](Change& change) { return DeleteRule(change, args); });
}

void FriendService::UpdateEdge(const AppContext& app, UserRef owner, UserRef peer,
                               EdgeFields fields, bool any_row, Callback<bool> done) {
  Submit<bool>(
      app, std::move(done),
      [owner = std::move(owner), peer = std::move(peer), fields = std::move(fields),
       any_row](Change& change) { return UpdateEdgeRule(change, owner, peer, fields, any_row); });
}

void FriendService::ImportFriends(const AppContext& app,
                                  std::vector<std::pair<UserRef, UserRef>> pairs,
                                  Callback<size_t> done) {
  Submit<size_t>(app, std::move(done), [pairs = std::move(pairs)](Change& change) {
    return ImportFriendsRule(change, pairs);
  });
}

void FriendService::ListFriends(const AppContext& app, UserRef owner, int64_t since_ms,
                                bool include_tombstones, size_t limit, Callback<FriendList> done) {
  auto key = ResolveUser(app, owner);
  if (!key.ok()) return done(key.status());
  bool whole_list = since_ms <= 0 && !include_tombstones;
  FriendListCache* cache = whole_list ? ctx_.cache : nullptr;
  FriendListCache::Ticket ticket{};
  if (cache) {
    if (FriendList cached = cache->Find(key.value().app, key.value().account, &ticket)) {
      // Inline, on the caller's thread: guarded like a store completion.
      return Guarded([&] { done(std::move(cached)); });
    }
  }
  // A list the cache can hold is read whole, so that the next read finds it.
  if (cache) limit = SIZE_MAX;
  Query<FriendList>(std::move(done),
                    [key = std::move(key).value(), owner = std::move(owner.account), since_ms,
                     include_tombstones, limit, cache, ticket](ReadTxn& txn) -> Result<FriendList> {
                      auto id = txn.FindUserId(key.app, key.account);
                      if (!id) return UserNotFound(owner);
                      FriendList list = MakeFriendList(
                          key.app, *id,
                          txn.ListFriends(key.app, *id, since_ms, include_tombstones, limit));
                      if (cache) cache->Install(key.app, key.account, ticket, list);
                      return list;
                    });
}

void FriendService::ListFriendsPage(const AppContext& app, UserRef owner, std::string cursor,
                                    size_t limit, Callback<Page<FriendView>> done) {
  auto key = ResolveUser(app, owner);
  if (!key.ok()) return done(key.status());
  AppId app_id = key.value().app;
  std::string account = std::move(key).value().account;
  FriendListCache::Ticket ticket{};
  if (ctx_.cache) {
    // A page of a cached whole list answers inline.
    if (FriendList cached = ctx_.cache->Find(app_id, account, &ticket)) {
      return Guarded([&] { done(PageOf(*cached, cursor, limit)); });
    }
  }
  Query<Page<FriendView>>(
      std::move(done),
      [app_id, account, owner = std::move(owner.account), cursor = std::move(cursor), limit,
       cache = ctx_.cache, ticket](ReadTxn& txn) -> Result<Page<FriendView>> {
        auto id = txn.FindUserId(app_id, account);
        if (!id) return UserNotFound(owner);
        if (cache) {
          // Read the whole list once (it is at most max_friends long) so that the next pages
          // come from memory.
          FriendList list = MakeFriendList(
              app_id, *id, txn.ListFriends(app_id, *id, 0, /*include_tombstones=*/false, SIZE_MAX));
          cache->Install(app_id, account, ticket, list);
          return PageOf(*list, cursor, limit);
        }
        auto after = FirstKey(cursor, ListKind::kFriends, *id, 0);
        if (!after.ok()) return after.status();
        Page<FriendView> page;
        page.items = txn.ListFriendsAfter(app_id, *id, after.value(), limit + 1);
        if (page.items.size() > limit) {
          page.items.resize(limit);
          page.next_cursor = EncodeCursor(ListKind::kFriends, *id, page.items.back().edge.peer);
        }
        return page;
      });
}

void FriendService::GetFriend(const AppContext& app, UserRef owner, UserRef peer,
                              Callback<FriendView> done) {
  Query<FriendView>(
      std::move(done),
      [app, owner = std::move(owner), peer = std::move(peer)](ReadTxn& txn) -> Result<FriendView> {
        auto o = FindRef(txn, app, owner);
        if (!o.ok()) return o.status();
        auto p = FindRef(txn, app, peer);
        if (!p.ok()) return p.status();
        auto edge = txn.FindEdge(o->app, o->id, p->id);
        if (!edge || !edge->alive) {
          return Status(Code::kNotFriends,
                        "'" + p->account + "' is not a friend of '" + o->account + "'");
        }
        auto back = txn.FindEdge(p->app, p->id, o->id);
        FriendView view;
        view.edge = std::move(*edge);
        view.peer_account = p->account;
        view.bidirectional = back && back->alive;
        return view;
      });
}

void FriendService::ListRequests(const AppContext& app, UserRef user, int64_t cursor_ms,
                                 bool newest_first, size_t limit,
                                 Callback<std::vector<RequestView>> done) {
  Query<std::vector<RequestView>>(
      std::move(done),
      [app, user = std::move(user), cursor_ms, newest_first,
       limit](ReadTxn& txn) -> Result<std::vector<RequestView>> {
        auto u = FindRef(txn, app, user);
        if (!u.ok()) return u.status();
        std::vector<RequestView> out;
        for (auto& r : txn.ListRequests(u->app, u->id, cursor_ms, newest_first, limit)) {
          RequestView v;
          v.sent = r.from == u->id;
          v.clock_ms = ClockOf(r, u->id);
          auto peer =
              v.sent ? txn.FindUserById(r.to_app, r.to) : txn.FindUserById(r.from_app, r.from);
          if (!peer) continue;  // gone with its requests in the same snapshot: cannot happen
          v.peer = std::move(*peer);
          v.request = std::move(r);
          out.push_back(std::move(v));
        }
        return out;
      });
}

namespace {

// One user's rows (FriendService::ListPeerRows), or only its row with `only` (then with that
// edge's fields in `fields`).
std::vector<PeerRow> ReadRows(ReadTxn& txn, const User& u, const User* only,
                              EdgeFields* fields = nullptr) {
  std::vector<PeerRow> rows;
  std::unordered_map<UserId, size_t> index;  // peer -> its row
  auto row_of = [&](AppId peer_app, UserId id) -> PeerRow& {
    auto [it, added] = index.try_emplace(id, rows.size());
    if (added) {
      rows.emplace_back();
      rows.back().peer_app = peer_app;
      rows.back().peer = id;
    }
    return rows[it->second];
  };
  auto take_edge = [&](FriendEdge& e) {
    PeerRow& row = row_of(e.peer_app, e.peer);
    row.edge = e.alive             ? PeerRow::Edge::kAlive
               : e.created_ms == 0 ? PeerRow::Edge::kNeverAlive
                                   : PeerRow::Edge::kTombstone;
    row.edge_ms = e.updated_ms;
    row.alias = e.fields.alias.value_or("");
    if (fields) *fields = std::move(e.fields);
  };
  std::vector<FriendRequest> requests;
  if (only) {
    if (auto e = txn.FindEdge(u.app, u.id, only->id)) take_edge(*e);
    if (auto r = txn.FindRequest(only->app, u.id, only->id)) requests.push_back(std::move(*r));
    if (auto r = txn.FindRequest(u.app, only->id, u.id)) requests.push_back(std::move(*r));
  } else {
    // since -1: edges that were never alive too (Change::Annotate keeps their fields).
    for (auto& v : txn.ListFriends(u.app, u.id, -1, /*include_tombstones=*/true, SIZE_MAX)) {
      take_edge(v.edge);
    }
    requests = txn.ListRequests(u.app, u.id, INT64_MAX, /*newest_first=*/true,
                                FriendService::kMaxRowRequests);
  }
  for (auto& r : requests) {
    bool sent = r.from == u.id;
    PeerRow& row = sent ? row_of(r.to_app, r.to) : row_of(r.from_app, r.from);
    int64_t at = ClockOf(r, u.id);
    (sent ? row.sent : row.received) = r.state;
    (sent ? row.sent_ms : row.received_ms) = at;
    // The message of the latest request either way.
    if (at >= std::max(row.sent_ms, row.received_ms)) row.message = std::move(r.message);
  }
  if (only && !index.empty()) {
    rows.front().blocked = txn.HasRelation(u.app, u.id, only->id, Relation::kBlock);
  } else if (!only) {
    for (const auto& b :
         txn.ListRelationsBefore(u.app, u.id, Relation::kBlock, INT64_MAX, SIZE_MAX)) {
      if (auto it = index.find(b.peer); it != index.end()) rows[it->second].blocked = true;
    }
  }
  for (PeerRow& row : rows) row.clock_ms = std::max({row.edge_ms, row.sent_ms, row.received_ms});
  std::sort(rows.begin(), rows.end(),
            [](const PeerRow& a, const PeerRow& b) { return a.clock_ms < b.clock_ms; });
  return rows;
}

}  // namespace

void FriendService::ListPeerRows(const AppContext& app, UserRef user, Callback<PeerRows> done) {
  auto key = ResolveUser(app, user);
  if (!key.ok()) return done(key.status());
  PeerRowsCache::Ticket ticket{};
  if (ctx_.rows) {
    if (PeerRows cached = ctx_.rows->Find(key.value().app, key.value().account, &ticket)) {
      // Inline, on the caller's thread: guarded like a store completion.
      return Guarded([&] { done(std::move(cached)); });
    }
  }
  Query<PeerRows>(std::move(done),
                  [key = std::move(key).value(), account = std::move(user.account),
                   cache = ctx_.rows, ticket](ReadTxn& txn) -> Result<PeerRows> {
                    auto u = txn.FindUser(key.app, key.account);
                    if (!u) return UserNotFound(account);
                    auto rows = SharedList(ReadRows(txn, *u, nullptr));
                    if (cache) cache->Install(key.app, key.account, ticket, rows);
                    return PeerRows(rows);
                  });
}

void FriendService::GetPeerDetail(const AppContext& app, UserRef user, UserRef peer,
                                  Callback<std::optional<PeerDetail>> done) {
  Query<std::optional<PeerDetail>>(std::move(done),
                                   [app, user = std::move(user), peer = std::move(peer)](
                                       ReadTxn& txn) -> Result<std::optional<PeerDetail>> {
                                     auto u = FindRef(txn, app, user);
                                     if (!u.ok()) return u.status();
                                     auto p = FindRef(txn, app, peer);
                                     if (!p.ok()) return p.status();
                                     PeerDetail detail;
                                     std::vector<PeerRow> rows =
                                         ReadRows(txn, *u, &p.value(), &detail.fields);
                                     if (rows.empty()) return std::optional<PeerDetail>();
                                     detail.row = std::move(rows.front());
                                     return std::optional<PeerDetail>(std::move(detail));
                                   });
}

void FriendService::GetUserByStAccount(const AppContext& app, std::string st_account,
                                       Callback<User> done) {
  Query<User>(std::move(done),
              [app_id = app.id, st_account = std::move(st_account)](ReadTxn& txn) -> Result<User> {
                auto user = txn.FindUserByStAccount(app_id, st_account);
                if (!user) return Status(Code::kUserNotFound, "no user has this SealTalk number");
                return std::move(*user);
              });
}

void FriendService::ListUsersByMobile(const AppContext& app, std::vector<std::string> mobiles,
                                      size_t limit_each,
                                      Callback<std::vector<std::vector<User>>> done) {
  Query<std::vector<std::vector<User>>>(
      std::move(done),
      [app_id = app.id, mobiles = std::move(mobiles),
       limit_each](ReadTxn& txn) -> Result<std::vector<std::vector<User>>> {
        std::vector<std::vector<User>> out;
        out.reserve(mobiles.size());
        for (const auto& m : mobiles) out.push_back(txn.ListUsersByMobile(app_id, m, limit_each));
        return out;
      });
}

void FriendService::SetAvatar(const AppContext& app, UserRef user, Avatar avatar, std::string url,
                              Callback<Avatar> done) {
  Submit<Avatar>(app, std::move(done),
                 [user = std::move(user), avatar = std::move(avatar), url = std::move(url)](
                     Change& change) { return SetAvatarRule(change, user, avatar, url); });
}

void FriendService::GetAvatarByKey(std::string key, bool with_bytes,
                                   Callback<std::optional<Avatar>> done) {
  Query<std::optional<Avatar>>(
      std::move(done),
      [key = std::move(key), with_bytes](ReadTxn& txn) -> Result<std::optional<Avatar>> {
        return txn.FindAvatarByKey(key, with_bytes);
      });
}

void FriendService::SetRelation(const AppContext& app, UserRef owner, UserRef peer, Relation kind,
                                bool on, Callback<bool> done) {
  Submit<bool>(app, std::move(done),
               [owner = std::move(owner), peer = std::move(peer), kind, on](Change& change) {
                 return SetRelationRule(change, owner, peer, kind, on);
               });
}

void FriendService::SetRelations(const AppContext& app, std::string owner,
                                 std::vector<std::string> peers, Relation kind, bool on,
                                 Callback<bool> done) {
  Submit<bool>(app, std::move(done),
               [owner = std::move(owner), peers = std::move(peers), kind, on](Change& change) {
                 return SetRelationsRule(change, owner, peers, kind, on);
               });
}

void FriendService::ListRelations(const AppContext& app, std::string owner,
                                  Callback<Relations> done) {
  Query<Relations>(std::move(done),
                   [app_id = app.id, owner = std::move(owner)](ReadTxn& txn) -> Result<Relations> {
                     auto u = txn.FindUser(app_id, NormalizeAccount(owner));
                     if (!u) return UserNotFound(owner);
                     Relations out;
                     out.blocked = txn.ListRelations(app_id, u->id, Relation::kBlock);
                     out.muted = txn.ListRelations(app_id, u->id, Relation::kMute);
                     return out;
                   });
}

void FriendService::ListRelationsPage(const AppContext& app, std::string owner, Relation kind,
                                      std::string cursor, size_t limit,
                                      Callback<Page<RelationEntry>> done) {
  Query<Page<RelationEntry>>(
      std::move(done),
      [app_id = app.id, owner = std::move(owner), kind, cursor = std::move(cursor),
       limit](ReadTxn& txn) -> Result<Page<RelationEntry>> {
        auto u = txn.FindUser(app_id, NormalizeAccount(owner));
        if (!u) return UserNotFound(owner);
        ListKind list = kind == Relation::kBlock ? ListKind::kBlocks : ListKind::kMutes;
        auto before = FirstKey(cursor, list, u->id, INT64_MAX);
        if (!before.ok()) return before.status();
        Page<RelationEntry> page;
        page.items = txn.ListRelationsBefore(app_id, u->id, kind, before.value(), limit + 1);
        if (page.items.size() > limit) {
          page.items.resize(limit);
          page.next_cursor = EncodeCursor(list, u->id, page.items.back().seq);
        }
        return page;
      });
}

}  // namespace fg
