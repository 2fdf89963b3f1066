#include "store/testing/faulty_store.h"

#include "store/forwarding_txn.h"

namespace fg::testing {
namespace {

// Passes every call through, throwing at the armed write (0: none).
class FaultyTxn final : public ForwardingTxn {
 public:
  FaultyTxn(WriteTxn& inner, int fail_at) : ForwardingTxn(inner), fail_at_(fail_at) {}
  int writes() const { return writes_; }

  std::optional<UserId> InsertUser(AppId app, const User& user) override {
    BeforeWrite();
    return inner_.InsertUser(app, user);
  }
  void UpdateUserFields(AppId app, const User& user) override {
    BeforeWrite();
    inner_.UpdateUserFields(app, user);
  }
  void SaveCounters(AppId app, const User& user) override {
    BeforeWrite();
    inner_.SaveCounters(app, user);
  }
  void PutEdge(AppId app, const FriendEdge& edge) override {
    BeforeWrite();
    inner_.PutEdge(app, edge);
  }
  void PutEdges(AppId app, std::span<const FriendEdge* const> edges) override {
    BeforeWrite();
    inner_.PutEdges(app, edges);
  }
  void PutRequest(AppId app, const FriendRequest& request) override {
    BeforeWrite();
    inner_.PutRequest(app, request);
  }
  void PutAvatar(AppId app, const Avatar& avatar) override {
    BeforeWrite();
    inner_.PutAvatar(app, avatar);
  }
  void PutRelation(AppId app, UserId owner, AppId peer_app, UserId peer, Relation kind, bool on,
                   int64_t now_ms) override {
    BeforeWrite();
    inner_.PutRelation(app, owner, peer_app, peer, kind, on, now_ms);
  }
  void DeleteUserRows(AppId app, UserId id) override {
    BeforeWrite();
    inner_.DeleteUserRows(app, id);
  }
  void PutSetting(std::string_view key, std::string_view value) override {
    BeforeWrite();
    inner_.PutSetting(key, value);
  }

 private:
  void BeforeWrite() {
    if (++writes_ == fail_at_) throw StoreFailure("injected write failure");
  }

  const int fail_at_;
  int writes_ = 0;
};

}  // namespace

void FaultyStore::Read(ReadJob job, Done done) {
  if (fail_read_.exchange(false)) {
    return CompleteGuarded(done, Status(Code::kInternal, "injected read failure"));
  }
  inner_.Read(std::move(job), std::move(done));
}

void FaultyStore::Write(WriteJob job, Done done) {
  int fail_at = fail_at_write_.exchange(0);
  bool fail_commit = fail_commit_.exchange(false);
  inner_.Write(
      [this, job = std::move(job), fail_at, fail_commit](WriteTxn& txn) -> Status {
        FaultyTxn faulty(txn, fail_at);
        Status status;
        try {
          status = job(faulty);
        } catch (...) {
          set_last_job_writes(faulty.writes());
          throw;
        }
        set_last_job_writes(faulty.writes());
        if (status.ok() && fail_commit) return Status(Code::kInternal, "injected commit failure");
        return status;
      },
      std::move(done));
}

}  // namespace fg::testing
