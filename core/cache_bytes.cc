#include "core/cache_bytes.h"

#include <algorithm>

namespace fg {

size_t HeapBlockBytes(size_t n) {
  if (n == 0) return 0;
  return std::max<size_t>(32, (n + 8 + 15) & ~size_t{15});
}

size_t HeapBytes(const std::string& s) {
  // A short string keeps its characters inside the object (no allocation); where that buffer is
  // and how long it is depend on the library, so ask where the characters are.
  const char* object = reinterpret_cast<const char*>(&s);
  if (s.data() >= object && s.data() < object + sizeof(s)) return 0;
  return HeapBlockBytes(s.capacity() + 1);
}

size_t HeapBytes(const std::optional<std::string>& s) { return s ? HeapBytes(*s) : 0; }

namespace {

size_t ProfileHeapBytes(const Profile& p) {
  return HeapBytes(p.name) + HeapBytes(p.icon) + HeapBytes(p.sign) + HeapBytes(p.email) +
         HeapBytes(p.birth) + HeapBytes(p.mobile) + HeapBytes(p.region) + HeapBytes(p.ex);
}

}  // namespace

size_t HeapBytes(const PeerRow& item) { return HeapBytes(item.alias) + HeapBytes(item.message); }

size_t HeapBytes(const User& user) {
  return HeapBytes(user.account) + ProfileHeapBytes(user.profile) + HeapBytes(user.token) +
         HeapBytes(user.password_hash) + HeapBytes(user.st_account);
}

size_t SharedListBytes(const PackedFriends& list) {
  return HeapBlockBytes(kControlBlockBytes + sizeof(list)) + HeapBlockBytes(list.packed_bytes());
}

size_t SharedUserBytes(const User& user) {
  return HeapBlockBytes(kControlBlockBytes + sizeof(User)) + HeapBytes(user);
}

size_t MapEntryBytes(size_t value_size) {
  return HeapBlockBytes(sizeof(void*) + value_size + sizeof(size_t)) + sizeof(void*);
}

}  // namespace fg
