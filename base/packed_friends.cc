#include "base/packed_friends.h"

#include <array>
#include <cassert>

namespace fg {
namespace {

// The flag bits, the common ones first so that a friend without fields takes one byte of flags.
constexpr uint64_t kAlive = uint64_t{1} << 0;
constexpr uint64_t kPeerAlive = uint64_t{1} << 1;
constexpr uint64_t kBidirectional = uint64_t{1} << 2;
// The peer's app is not the list's: it follows the peer id.
constexpr uint64_t kOtherApp = uint64_t{1} << 3;
constexpr uint64_t kAlias = uint64_t{1} << 4;
constexpr uint64_t kEx = uint64_t{1} << 5;
constexpr uint64_t kSource = uint64_t{1} << 6;  // non-empty
constexpr uint64_t kServerex = uint64_t{1} << 7;
constexpr uint64_t kDescription = uint64_t{1} << 8;
constexpr uint64_t kPhone = uint64_t{1} << 9;
constexpr uint64_t kRegion = uint64_t{1} << 10;
constexpr uint64_t kImageUri = uint64_t{1} << 11;

// The optional fields, in their order in the bytes, with their flags.
template <typename Fields>
auto OptionalFields(Fields& f) {
  return std::array{std::pair{kAlias, &f.alias},       std::pair{kEx, &f.ex},
                    std::pair{kServerex, &f.serverex}, std::pair{kDescription, &f.description},
                    std::pair{kPhone, &f.phone},       std::pair{kRegion, &f.region},
                    std::pair{kImageUri, &f.image_uri}};
}

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

uint64_t GetVarint(const char*& p) {
  uint64_t v = 0;
  for (int shift = 0;; shift += 7) {
    auto byte = static_cast<uint8_t>(*p++);
    v |= uint64_t{byte & 0x7fu} << shift;
    if (byte < 0x80) return v;
  }
}

// Differences are taken modulo 2^64 (no overflow) and stored zigzagged: small either way.
void PutDelta(std::string& out, int64_t value, int64_t base) {
  auto d = static_cast<int64_t>(static_cast<uint64_t>(value) - static_cast<uint64_t>(base));
  PutVarint(out, (static_cast<uint64_t>(d) << 1) ^ static_cast<uint64_t>(d >> 63));
}

int64_t GetDelta(const char*& p, int64_t base) {
  uint64_t z = GetVarint(p);
  uint64_t d = (z >> 1) ^ (~(z & 1) + 1);  // ^ -(z & 1): all ones for an odd z
  return static_cast<int64_t>(static_cast<uint64_t>(base) + d);
}

void PutString(std::string& out, std::string_view s) {
  PutVarint(out, s.size());
  out.append(s);
}

std::string_view GetString(const char*& p) {
  size_t n = GetVarint(p);
  std::string_view s(p, n);
  p += n;
  return s;
}

}  // namespace

FriendRef RefTo(const FriendView& view) {
  const FriendEdge& e = view.edge;
  FriendRef r;
  r.owner = e.owner;
  r.peer = e.peer;
  r.peer_app = e.peer_app;
  r.peer_account = view.peer_account;
  r.alive = e.alive;
  r.peer_alive = e.peer_alive;
  r.bidirectional = view.bidirectional;
  r.created_ms = e.created_ms;
  r.updated_ms = e.updated_ms;
  r.version = e.version;
  auto to = OptionalFields(r);
  auto from = OptionalFields(e.fields);
  for (size_t i = 0; i < to.size(); ++i) {
    if (*from[i].second) *to[i].second = *from[i].second;
  }
  r.source = e.source;
  return r;
}

FriendView ToView(const FriendRef& ref) {
  FriendView v;
  FriendEdge& e = v.edge;
  e.owner = ref.owner;
  e.peer = ref.peer;
  e.peer_app = ref.peer_app;
  e.peer_account = ref.peer_account;
  e.alive = ref.alive;
  e.peer_alive = ref.peer_alive;
  auto to = OptionalFields(e.fields);
  auto from = OptionalFields(ref);
  for (size_t i = 0; i < to.size(); ++i) {
    if (*from[i].second) *to[i].second = std::string(**from[i].second);
  }
  e.source = ref.source;
  e.created_ms = ref.created_ms;
  e.updated_ms = ref.updated_ms;
  e.version = ref.version;
  v.peer_account = ref.peer_account;
  v.bidirectional = ref.bidirectional;
  return v;
}

PackedFriends::PackedFriends(AppId app, UserId owner, const std::vector<FriendView>& friends)
    : app_(app), owner_(owner), size_(friends.size()) {
  std::string packed;
  int64_t peer = 0;
  int64_t updated = 0;
  for (const FriendView& view : friends) {
    const FriendEdge& e = view.edge;
    assert(e.owner == owner);
    uint64_t flags = (e.alive ? kAlive : 0) | (e.peer_alive ? kPeerAlive : 0) |
                     (view.bidirectional ? kBidirectional : 0) |
                     (e.peer_app != app ? kOtherApp : 0) | (e.source.empty() ? 0 : kSource);
    auto fields = OptionalFields(e.fields);
    for (const auto& [flag, field] : fields) {
      if (*field) flags |= flag;
    }
    PutVarint(packed, flags);
    PutDelta(packed, e.peer, peer);
    if (flags & kOtherApp) PutDelta(packed, e.peer_app, 0);
    PutDelta(packed, e.updated_ms, updated);
    PutDelta(packed, e.created_ms, e.updated_ms);
    PutDelta(packed, e.version, 0);
    PutString(packed, view.peer_account);
    for (const auto& [flag, field] : fields) {
      if (*field) PutString(packed, **field);
    }
    if (flags & kSource) PutString(packed, e.source);
    peer = e.peer;
    updated = e.updated_ms;
  }
  packed_bytes_ = packed.size();
  if (packed_bytes_) {
    bytes_ = std::make_unique_for_overwrite<char[]>(packed_bytes_);
    packed.copy(bytes_.get(), packed_bytes_);
  }
}

PackedFriends::Iterator::Iterator(const PackedFriends& list, size_t left)
    : next_(list.bytes_.get()), left_(left), app_(list.app_) {
  current_.owner = list.owner_;
  if (left_) Decode();
}

PackedFriends::Iterator& PackedFriends::Iterator::operator++() {
  assert(left_ > 0);
  if (--left_) Decode();
  return *this;
}

void PackedFriends::Iterator::Decode() {
  const char*& p = next_;
  FriendRef& r = current_;
  const uint64_t flags = GetVarint(p);
  r.alive = flags & kAlive;
  r.peer_alive = flags & kPeerAlive;
  r.bidirectional = flags & kBidirectional;
  r.peer = GetDelta(p, r.peer);
  r.peer_app = (flags & kOtherApp) ? GetDelta(p, 0) : app_;
  r.updated_ms = GetDelta(p, r.updated_ms);
  r.created_ms = GetDelta(p, r.updated_ms);
  r.version = GetDelta(p, 0);
  r.peer_account = GetString(p);
  for (const auto& [flag, field] : OptionalFields(r)) {
    if (flags & flag) {
      *field = GetString(p);
    } else {
      field->reset();
    }
  }
  r.source = (flags & kSource) ? GetString(p) : std::string_view();
}

FriendList MakeFriendList(AppId app, UserId owner, const std::vector<FriendView>& friends) {
  return std::make_shared<const PackedFriends>(app, owner, friends);
}

}  // namespace fg
