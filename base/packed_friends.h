// PackedFriends: a friend listing (the FriendViews of one owner, in the order a store listed
// them) packed into one byte string, so that a cache can keep a whole graph's lists in memory.
//
// Each friend is a few varints and its strings: a flag byte (alive, peer_alive, bidirectional,
// which fields are present), the peer id and updated_ms as differences from the friend before,
// created_ms as its distance from updated_ms, the version, then the peer's account and each
// present field, each prefixed by its length. A friend of a 1M-user graph with a 10-byte account
// and no fields takes about 20 bytes, against about 600 as a FriendView; the list itself adds a
// fixed 40 or so.
//
// Reading is sequential: iterating decodes one FriendRef at a time, whose strings are views into
// the list (valid while the list lives). Decoding is exact: every FriendView packed comes back
// equal (ToView), an absent field apart from a present empty one.
//
// Immutable once made; safe to read from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/model.h"

namespace fg {

// One friend of a listing, as views: FriendView's fields, flat.
struct FriendRef {
  UserId owner = 0;
  UserId peer = 0;
  AppId peer_app = 0;
  std::string_view peer_account;
  bool alive = false;
  bool peer_alive = false;
  bool bidirectional = false;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  int64_t version = 0;
  std::optional<std::string_view> alias;
  std::optional<std::string_view> ex;
  std::optional<std::string_view> serverex;
  std::optional<std::string_view> description;
  std::optional<std::string_view> phone;
  std::optional<std::string_view> region;
  std::optional<std::string_view> image_uri;
  std::string_view source;
};

// Views into `view` (valid while it lives).
FriendRef RefTo(const FriendView& view);
// The FriendView `ref` was packed from, owning its strings.
FriendView ToView(const FriendRef& ref);

class PackedFriends {
 public:
  // Packs `friends`, which all belong to `owner` of `app`, keeping their order.
  PackedFriends(AppId app, UserId owner, const std::vector<FriendView>& friends);

  AppId app() const { return app_; }
  UserId owner() const { return owner_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // How many bytes the friends take packed: one heap block of exactly that size (none for 0).
  size_t packed_bytes() const { return packed_bytes_; }

  class Iterator {
   public:
    using iterator_category = std::input_iterator_tag;
    using value_type = FriendRef;
    using difference_type = std::ptrdiff_t;
    using pointer = const FriendRef*;
    using reference = const FriendRef&;

    Iterator() = default;
    const FriendRef& operator*() const { return current_; }
    const FriendRef* operator->() const { return &current_; }
    Iterator& operator++();
    void operator++(int) { ++*this; }
    friend bool operator==(const Iterator& a, const Iterator& b) { return a.left_ == b.left_; }

   private:
    friend class PackedFriends;
    Iterator(const PackedFriends& list, size_t left);
    void Decode();

    const char* next_ = nullptr;  // the undecoded rest
    size_t left_ = 0;             // friends from current_ to the end
    AppId app_ = 0;               // the list's
    FriendRef current_;
  };

  Iterator begin() const { return Iterator(*this, size_); }
  Iterator end() const { return Iterator(); }

 private:
  AppId app_;
  UserId owner_;
  size_t size_;
  size_t packed_bytes_;
  std::unique_ptr<char[]> bytes_;
};

// A friend listing, shared and immutable: a cached list is handed out without copying.
using FriendList = std::shared_ptr<const PackedFriends>;

// `friends` packed into a new shared list.
FriendList MakeFriendList(AppId app, UserId owner, const std::vector<FriendView>& friends);

}  // namespace fg
