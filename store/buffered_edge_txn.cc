#include "store/buffered_edge_txn.h"

#include <algorithm>
#include <tuple>

namespace fg {

size_t BufferedEdgeTxn::KeyHash::operator()(const Key& k) const {
  // Ids are small and close together: multiplied by odd constants so that they spread.
  return static_cast<size_t>(k.app) * 0x9E3779B97F4A7C15u ^
         static_cast<size_t>(k.owner) * 0xC2B2AE3D27D4EB4Fu ^
         static_cast<size_t>(k.peer) * 0x165667B19E3779F9u;
}

void BufferedEdgeTxn::Prefetch(AppId app, UserId owner, std::vector<UserId> peers) {
  std::erase_if(peers, [&](UserId peer) { return kept_.count({app, owner, peer}) > 0; });
  if (peers.empty()) return;
  std::sort(peers.begin(), peers.end());
  peers.erase(std::unique(peers.begin(), peers.end()), peers.end());
  // Room for twice as many at once, rather than a rehash of them all every few calls.
  if (kept_.size() + peers.size() > kept_.bucket_count() * kept_.max_load_factor()) {
    kept_.reserve(2 * (kept_.size() + peers.size()));
  }
  for (UserId peer : peers) kept_.emplace(Key{app, owner, peer}, Kept{});
  for (FriendEdge& edge : inner_.FindEdges(app, owner, peers)) {
    kept_[{app, owner, edge.peer}].edge = Hold(std::move(edge));
  }
}

void BufferedEdgeTxn::Flush() {
  std::vector<std::pair<Key, FriendEdge*>> dirty;
  for (const auto& [key, kept] : kept_) {
    if (kept.dirty) dirty.emplace_back(key, kept.edge);
  }
  // In key order: each write lands next to the one before it in the store's index.
  std::sort(dirty.begin(), dirty.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first.app, a.first.owner, a.first.peer) <
           std::tie(b.first.app, b.first.owner, b.first.peer);
  });
  std::vector<FriendEdge> edges;
  edges.reserve(dirty.size());
  for (size_t i = 0; i < dirty.size(); ++i) {
    edges.push_back(std::move(*dirty[i].second));
    if (i + 1 == dirty.size() || dirty[i + 1].first.app != dirty[i].first.app) {
      inner_.PutEdges(dirty[i].first.app, edges);
      edges.clear();
    }
  }
  // The wrapped transaction now holds every edge kept (the written ones were moved out): it
  // answers from here on.
  kept_.clear();
  edges_.clear();
}

std::optional<FriendEdge> BufferedEdgeTxn::FindEdge(AppId app, UserId owner, UserId peer) {
  auto it = kept_.find({app, owner, peer});
  if (it == kept_.end()) {
    auto edge = inner_.FindEdge(app, owner, peer);
    it = kept_.emplace(Key{app, owner, peer}, Kept{edge ? Hold(std::move(*edge)) : nullptr}).first;
  }
  if (!it->second.edge) return std::nullopt;
  return *it->second.edge;
}

std::vector<FriendEdge> BufferedEdgeTxn::FindEdges(AppId app, UserId owner,
                                                   const std::vector<UserId>& peers) {
  Prefetch(app, owner, peers);
  std::vector<FriendEdge> out;
  for (UserId peer : peers) {
    if (const FriendEdge* edge = kept_.at({app, owner, peer}).edge) out.push_back(*edge);
  }
  return out;
}

void BufferedEdgeTxn::PutEdge(AppId app, const FriendEdge& edge) {
  Kept& kept = kept_[{app, edge.owner, edge.peer}];
  if (kept.edge) {
    *kept.edge = edge;
  } else {
    kept.edge = Hold(edge);
  }
  kept.dirty = true;
}

void BufferedEdgeTxn::PutEdges(AppId app, std::span<const FriendEdge> edges) {
  for (const FriendEdge& edge : edges) PutEdge(app, edge);
}

std::vector<FriendView> BufferedEdgeTxn::ListFriends(AppId app, UserId owner, int64_t since_ms,
                                                     bool include_tombstones, size_t limit) {
  Flush();
  return inner_.ListFriends(app, owner, since_ms, include_tombstones, limit);
}

std::vector<FriendView> BufferedEdgeTxn::ListFriendsAfter(AppId app, UserId owner,
                                                          UserId after_peer, size_t limit) {
  Flush();
  return inner_.ListFriendsAfter(app, owner, after_peer, limit);
}

void BufferedEdgeTxn::DeleteUserRows(AppId app, UserId id) {
  Flush();  // which forgets the user's edges kept, too
  inner_.DeleteUserRows(app, id);
}

}  // namespace fg
