// The 11 /friendship calls of the seed, over core's one graph (docs/sealtalk.md).
#include <atomic>
#include <unordered_set>

#include "dialects/sealtalk/calls.h"
#include "dialects/sealtalk/friendship_status.h"

namespace fg::sealtalk {
namespace {

constexpr size_t kIdChars = 32;  // an id is 11; anything longer names nobody
constexpr size_t kMessageMax = 64;
constexpr size_t kDisplayNameMax = 32;
constexpr size_t kDescriptionMax = 500;
constexpr size_t kImageUriMax = 256;
constexpr size_t kMaxContacts = 500;
constexpr size_t kMaxBatchDelete = 100;
constexpr std::string_view kUnknownFriend = "Unknown friend user or invalid status.";

http::Response ActionAnswer(std::string_view action) {
  http::JsonWriter w;
  w.StartObject().Key("action").String(action).EndObject();
  return ResultAnswer(w);
}

// Reads the friendId every call but /all names, answering 400 when it is missing.
std::optional<std::string> FriendId(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string id = p.Required("friendId", kIdChars);
  if (!p.ok()) {
    c->Answer(BadParameter(p));
    return std::nullopt;
  }
  return id;
}

}  // namespace

void Calls::Invite(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string id = p.Required("friendId", kIdChars);
  if (!p.ok()) return c->Answer(BadParameter(p));
  // Optional: a missing message is an empty one (the peer answers it with a 500).
  std::string message = p.Optional("message", kMessageMax).value_or("");
  if (!p.ok()) {
    return c->Answer(ErrorAnswer(400, "Length of friend request message is out of limit."));
  }
  ResolveId(c, id, "Unknown user.", [this, c, message](const User& peer) {
    if (peer.id == c->me.id) return c->Answer(ErrorAnswer(400, "Can not add yourself."));
    AddArgs args;
    args.owner = c->me.account;
    args.peer = peer.account;
    args.mode = AddMode::kRequest;
    args.message = message;
    args.consent_stands = true;  // else a friend who still has me would never see my request
    service_.Add(c->app.app, std::move(args), [c](Result<AddOutcome> r) {
      if (r.ok()) {
        switch (*r) {
          case AddOutcome::kRequestSent:
            return c->Answer(ActionAnswer("Sent"));
          case AddOutcome::kPeerAllowsAny:
            return c->Answer(ActionAnswer("AddDirectly"));
          case AddOutcome::kAccepted:
          case AddOutcome::kFriends:
            return c->Answer(ActionAnswer("Added"));
        }
      }
      switch (r.status().code()) {
        // They blocked me, take no requests, or are disabled: nothing changes, as the peer
        // answers a blacklisted invite.
        case Code::kBlocked:
        case Code::kRefusedByPolicy:
        case Code::kUserDisabled:
          return c->Answer(ActionAnswer("None"));
        default:
          return c->Answer(RefuseAnswer(r.status()));
      }
    });
  });
}

void Calls::Agree(const CallPtr& c) {
  auto id = FriendId(c);
  if (!id) return;
  ResolveId(c, *id, kUnknownFriend, [this, c](const User& peer) {
    service_.Respond(
        c->app.app, c->me.account, peer.account, Answer::kAccept, "", [c](Result<bool> r) {
          if (r.ok()) return c->Answer(ActionAnswer("Added"));
          // No pending request, or its sender has blocked me since asking.
          if (r.status().code() == Code::kNoPendingRequest || r.status().code() == Code::kBlocked) {
            return c->Answer(ErrorAnswer(404, kUnknownFriend));
          }
          c->Answer(RefuseAnswer(r.status()));
        });
  });
}

void Calls::Ignore(const CallPtr& c) {
  auto id = FriendId(c);
  if (!id) return;
  ResolveId(c, *id, kUnknownFriend, [this, c](const User& peer) {
    service_.Respond(
        c->app.app, c->me.account, peer.account, Answer::kIgnore, "",
        [c](Result<bool> r) { c->Answer(r.ok() ? OkAnswer() : RefuseAnswer(r.status())); });
  });
}

void Calls::Delete(const CallPtr& c) {
  auto id = FriendId(c);
  if (!id) return;
  ResolveId(c, *id, kUnknownFriend, [this, c](const User& peer) {
    // My side only; the display name goes with it, as the peer clears it.
    DeleteArgs args{c->me.account, peer.account, /*both=*/false, /*drop_alias=*/true};
    service_.Delete(c->app.app, std::move(args), [c](Result<bool> r) {
      c->Answer(r.ok() ? OkAnswer() : RefuseAnswer(r.status()));
    });
  });
}

void Calls::SetDisplayName(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string id = p.Required("friendId", kIdChars);
  if (!p.ok()) return c->Answer(BadParameter(p));
  auto name = p.Optional("displayName", kDisplayNameMax);
  if (!p.ok() || !name) {
    return c->Answer(ErrorAnswer(400, "Length of displayName is out of limit."));
  }
  ResolveId(c, id, kUnknownFriend, [this, c, name = std::move(*name)](const User& peer) {
    EdgeFields fields;
    fields.alias = name;
    service_.UpdateEdge(c->app.app, c->me.account, peer.account, std::move(fields),
                        /*any_row=*/false, [c](Result<bool> r) {
                          c->Answer(r.ok() ? OkAnswer() : RefuseAnswer(r.status()));
                        });
  });
}

void Calls::All(const CallPtr& c) {
  service_.ListPeerRows(
      c->app.app, c->me.account, [self = shared_from_this(), c](Result<PeerRows> listed) {
        if (!listed.ok()) return c->Answer(RefuseAnswer(listed.status()));
        PeerRows rows = std::move(listed).value();
        AppId app = c->app.app.id;
        ListingCache::Entry kept = self->listings_.Find(app, c->me.id);
        if (kept && kept->rows == rows) {
          // The same rows show the same peers: their cards decide whether the answer stands.
          return self->service_.GetProfiles(
              kept->peers, [self, c, kept](Result<std::vector<UserCache::Entry>> cards) {
                if (!cards.ok()) return c->Answer(RefuseAnswer(cards.status()));
                if (ListingCache::SameCards(*kept, *cards))
                  return c->Answer(BodyAnswer(kept->body));
                self->RenderAll(c, kept->rows, kept->peers, std::move(cards).value());
              });
        }
        // Rows with a status, of peers in this app (a linked app's users have no id here).
        std::vector<std::pair<AppId, UserId>> peers;
        for (const PeerRow& row : *rows) {
          if (row.peer_app == app && StatusOf(row)) peers.emplace_back(row.peer_app, row.peer);
        }
        self->service_.GetProfiles(
            peers, [self, c, rows, peers](Result<std::vector<UserCache::Entry>> cards) {
              if (!cards.ok()) return c->Answer(RefuseAnswer(cards.status()));
              self->RenderAll(c, rows, peers, std::move(cards).value());
            });
      });
}

void Calls::RenderAll(const CallPtr& c, PeerRows rows, std::vector<std::pair<AppId, UserId>> peers,
                      std::vector<UserCache::Entry> cards) {
  AppId app = c->app.app.id;
  http::JsonWriter w(64 + cards.size() * 320);
  w.StartObject().Key("code").Int(200).Key("result").StartArray();
  size_t i = 0;  // cards[i] is the card of the i-th row shown, as `peers` lists them
  for (const PeerRow& row : *rows) {
    if (row.peer_app != app) continue;
    auto status = StatusOf(row);
    if (!status) continue;
    const UserCache::Entry& u = cards[i++];
    if (!u) continue;  // deleted since the rows were read
    w.StartObject();
    w.Key("displayName").String(row.alias);
    w.Key("message").String(row.message);
    w.Key("status").Int(*status);
    w.Key("updatedAt").String(IsoTime(row.clock_ms));
    w.Key("updatedTime").Int(row.clock_ms);
    w.Key("user").Raw(*ListedUser(u));
    w.EndObject();
  }
  w.EndArray().EndObject();
  auto listing = std::make_shared<const ListingCache::Listing>(ListingCache::Listing{
      std::move(rows), std::move(peers), ListingCache::Weakly(cards), w.Take()});
  listings_.Keep(app, c->me.id, listing);
  c->Answer(BodyAnswer(listing->body));
}

void Calls::Profile(const CallPtr& c) {
  std::string id = c->path.empty() ? std::string() : c->path[0].second;
  constexpr std::string_view kNotFriend = "Current user is not friend of the user.";
  ResolveId(c, id, kNotFriend, [this, c, kNotFriend](const User& peer) {
    service_.GetFriend(c->app.app, c->me.account, peer.account,
                       [self = shared_from_this(), c, peer, kNotFriend](Result<FriendView> f) {
                         if (!f.ok() && f.status().code() == Code::kNotFriends) {
                           return c->Answer(ErrorAnswer(403, kNotFriend));
                         }
                         if (!f.ok()) return c->Answer(RefuseAnswer(f.status()));
                         http::JsonWriter w;
                         w.StartObject().Key("displayName").String(Or(f->edge.fields.alias));
                         w.Key("user").StartObject();
                         self->WriteUserFields(w, peer);
                         w.Key("createdAt").String(IsoTime(peer.created_ms));
                         w.Key("updatedAt").String(IsoTime(peer.updated_ms));
                         w.Key("createdTime").Int(peer.created_ms);
                         w.Key("updatedTime").Int(peer.updated_ms);
                         w.EndObject().EndObject();
                         c->Answer(ResultAnswer(w));
                       });
  });
}

void Calls::GetContactsInfo(const CallPtr& c) {
  static constexpr kit::CharSet kPhoneChars("0-9+ -");
  kit::ParamReader p(c->fields());
  auto phones = p.OptionalArray("contactList", kMaxContacts, 20, kPhoneChars);
  if (!p.ok()) return c->Answer(BadParameter(p));
  if (!phones) return c->Answer(ErrorAnswer(400, "Empty contactList."));
  auto list = std::make_shared<std::vector<std::string>>(std::move(*phones));
  service_.ListUsersByMobile(
      c->app.app, *list, kMaxUsersPerPhone,
      [self = shared_from_this(), c, list](Result<std::vector<std::vector<User>>> found) {
        if (!found.ok()) return c->Answer(RefuseAnswer(found.status()));
        auto users = std::make_shared<std::vector<std::vector<User>>>(std::move(found).value());
        self->service_.ListFriends(
            c->app.app, c->me.account, 0, /*include_tombstones=*/false, SIZE_MAX,
            [self, c, list, users](Result<FriendList> friends) {
              if (!friends.ok()) return c->Answer(RefuseAnswer(friends.status()));
              std::unordered_set<UserId> mine;
              for (const FriendRef& f : *friends.value()) mine.insert(f.peer);
              http::JsonWriter w(64 + list->size() * 160);
              w.StartArray();
              for (size_t i = 0; i < list->size(); ++i) {
                const User* u = ByPhone((*users)[i], "");
                if (u && !u->found_by_phone) u = nullptr;  // phoneVerify 0: not found by phone
                w.StartObject();
                w.Key("registered").Int(u ? 1 : 0);
                w.Key("relationship").Int(u && mine.count(u->id) ? 1 : 0);
                w.Key("stAccount").String(u ? std::string_view(u->st_account) : "");
                w.Key("phone").String((*list)[i]);
                w.Key("id");
                if (u) {
                  w.String(self->IdOf(*u));
                } else {
                  w.Null();
                }
                w.Key("nickname").String(u ? Or(u->profile.name) : "");
                w.Key("portraitUri").String(u ? Or(u->profile.icon) : "");
                w.EndObject();
              }
              w.EndArray();
              c->Answer(ResultAnswer(w));
            });
      });
}

void Calls::BatchDelete(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  auto ids = p.OptionalArray("friendIds", kMaxBatchDelete, kIdChars);
  if (!p.ok()) return c->Answer(BadParameter(p));
  if (!ids) return c->Answer(ErrorAnswer(400, "Empty friendIds."));
  std::vector<std::pair<AppId, UserId>> wanted;
  for (const std::string& id : *ids) {
    if (auto decoded = ids_.Decode(id); decoded && *decoded <= static_cast<uint64_t>(INT64_MAX)) {
      wanted.emplace_back(c->app.app.id, static_cast<UserId>(*decoded));
    }
  }
  service_.GetProfiles(std::move(wanted), [self = shared_from_this(),
                                           c](Result<std::vector<UserCache::Entry>> users) {
    if (!users.ok()) return c->Answer(RefuseAnswer(users.status()));
    std::vector<std::string> peers;
    for (const UserCache::Entry& u : *users) {
      if (u && u->app == c->app.app.id && u->id != c->me.id &&
          std::find(peers.begin(), peers.end(), u->account) == peers.end()) {
        peers.push_back(u->account);
      }
    }
    if (peers.empty()) {
      http::JsonWriter w;
      w.Int(0);
      return c->Answer(ResultAnswer(w));
    }
    // One delete each, at once; the answer counts those that were friends.
    struct Tally {
      std::atomic<size_t> left;
      std::atomic<size_t> deleted{0};
      std::atomic<bool> failed{false};
    };
    auto tally = std::make_shared<Tally>();
    tally->left = peers.size();
    for (const std::string& peer : peers) {
      DeleteArgs args{c->me.account, peer, /*both=*/false, /*drop_alias=*/true};
      self->service_.Delete(c->app.app, std::move(args), [c, tally](Result<bool> r) {
        // Not friends (any more), or gone or disabled since: skipped. Only our own failure fails.
        if (r.ok()) ++tally->deleted;
        if (!r.ok() &&
            (r.status().code() == Code::kInternal || r.status().code() == Code::kUnavailable)) {
          tally->failed = true;
        }
        if (--tally->left > 0) return;
        if (tally->failed) {
          return c->Answer(RefuseAnswer({Code::kInternal, "batch_delete: a delete failed"}));
        }
        http::JsonWriter w;
        w.Int(static_cast<int64_t>(tally->deleted.load()));
        c->Answer(ResultAnswer(w));
      });
    }
  });
}

void Calls::SetFriendDescription(const CallPtr& c) {
  kit::ParamReader p(c->fields());
  std::string id = p.Required("friendId", kIdChars);
  if (!p.ok()) return c->Answer(BadParameter(p));
  EdgeFields fields;
  fields.alias = p.Optional("displayName", kDisplayNameMax);
  fields.region = p.Optional("region", 5, kDigits);
  fields.phone = p.Optional("phone", 32);
  fields.description = p.Optional("description", kDescriptionMax);
  fields.image_uri = p.Optional("imageUri", kImageUriMax);
  if (!p.ok()) return c->Answer(BadParameter(p));
  ResolveId(c, id, kUnknownFriend, [this, c, fields = std::move(fields)](const User& peer) {
    service_.UpdateEdge(
        c->app.app, c->me.account, peer.account, fields, /*any_row=*/true,
        [c](Result<bool> r) { c->Answer(r.ok() ? OkAnswer() : RefuseAnswer(r.status())); });
  });
}

void Calls::GetFriendDescription(const CallPtr& c) {
  auto id = FriendId(c);
  if (!id) return;
  ResolveId(c, *id, kUnknownFriend, [this, c](const User& peer) {
    service_.GetPeerDetail(c->app.app, c->me.account, peer.account,
                           [c](Result<std::optional<PeerDetail>> detail) {
                             if (!detail.ok()) return c->Answer(RefuseAnswer(detail.status()));
                             if (!*detail) return c->Answer(ErrorAnswer(404, kUnknownFriend));
                             const EdgeFields& f = (*detail)->fields;
                             http::JsonWriter w;
                             w.StartObject().Key("displayName").String(Or(f.alias));
                             w.Key("region").String(Or(f.region)).Key("phone").String(Or(f.phone));
                             w.Key("description").String(Or(f.description));
                             w.Key("imageUri").String(Or(f.image_uri)).EndObject();
                             c->Answer(ResultAnswer(w));
                           });
  });
}

}  // namespace fg::sealtalk
