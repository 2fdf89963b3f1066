// BufferedEdgeTxn: a write transaction that keeps the edges a job reads and writes in memory and
// writes each one to the transaction it wraps once, in key order, when asked (Flush): for a job
// that changes thousands of edges, many of them twice (a bulk import makes an edge alive, then
// its peer's edge back tells it the friendship goes both ways).
//
// What the job sees is what the wrapped transaction alone would show it: an edge lookup answers
// from the edges kept, a read that lists edges (ListFriends, ListFriendsAfter) and DeleteUserRows
// flush first, and every other call passes straight through. Not thread-safe: one per job run.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <unordered_map>
#include <vector>

#include "store/forwarding_txn.h"
#include "store/store.h"

namespace fg {

class BufferedEdgeTxn final : public ForwardingTxn {
 public:
  explicit BufferedEdgeTxn(WriteTxn& inner) : ForwardingTxn(inner) {}

  // Reads owner's edges to `peers` (any order, repeats allowed) that are not kept yet with one
  // FindEdges call, and keeps them and which of them do not exist: a FindEdge for any of them
  // then reads nothing.
  void Prefetch(AppId app, UserId owner, std::vector<UserId> peers);
  // Writes every edge put since the last Flush to the wrapped transaction, once each, in key
  // order, and forgets every edge kept (later lookups read the wrapped transaction again). A job
  // calls it before it returns success; a job that fails need not (its transaction rolls back).
  void Flush();

  std::optional<FriendEdge> FindEdge(AppId app, UserId owner, UserId peer) override;
  std::vector<FriendEdge> FindEdges(AppId app, UserId owner,
                                    const std::vector<UserId>& peers) override;
  void PutEdge(AppId app, const FriendEdge& edge) override;
  void PutEdges(AppId app, std::span<const FriendEdge> edges) override;
  std::vector<FriendView> ListFriends(AppId app, UserId owner, int64_t since_ms,
                                      bool include_tombstones, size_t limit) override;
  std::vector<FriendView> ListFriendsAfter(AppId app, UserId owner, UserId after_peer,
                                           size_t limit) override;
  void DeleteUserRows(AppId app, UserId id) override;

 private:
  struct Key {
    AppId app;
    UserId owner;
    UserId peer;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  struct Kept {
    FriendEdge* edge = nullptr;  // in edges_; nullptr: there is no such edge
    bool dirty = false;          // put since the last Flush
  };
  // Stores `edge` in edges_.
  FriendEdge* Hold(FriendEdge edge) { return &edges_.emplace_back(std::move(edge)); }

  // Small entries, the edges themselves apart: most keys a bulk job reads have no edge.
  std::unordered_map<Key, Kept, KeyHash> kept_;
  std::deque<FriendEdge> edges_;  // grows until Flush
};

}  // namespace fg
