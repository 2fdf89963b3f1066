#include "dialects/sealtalk/listing_cache.h"

namespace fg::sealtalk {

ListingCache::Entry ListingCache::Find(AppId app, UserId user) {
  Shard& shard = shards_[static_cast<size_t>(user) % kShards];
  std::lock_guard lock(shard.mu);
  auto it = shard.listings.find(user);
  if (it == shard.listings.end() || it->second.first != app) return nullptr;
  return it->second.second;
}

void ListingCache::Keep(AppId app, UserId user, Entry listing) {
  size_t size = listing->body.size();
  if (size > max_bytes_per_shard_) return;
  Shard& shard = shards_[static_cast<size_t>(user) % kShards];
  std::lock_guard lock(shard.mu);
  if (auto it = shard.listings.find(user); it != shard.listings.end()) {
    shard.bytes -= it->second.second->body.size();
    shard.listings.erase(it);
  }
  while (shard.bytes + size > max_bytes_per_shard_ && !shard.listings.empty()) {
    shard.bytes -= shard.listings.begin()->second.second->body.size();
    shard.listings.erase(shard.listings.begin());
  }
  shard.bytes += size;
  shard.listings.emplace(user, std::make_pair(app, std::move(listing)));
}

bool ListingCache::SameCards(const Listing& listing, const std::vector<UserCache::Entry>& cards) {
  if (cards.size() != listing.cards.size()) return false;
  for (size_t i = 0; i < cards.size(); ++i) {
    if (cards[i] != listing.cards[i]) return false;
  }
  return true;
}

}  // namespace fg::sealtalk
