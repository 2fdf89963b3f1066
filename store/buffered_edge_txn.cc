#include "store/buffered_edge_txn.h"

#include <algorithm>

namespace fg {

size_t BufferedEdgeTxn::OwnerHash::operator()(const Owner& o) const {
  // Ids are small and close together: multiplied by odd constants so that they spread.
  return static_cast<size_t>(o.app) * 0x9E3779B97F4A7C15u ^
         static_cast<size_t>(o.id) * 0xC2B2AE3D27D4EB4Fu;
}

BufferedEdgeTxn::Rows::iterator BufferedEdgeTxn::Seek(Rows& rows, UserId peer) {
  return std::lower_bound(rows.begin(), rows.end(), peer,
                          [](const Row& row, UserId p) { return row.peer < p; });
}

void BufferedEdgeTxn::Prefetch(AppId app, UserId owner, std::vector<UserId> peers) {
  Rows& rows = owners_[{app, owner}];
  std::erase_if(peers, [&](UserId peer) {
    auto it = Seek(rows, peer);
    return it != rows.end() && it->peer == peer;
  });
  if (peers.empty()) return;
  std::sort(peers.begin(), peers.end());
  peers.erase(std::unique(peers.begin(), peers.end()), peers.end());
  const size_t kept = rows.size();
  for (UserId peer : peers) rows.push_back({peer});
  auto fetched = rows.begin() + static_cast<ptrdiff_t>(kept);
  for (FriendEdge& edge : inner_.FindEdges(app, owner, peers)) {
    auto it = std::lower_bound(fetched, rows.end(), edge.peer,
                               [](const Row& row, UserId p) { return row.peer < p; });
    it->edge = Hold(std::move(edge));
  }
  std::inplace_merge(rows.begin(), fetched, rows.end(),
                     [](const Row& a, const Row& b) { return a.peer < b.peer; });
}

void BufferedEdgeTxn::Flush() {
  std::vector<std::pair<Owner, Rows*>> owners;
  owners.reserve(owners_.size());
  for (auto& [owner, rows] : owners_) owners.emplace_back(owner, &rows);
  // In key order: each write lands next to the one before it in the store's index.
  std::sort(owners.begin(), owners.end(), [](const auto& a, const auto& b) {
    return a.first.app != b.first.app ? a.first.app < b.first.app : a.first.id < b.first.id;
  });
  std::vector<const FriendEdge*> edges;
  edges.reserve(dirty_);
  for (size_t i = 0; i < owners.size(); ++i) {
    for (const Row& row : *owners[i].second) {
      if (row.dirty) edges.push_back(&edges_[row.edge]);
    }
    const AppId app = owners[i].first.app;
    if (!edges.empty() && (i + 1 == owners.size() || owners[i + 1].first.app != app)) {
      inner_.PutEdges(app, edges);
      edges.clear();
    }
  }
  // The wrapped transaction now holds every edge kept: it answers from here on.
  owners_.clear();
  edges_.clear();
  dirty_ = 0;
}

std::optional<FriendEdge> BufferedEdgeTxn::FindEdge(AppId app, UserId owner, UserId peer) {
  Rows& rows = owners_[{app, owner}];
  auto it = Seek(rows, peer);
  if (it == rows.end() || it->peer != peer) {
    auto edge = inner_.FindEdge(app, owner, peer);
    it = rows.insert(it, {peer, edge ? Hold(std::move(*edge)) : Row::kNone});
  }
  if (it->edge == Row::kNone) return std::nullopt;
  return edges_[it->edge];
}

std::vector<FriendEdge> BufferedEdgeTxn::FindEdges(AppId app, UserId owner,
                                                   const std::vector<UserId>& peers) {
  Prefetch(app, owner, peers);
  Rows& rows = owners_[{app, owner}];
  std::vector<FriendEdge> out;
  for (UserId peer : peers) {
    if (uint32_t edge = Seek(rows, peer)->edge; edge != Row::kNone) out.push_back(edges_[edge]);
  }
  return out;
}

void BufferedEdgeTxn::PutEdge(AppId app, const FriendEdge& edge) {
  Rows& rows = owners_[{app, edge.owner}];
  auto it = Seek(rows, edge.peer);
  if (it == rows.end() || it->peer != edge.peer) {
    it = rows.insert(it, {edge.peer, Hold(edge)});
  } else if (it->edge != Row::kNone) {
    edges_[it->edge] = edge;
  } else {
    it->edge = Hold(edge);
  }
  if (!it->dirty) {
    it->dirty = true;
    ++dirty_;
  }
}

void BufferedEdgeTxn::PutEdges(AppId app, std::span<const FriendEdge* const> edges) {
  for (const FriendEdge* edge : edges) PutEdge(app, *edge);
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
