// Store: persistence for the friend graph. Backends live in store/<name>/ and expose a factory.
//
// The rules live in core/; a store only reads and writes records. Writes are jobs that run inside
// one transaction on the store's writer, so a job sees a consistent graph and its effects land
// whole or not at all. Backends commit many jobs together (group commit) and call each job's
// completion only once its effects are durable.
//
// Errors: a transaction method that fails (disk full, corruption) throws StoreFailure; the store
// catches it at its own boundary, rolls the job back and reports Code::kInternal. StoreFailure
// never leaves Store's methods.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "base/model.h"
#include "base/status.h"

namespace fg {

struct StoreFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A consistent snapshot. Not thread-safe; used by one job at a time.
class ReadTxn {
 public:
  virtual ~ReadTxn() = default;

  // account must already be lower-case.
  virtual std::optional<User> FindUser(AppId app, std::string_view account) = 0;
  virtual std::optional<FriendEdge> FindEdge(AppId app, UserId owner, UserId peer) = 0;
  // owner's edges with updated_ms > since_ms, oldest change first; tombstones only if asked.
  // bidirectional = alive && peer_alive, as stored. Costs one row read per edge returned
  // (since_ms = 0 reads the owner's rows in key order; otherwise the change index is used).
  virtual std::vector<FriendView> ListFriends(AppId app, UserId owner, int64_t since_ms,
                                              bool include_tombstones) = 0;
  virtual std::optional<FriendRequest> FindRequest(AppId app, UserId from, UserId to) = 0;
  virtual bool HasRelation(AppId app, UserId owner, UserId peer, Relation kind) = 0;
  virtual int64_t CountRelations(AppId app, UserId owner, Relation kind) = 0;
  // Accounts owner has in relation `kind`, in the order they were added.
  virtual std::vector<std::string> ListRelations(AppId app, UserId owner, Relation kind) = 0;
};

// A write transaction: everything a ReadTxn can read, plus writes. Reads see the job's own writes.
class WriteTxn : public ReadTxn {
 public:
  // Inserts a user (user.id is ignored) and returns its new id.
  virtual UserId InsertUser(AppId app, const User& user) = 0;
  // Replaces every column of an existing user, including version and clock.
  virtual void UpdateUser(AppId app, const User& user) = 0;
  // Inserts or replaces the edge (edge.owner, edge.peer).
  virtual void PutEdge(AppId app, const FriendEdge& edge) = 0;
  // Inserts or replaces the request (request.from, request.to).
  virtual void PutRequest(AppId app, const FriendRequest& request) = 0;
  virtual void PutRelation(AppId app, UserId owner, UserId peer, Relation kind, bool on,
                           int64_t now_ms) = 0;
};

class Store {
 public:
  // A write job. A non-ok Status rolls back everything the job wrote and is passed to Done.
  using WriteJob = std::function<Status(WriteTxn&)>;
  // Called once per job, on the store's writer thread, after commit (durable) or failure.
  // Must be quick and must not call Write() synchronously-waiting on itself.
  using Done = std::function<void(const Status&)>;

  virtual ~Store() = default;

  // Returns the id of the app named `name`, creating it on first use. Blocks until durable.
  virtual Result<AppId> EnsureApp(std::string_view name) = 0;

  // Runs `job` on a read snapshot on the calling thread. Thread-safe; readers run in parallel.
  virtual Status Read(const std::function<void(ReadTxn&)>& job) = 0;

  // Queues a write job. Thread-safe. `done` is always called exactly once: with the job's status
  // after a durable commit, kInternal if storage failed, or kUnavailable after Close().
  virtual void Write(WriteJob job, Done done) = 0;

  // Finishes every queued job, then refuses new ones. Idempotent.
  virtual void Close() = 0;
};

// Write() then wait. For tests, tools and start-up; never on a request thread.
Status WriteAndWait(Store& store, Store::WriteJob job);

}  // namespace fg
