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
  // Room for `edges` edges kept before the next Flush, so that they are not moved as it grows.
  void Reserve(size_t edges) { edges_.reserve(edges); }
  // Writes every edge put since the last Flush to the wrapped transaction, once each, in key
  // order, and forgets every edge kept (later lookups read the wrapped transaction again). A job
  // calls it before it returns success; a job that fails need not (its transaction rolls back).
  void Flush();

  std::optional<FriendEdge> FindEdge(AppId app, UserId owner, UserId peer) override;
  std::vector<FriendEdge> FindEdges(AppId app, UserId owner,
                                    const std::vector<UserId>& peers) override;
  void PutEdge(AppId app, const FriendEdge& edge) override;
  void PutEdges(AppId app, std::span<const FriendEdge* const> edges) override;
  std::vector<FriendView> ListFriends(AppId app, UserId owner, int64_t since_ms,
                                      bool include_tombstones, size_t limit) override;
  std::vector<FriendView> ListFriendsAfter(AppId app, UserId owner, UserId after_peer,
                                           size_t limit) override;
  void DeleteUserRows(AppId app, UserId id) override;

 private:
  struct Owner {
    AppId app;
    UserId id;
    bool operator==(const Owner&) const = default;
  };
  struct OwnerHash {
    size_t operator()(const Owner& o) const;
  };
  // One key owner -> peer: the edge kept, or that there is none. Small: most keys a bulk job
  // reads have no edge.
  struct Row {
    static constexpr uint32_t kNone = UINT32_MAX;
    UserId peer = 0;
    uint32_t edge = kNone;  // its index in edges_; kNone: there is no such edge
    bool dirty = false;     // put since the last Flush
  };
  // An owner's rows by peer. A job reads and writes many edges of few owners: a lookup is one
  // hash of the owner, then a binary search of a few cache lines, and Flush walks the rows in key
  // order as they lie.
  using Rows = std::vector<Row>;

  // The row of peer in `rows`, or where it would go.
  static Rows::iterator Seek(Rows& rows, UserId peer);
  // Stores `edge` in edges_; returns its index.
  uint32_t Hold(FriendEdge edge) {
    edges_.push_back(std::move(edge));
    return static_cast<uint32_t>(edges_.size() - 1);
  }

  std::unordered_map<Owner, Rows, OwnerHash> owners_;
  // Grows until Flush: in one block, where a deque would allocate each edge on its own (a
  // FriendEdge is larger than a deque's block).
  std::vector<FriendEdge> edges_;
  size_t dirty_ = 0;  // rows put since the last Flush
};

}  // namespace fg
