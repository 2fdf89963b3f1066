// The friend graph's records, shared by core/, store/ and every dialect (DESIGN.md §2).
//
// Plain values with no behaviour. Times are milliseconds since the Unix epoch. Every record
// belongs to one app; user ids are unique across apps but are only ever looked up with their app.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fg {

using AppId = int64_t;
using UserId = int64_t;

// Names a user: the account (lower-case) within its app.
struct UserKey {
  AppId app = 0;
  std::string account;
  friend bool operator==(const UserKey&, const UserKey&) = default;
};

// Persisted as its number: never renumber, only append.
enum class AddPolicy : int { kAllowAny = 0, kNeedConfirm = 1, kDenyAny = 2 };

// Profile fields. In a stored User an absent field was never set; in an update an absent
// field is left as it is and a present one (even empty) replaces it.
struct Profile {
  std::optional<std::string> name;
  std::optional<std::string> icon;
  std::optional<std::string> sign;
  std::optional<std::string> email;
  std::optional<std::string> birth;
  std::optional<std::string> mobile;
  std::optional<std::string> region;
  std::optional<int> gender;  // 0 unknown, 1 male, 2 female
  std::optional<std::string> ex;
};

struct User {
  UserId id = 0;
  AppId app = 0;
  std::string account;  // lower-case, unique per app
  Profile profile;
  std::string token;
  AddPolicy add_policy = AddPolicy::kNeedConfirm;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  // The user's change counter and clock (DESIGN.md §2 "Versions").
  int64_t version = 0;
  int64_t clock_ms = 0;
  // Alive edges the user owns; core/ keeps it equal to the count of them.
  int64_t friend_count = 0;
  // Pending requests the user sent or received; core/ keeps it equal to the count of them, so
  // that a befriend between two users of whom one has none looks no request up.
  int64_t pending_requests = 0;
  // A disabled account takes part in no new friendship (DESIGN.md §2a "Disabled accounts").
  bool disabled = false;
  // argon2id hash in libsodium's string form; empty when the user has no password.
  std::string password_hash;
  // Tokens carry it; a new value revokes every token issued before (logout, password change).
  // A time in ms, strictly increasing per user and never behind the clock when it changes, so a
  // user created again under a deleted user's name never takes up the old one's tokens.
  int64_t epoch = 0;
  // When profile.icon last changed (0: never set): strictly increasing per user, so that a
  // client holding this time knows whether the icon changed since (Yuntongxun getUserAvatar).
  int64_t icon_ms = 0;
  // SealTalk number: unique per app, compared case-insensitively, kept as set; "" = none.
  std::string st_account;
  // Privacy (SealTalk phoneVerify, stSearchVerify): whether others may find the user by phone
  // number or by SealTalk number.
  bool found_by_phone = true;
  bool found_by_st_account = true;
};

// Edge fields a caller may set. Absent = leave as it is.
struct EdgeFields {
  std::optional<std::string> alias;
  std::optional<std::string> ex;
  std::optional<std::string> serverex;
  std::optional<std::string> description;
  std::optional<std::string> phone;
  std::optional<std::string> region;
  std::optional<std::string> image_uri;
};

// owner -> peer. alive == false is a tombstone kept for incremental sync.
// peer_account and peer_alive copy what a listing shows so that it reads one row per friend:
// accounts never change, and core/ keeps peer_alive exact on every alive edge.
// The edge row belongs to the owner's app; the peer may live in another app (Yuntongxun links
// apps), so the peer's app is kept on the row and nothing assumes it equals the owner's.
struct FriendEdge {
  UserId owner = 0;
  UserId peer = 0;
  AppId peer_app = 0;
  std::string peer_account;
  bool alive = false;
  bool peer_alive = false;  // peer -> owner is alive too
  EdgeFields fields;
  std::string source;
  int64_t created_ms = 0;  // when it last became alive
  int64_t updated_ms = 0;  // owner's clock at the last change
  int64_t version = 0;     // owner's version at the last change
};

// An edge as its owner sees it in a listing.
struct FriendView {
  FriendEdge edge;
  std::string peer_account;
  bool bidirectional = false;  // alive, and the peer's edge back to the owner is alive too
};

// One entry of a block or mute list; seq orders the list by the time it was added.
struct RelationEntry {
  int64_t seq = 0;
  UserId peer = 0;
  std::string peer_account;
  int64_t created_ms = 0;
};

// Persisted as its number: never renumber, only append.
enum class RequestState : int { kPending = 0, kAccepted = 1, kRefused = 2, kIgnored = 3 };

// from -> to; one per ordered pair, refreshed by a new request. The row belongs to the
// recipient's app; the sender may live in another app (from_app).
struct FriendRequest {
  UserId from = 0;
  AppId from_app = 0;
  UserId to = 0;
  AppId to_app = 0;  // the row's app
  std::string message;
  std::string source;
  std::string reply;  // the recipient's reason when refusing; cleared by a new request
  RequestState state = RequestState::kPending;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;    // the sender's clock at the last change
  int64_t to_clock_ms = 0;   // the recipient's clock at the last change
  int64_t from_version = 0;  // the sender's version at the last change
  int64_t to_version = 0;    // the recipient's version at the last change
};

// What one user has on record with another (SealTalk's friendship row): the state of the user's
// edge to the peer and of the request each way, with the user's clock at each one's last change.
// Compact (a user's whole list of rows is kept in memory): the edge's other fields are in
// PeerDetail.
struct PeerRow {
  // The user's edge to the peer. kNeverAlive: one that only holds fields (Change::Annotate).
  enum class Edge : uint8_t { kNone, kNeverAlive, kAlive, kTombstone };

  AppId peer_app = 0;
  UserId peer = 0;
  Edge edge = Edge::kNone;
  bool blocked = false;                  // the user has blocked the peer
  std::optional<RequestState> sent;      // the user's request to the peer
  std::optional<RequestState> received;  // the peer's request to the user
  int64_t edge_ms = 0;                   // the user's clock when the edge last changed
  int64_t sent_ms = 0;                   // ... when the sent request last changed
  int64_t received_ms = 0;               // ... when the received request last changed
  int64_t clock_ms = 0;                  // the latest of those three: the rows' order
  std::string alias;                     // the user's alias for the peer ("": none)
  std::string message;                   // the message of the latest request either way
};

// A row with its edge's fields (SealTalk's descriptions).
struct PeerDetail {
  PeerRow row;
  EdgeFields fields;
};

// A user's rows, shared and immutable like a FriendList.
using PeerRows = std::shared_ptr<const std::vector<PeerRow>>;

// A user's avatar image (DESIGN.md §2c): at most one per user, replaced by the next upload.
// `key` is random and names it in its URL, so that a new upload gets a new URL.
struct Avatar {
  UserId user = 0;
  std::string key;           // lower-case hex, unique across the installation
  std::string content_type;  // "image/png", …
  std::string bytes;
  int64_t updated_ms = 0;
};

// Persisted as its number: never renumber, only append.
enum class Relation : int { kBlock = 1, kMute = 2 };

}  // namespace fg
