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
  Shard& shard = shards_[static_cast<size_t>(user) % kShards];
  std::lock_guard lock(shard.mu);
  if (auto it = shard.listings.find(user); it != shard.listings.end()) {
    shard.bytes -= it->second.second->body.size();
    shard.listings.erase(it);
  }
  if (size > max_bytes_per_shard_) return;  // too large to keep: the old one went anyway
  while (shard.bytes + size > max_bytes_per_shard_ && !shard.listings.empty()) {
    shard.bytes -= shard.listings.begin()->second.second->body.size();
    shard.listings.erase(shard.listings.begin());
  }
  shard.bytes += size;
  shard.listings.emplace(user, std::make_pair(app, std::move(listing)));
}

std::vector<std::weak_ptr<const User>> ListingCache::Weakly(
    const std::vector<UserCache::Entry>& cards) {
  return {cards.begin(), cards.end()};
}

bool ListingCache::SameCards(const Listing& listing, const std::vector<UserCache::Entry>& cards) {
  if (cards.size() != listing.cards.size()) return false;
  for (size_t i = 0; i < cards.size(); ++i) {
    const std::weak_ptr<const User>& then = listing.cards[i];
    // The same card, compared by control block (owner_before neither way: the same one, or both
    // none). A weak_ptr keeps its control block, so no other card can have that one.
    if (then.owner_before(cards[i]) || cards[i].owner_before(then)) return false;
  }
  return true;
}

}  // namespace fg::sealtalk
