#include "store/buffered_edge_txn.h"

#include <algorithm>
#include <functional>
#include <tuple>

namespace fg {

size_t BufferedEdgeTxn::KeyHash::operator()(const Key& k) const {
  size_t h = std::hash<int64_t>()(k.app);
  h = h * 1'000'003 ^ std::hash<int64_t>()(k.owner);
  return h * 1'000'003 ^ std::hash<int64_t>()(k.peer);
}

void BufferedEdgeTxn::Prefetch(AppId app, UserId owner, std::vector<UserId> peers) {
  std::erase_if(peers, [&](UserId peer) { return kept_.count({app, owner, peer}) > 0; });
  if (peers.empty()) return;
  std::sort(peers.begin(), peers.end());
  peers.erase(std::unique(peers.begin(), peers.end()), peers.end());
  for (UserId peer : peers) kept_.emplace(Key{app, owner, peer}, Kept{});
  for (FriendEdge& edge : inner_.FindEdges(app, owner, peers)) {
    kept_[{app, owner, edge.peer}].edge = std::move(edge);
  }
}

void BufferedEdgeTxn::Flush() {
  std::vector<Key> dirty;
  for (const auto& [key, kept] : kept_) {
    if (kept.dirty) dirty.push_back(key);
  }
  // In key order: each write lands next to the one before it in the store's index.
  std::sort(dirty.begin(), dirty.end(), [](const Key& a, const Key& b) {
    return std::tie(a.app, a.owner, a.peer) < std::tie(b.app, b.owner, b.peer);
  });
  std::vector<FriendEdge> edges;
  edges.reserve(dirty.size());
  for (size_t i = 0; i < dirty.size(); ++i) {
    // Moved out, not copied: once written, the wrapped transaction answers for it.
    auto it = kept_.find(dirty[i]);
    edges.push_back(std::move(*it->second.edge));
    kept_.erase(it);
    if (i + 1 == dirty.size() || dirty[i + 1].app != dirty[i].app) {
      inner_.PutEdges(dirty[i].app, edges);
      edges.clear();
    }
  }
}

std::optional<FriendEdge> BufferedEdgeTxn::FindEdge(AppId app, UserId owner, UserId peer) {
  auto it = kept_.find({app, owner, peer});
  if (it == kept_.end()) {
    it = kept_.emplace(Key{app, owner, peer}, Kept{inner_.FindEdge(app, owner, peer)}).first;
  }
  return it->second.edge;
}

std::vector<FriendEdge> BufferedEdgeTxn::FindEdges(AppId app, UserId owner,
                                                   const std::vector<UserId>& peers) {
  Prefetch(app, owner, peers);
  std::vector<FriendEdge> out;
  for (UserId peer : peers) {
    if (const auto& edge = kept_.at({app, owner, peer}).edge) out.push_back(*edge);
  }
  return out;
}

void BufferedEdgeTxn::PutEdge(AppId app, const FriendEdge& edge) {
  kept_[{app, edge.owner, edge.peer}] = {edge, /*dirty=*/true};
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
  Flush();
  // The user's own edges go with it; those kept would otherwise still answer.
  std::erase_if(
      kept_, [&](const auto& entry) { return entry.first.app == app && entry.first.owner == id; });
  inner_.DeleteUserRows(app, id);
}

}  // namespace fg
