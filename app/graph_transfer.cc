#include "app/graph_transfer.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "app/graph_lines.h"
#include "base/digest.h"
#include "core/graph_import.h"
#include "store/staged_txn.h"

namespace fg {
namespace {

// How far a file has been imported into an app: kept in the store's settings, written by each
// batch's job, as "<lines>:<bytes>:<sha256 of those bytes>".
struct Mark {
  uint64_t lines = 0;
  uint64_t bytes = 0;
  std::string sha256;

  std::string Format() const {
    return std::to_string(lines) + ":" + std::to_string(bytes) + ":" + sha256;
  }
  static std::optional<Mark> Parse(const std::string& text) {
    Mark m;
    char sha[65] = {};
    unsigned long long lines = 0, bytes = 0;  // NOLINT(runtime/int): sscanf's types
    if (std::sscanf(text.c_str(), "%llu:%llu:%64[0-9a-f]", &lines, &bytes, sha) != 3) {
      return std::nullopt;
    }
    m.lines = lines;
    m.bytes = bytes;
    m.sha256 = sha;
    return m;
  }
};

std::string MarkKey(AppId app, const std::string& path) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  return "import/" + std::to_string(app) + "/" + (ec ? path : absolute.lexically_normal().string());
}

// The file line by line, hashing every byte read.
class LineReader {
 public:
  explicit LineReader(std::FILE* file) : file_(file) {}
  ~LineReader() { std::free(buffer_); }  // NOLINT(cppcoreguidelines-no-malloc): getline's
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its newline; false at the end of the file or on a read error (error()).
  bool Next(std::string_view* line) {
    ssize_t n = ::getline(&buffer_, &capacity_, file_);
    if (n < 0) return false;
    digest_.Update({buffer_, static_cast<size_t>(n)});
    bytes_ += static_cast<uint64_t>(n);
    ++lines_;
    size_t length = static_cast<size_t>(n);
    if (length > 0 && buffer_[length - 1] == '\n') --length;
    *line = {buffer_, length};
    return true;
  }
  bool error() const { return std::ferror(file_) != 0; }
  Mark mark() const { return {lines_, bytes_, digest_.HexSoFar()}; }
  uint64_t lines() const { return lines_; }
  uint64_t bytes() const { return bytes_; }

 private:
  std::FILE* file_;
  char* buffer_ = nullptr;
  size_t capacity_ = 0;
  uint64_t lines_ = 0;
  uint64_t bytes_ = 0;
  DigestStream digest_{DigestAlgorithm::kSha256};
};

struct Batch {
  std::vector<ImportRecord> records;
  std::vector<uint64_t> line_of;  // each record's line number
  std::string before;             // the mark the store must hold for this batch to apply
  std::string after;              // the mark it leaves
  uint64_t seq = 0;               // its place among the batches of this run
  int64_t now_ms = 0;             // the time its rules run at
  bool staged = false;            // its rules ran on a store reader (Sender)
  uint64_t lines = 0;             // lines it covers, blank ones included
  uint64_t users = 0, edges = 0, relations = 0;
};

// The batches in the store's queue (at most two, so that one is read while one is written) and
// the failure of the earliest batch that failed (a batch after a failed one fails too). A batch
// whose job completed is freed by the reading thread (in WaitBelow), not by the store's writer,
// which is the slower of the two.
class Pipeline {
 public:
  void WaitBelow(size_t n) {
    std::vector<std::shared_ptr<Batch>> retired;
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return in_flight_ < n; });
    retired.swap(retired_);
    lock.unlock();
  }
  void Started() {
    std::lock_guard lock(mu_);
    ++in_flight_;
  }
  void Finished(std::shared_ptr<Batch> batch, const Status& status, ImportSummary* summary) {
    std::lock_guard lock(mu_);
    --in_flight_;
    if (status.ok()) {
      if (landed_.size() <= batch->seq) landed_.resize(batch->seq + 1);
      landed_[batch->seq] = true;
      summary->lines += batch->lines;
      summary->users += batch->users;
      summary->edges += batch->edges;
      summary->relations += batch->relations;
      summary->staged_batches += batch->staged;
    } else if (error_.ok() || batch->seq < error_seq_) {
      error_ = status;
      error_seq_ = batch->seq;
    }
    retired_.push_back(std::move(batch));
    cv_.notify_all();
  }
  Status error() {
    std::lock_guard lock(mu_);
    return error_;
  }
  bool Landed(uint64_t seq) {
    std::lock_guard lock(mu_);
    return seq < landed_.size() && landed_[seq];
  }
  uint64_t committed(const ImportSummary& summary) {
    std::lock_guard lock(mu_);
    return summary.lines;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t in_flight_ = 0;
  std::vector<std::shared_ptr<Batch>> retired_;
  std::vector<bool> landed_;  // by seq
  Status error_;
  uint64_t error_seq_ = 0;
};

Status AtLine(uint64_t line, const Status& s) {
  return {s.code(), "line " + std::to_string(line) + ": " + s.message()};
}

// Batches worked out ahead of the writer (store/staged_txn.h): a batch of edges only runs its
// rules on a store reader, over a snapshot with the writes of the batches staged before it laid
// over it, while the batches before it are written and the next is read; the writer then only
// writes it. The rules and their reads were a third of the writer's time: they run beside it.
//
// Only where StagedTxn's conditions hold: nothing but this import writes the store (the caller's
// promise), each batch's job checks that the one before it landed, and a batch that must run on
// the writer (it creates users, sets relations, settles requests) lands before the next is
// staged.
class Sender {
 public:
  // Queues the batch's job on the store's writer: its staged writes, or (null) its records.
  using Write = std::function<void(std::shared_ptr<Batch>, std::shared_ptr<const StagedWrites>)>;

  Sender(Store& store, const AppContext& app, bool stage, Pipeline& pipeline,
         ImportSummary* summary, Write write)
      : store_(store),
        app_(app),
        stage_(stage),
        pipeline_(pipeline),
        summary_(summary),
        write_(std::move(write)) {}

  // Waits for the last batch's staging to end (its completion uses this).
  ~Sender() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !staging_; });
  }
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Sends `batch` to the writer, staged first if it can be, after every batch sent before.
  // Returns once the batch before is staged; `batch` counts in the pipeline from now until its
  // job completes.
  void Send(std::shared_ptr<Batch> batch) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !staging_; });
    if (!stage_ || batch->users > 0 || batch->relations > 0) {
      on_top_of_staged_ = false;
      lock.unlock();
      pipeline_.Started();
      return write_(std::move(batch), nullptr);
    }
    if (!on_top_of_staged_) {
      lock.unlock();
      pipeline_.WaitBelow(1);
      lock.lock();
    }
    // A batch known to have landed is in the snapshot, which begins after this.
    std::erase_if(staged_, [&](const auto& s) { return pipeline_.Landed(s.first); });
    std::vector<std::shared_ptr<const StagedWrites>> earlier;
    for (const auto& s : staged_) earlier.push_back(s.second);
    staging_ = true;
    lock.unlock();

    pipeline_.Started();
    auto writes = std::make_shared<std::shared_ptr<StagedWrites>>();
    store_.Read(
        [this, batch = batch.get(), earlier = std::move(earlier), writes](ReadTxn& snapshot) {
          writes->reset();
          StagedTxn txn(snapshot, app_.id, earlier);
          size_t failed = 0;
          try {
            Status s = ImportRecordsRule(txn, app_, batch->now_ms, batch->records, &failed);
            if (!s.ok()) return AtLine(batch->line_of[failed], s);
          } catch (const StagingUnsupported&) {
            return Status::Ok();  // it runs on the writer
          }
          *writes = std::make_shared<StagedWrites>(txn.Take());
          return Status::Ok();
        },
        [this, batch, writes](const Status& s) mutable {
          if (!s.ok()) {
            pipeline_.Finished(std::move(batch), s, summary_);
          } else {
            {
              std::lock_guard lock(mu_);
              on_top_of_staged_ = *writes != nullptr;
              if (*writes) staged_.emplace_back(batch->seq, *writes);
            }
            batch->staged = *writes != nullptr;
            write_(std::move(batch), *writes);
          }
          std::lock_guard lock(mu_);
          staging_ = false;
          cv_.notify_all();
        });
  }

 private:
  Store& store_;
  const AppContext& app_;
  const bool stage_;
  Pipeline& pipeline_;
  ImportSummary* summary_;
  Write write_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool staging_ = false;  // a batch is being staged
  // Batches staged and not known to have landed, with their seq, oldest first.
  std::vector<std::pair<uint64_t, std::shared_ptr<const StagedWrites>>> staged_;
  // Every batch sent so far was staged: else the next one to stage waits for them to land.
  bool on_top_of_staged_ = true;
};

}  // namespace

Status ImportGraphFile(Store& store, const AppContext& app, const std::string& path,
                       const ImportOptions& options, Clock& clock, ImportSummary* summary) {
  *summary = {};
  std::unique_ptr<std::FILE, decltype(&std::fclose)> file(std::fopen(path.c_str(), "rb"),
                                                          std::fclose);
  if (!file) return {Code::kInternal, path + ": " + std::strerror(errno)};
  struct stat st {};
  uint64_t file_bytes = ::fstat(fileno(file.get()), &st) == 0 ? st.st_size : 0;
  LineReader reader(file.get());
  const std::string key = MarkKey(app.id, path);

  std::optional<std::string> stored;
  if (Status s = ReadAndWait(store,
                             [&](ReadTxn& txn) {
                               stored = txn.FindSetting(key);
                               return Status::Ok();
                             });
      !s.ok()) {
    return s;
  }
  std::string before;
  if (stored) {
    auto mark = Mark::Parse(*stored);
    if (!mark) return {Code::kInternal, "unreadable import progress for " + key + ": " + *stored};
    std::string_view line;
    while (reader.lines() < mark->lines && reader.Next(&line)) {
    }
    Mark now = reader.mark();
    if (now.lines != mark->lines || now.bytes != mark->bytes || now.sha256 != mark->sha256) {
      return {Code::kInvalidArgument,
              path + " is not the file imported up to line " + std::to_string(mark->lines) +
                  " into this app (its first " + std::to_string(mark->bytes) +
                  " bytes differ): import a changed file under another name"};
    }
    summary->resumed_after_line = mark->lines;
    before = *stored;
  }

  Pipeline pipeline;
  // The batch's job. It holds the batch by pointer: the completion, called after its last run,
  // holds it (and passes it to the pipeline to free).
  auto write = [&](std::shared_ptr<Batch> batch, std::shared_ptr<const StagedWrites> staged) {
    Batch* b = batch.get();
    store.Write(
        [b, staged, key, &app, now_ms = b->now_ms](WriteTxn& txn) {
          // A batch applies only on top of the one before it: if that one failed, so does this.
          if (txn.FindSetting(key).value_or("") != b->before) {
            return Status(Code::kInternal, "the batch before did not land");
          }
          if (staged) {
            staged->WriteTo(txn);
          } else {
            size_t failed = 0;
            Status s = ImportRecordsRule(txn, app, now_ms, b->records, &failed);
            if (!s.ok()) return AtLine(b->line_of[failed], s);
          }
          txn.PutSetting(key, b->after);
          return Status::Ok();
        },
        [batch, &pipeline, summary](const Status& s) mutable {
          pipeline.Finished(std::move(batch), s, summary);
        });
  };
  Sender sender(store, app, options.staged && store.sole_writer(), pipeline, summary, write);
  uint64_t submitted = 0;
  auto submit = [&](std::shared_ptr<Batch> batch) {
    batch->seq = submitted++;
    batch->before = before;
    batch->after = reader.mark().Format();
    batch->now_ms = clock.NowMs();
    before = batch->after;
    // One batch written, one staged, one sent: the store's writer always has the next.
    pipeline.WaitBelow(3);
    sender.Send(std::move(batch));
  };

  Status stop;
  auto new_batch = [&] {
    auto batch = std::make_shared<Batch>();
    batch->records.reserve(options.batch_lines);
    batch->line_of.reserve(options.batch_lines);
    return batch;
  };
  auto batch = new_batch();
  std::string_view line;
  while (reader.Next(&line)) {
    ++batch->lines;
    uint64_t number = reader.lines();
    if (line.size() > kMaxGraphLineBytes) {
      stop = AtLine(number, {Code::kInvalidArgument, "longer than 1 MiB"});
      break;
    }
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto record = DecodeGraphLine(line);
    if (!record.ok()) {
      stop = AtLine(number, record.status());
      break;
    }
    batch->users += std::holds_alternative<UserRecord>(record.value());
    batch->edges += std::holds_alternative<ImportEdge>(record.value());
    batch->relations += std::holds_alternative<ImportRelation>(record.value());
    batch->records.push_back(std::move(record).value());
    batch->line_of.push_back(number);
    if (batch->records.size() >= options.batch_lines) {
      submit(std::move(batch));
      batch = new_batch();
      if (!pipeline.error().ok()) break;
      if (options.on_progress) {
        options.on_progress({reader.lines() - summary->resumed_after_line,
                             pipeline.committed(*summary), reader.bytes(), file_bytes});
      }
    }
  }
  if (stop.ok() && reader.error()) {
    stop = {Code::kInternal, path + ": read error after line " + std::to_string(reader.lines())};
  }
  if (stop.ok() && pipeline.error().ok() && !batch->records.empty()) submit(std::move(batch));
  pipeline.WaitBelow(1);
  if (options.on_progress) {
    options.on_progress({reader.lines() - summary->resumed_after_line, pipeline.committed(*summary),
                         reader.bytes(), file_bytes});
  }
  // A rule broken in the store comes before a malformed line read later.
  if (Status s = pipeline.error(); !s.ok()) return s;
  return stop;
}

Status ExportGraph(Store& store, AppId app, std::FILE* out, ExportSummary* summary) {
  *summary = {};
  bool write_failed = false;
  auto write = [&](const std::string& line) {
    if (std::fwrite(line.data(), 1, line.size(), out) != line.size()) write_failed = true;
  };
  Status s = ReadAndWait(store, [&](ReadTxn& txn) {
    std::vector<std::pair<UserId, std::string>> users;  // by id
    for (UserId after = 0;;) {
      std::vector<User> page = txn.ListUsersAfter(app, after, 1000);
      if (page.empty()) break;
      for (const User& u : page) {
        write(EncodeUserLine(u));
        users.emplace_back(u.id, u.account);
      }
      after = page.back().id;
      if (write_failed) return Status::Ok();
    }
    summary->users = users.size();
    auto local = [&](UserId id) {
      auto it =
          std::lower_bound(users.begin(), users.end(), std::pair<UserId, std::string>{id, ""});
      return it != users.end() && it->first == id;
    };
    for (const auto& [id, account] : users) {
      for (const FriendView& f : txn.ListFriendsAfter(app, id, 0, SIZE_MAX)) {
        if (f.edge.peer_app != app || !local(f.edge.peer)) {
          ++summary->skipped;
          continue;
        }
        write(EncodeEdgeLine(account, f.peer_account, f.edge));
        ++summary->edges;
      }
      for (Relation kind : {Relation::kBlock, Relation::kMute}) {
        auto entries = txn.ListRelationsBefore(app, id, kind, INT64_MAX, SIZE_MAX);
        for (auto it = entries.rbegin(); it != entries.rend(); ++it) {  // oldest first
          if (!local(it->peer)) {
            ++summary->skipped;
            continue;
          }
          write(EncodeRelationLine(account, it->peer_account, kind));
          ++summary->relations;
        }
      }
      if (write_failed) return Status::Ok();
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (write_failed || std::fflush(out) != 0) {
    return {Code::kInternal, std::string("writing the export: ") + std::strerror(errno)};
  }
  return Status::Ok();
}

}  // namespace fg
