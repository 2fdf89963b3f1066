#include "app/graph_commands.h"

#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "app/config.h"
#include "app/data_dir.h"
#include "app/graph_transfer.h"
#include "app/progress_meter.h"
#include "store/sqlite/sqlite_store.h"

namespace fg {
namespace {

std::string DatabasePath(const Config& config) {
  return (std::filesystem::path(config.data_dir) / "friendgraph.db").string();
}

// The most page cache an import takes (less if the memory budget is smaller).
constexpr int64_t kImportCacheBytes = int64_t{256} << 20;

// An import allocates and frees a few buffers of megabytes per batch, on three threads: glibc
// would give each back to the kernel when freed (mmap above its threshold, or trimming the top of
// a heap) and fault it back in, zeroed page by page, for the next batch, about a tenth of the
// import's time. It keeps them instead: tens of MiB (docs/import-export.md "Speed").
void KeepBatchBuffers() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  mallopt(M_TOP_PAD, 64 << 20);
}

int Fail(int code, const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  return code;
}

}  // namespace

int Import(const ImportFlags& flags) {
  auto config = LoadConfig(flags.config_path, flags.data_dir);
  if (!config.ok()) return Fail(2, config.status().message());
  AppContext app;
  if (flags.config_path) {
    const AppConfig* found = nullptr;
    for (const AppConfig& a : config->apps) {
      if (a.name == flags.app) found = &a;
    }
    if (!found) return Fail(2, "no app named " + flags.app + " in " + *flags.config_path);
    app.limits = {found->max_friends, found->max_blocks, found->max_mutes};
  }
  if (Status s = PrepareDataDir(config->data_dir); !s.ok()) return Fail(1, s.message());
  auto lock = DataDirLock::Acquire(config->data_dir);
  if (!lock.ok()) {
    return Fail(1, lock.status().message() + "; import runs with the server stopped");
  }
  KeepBatchBuffers();
  SqliteOptions options;
  options.path = DatabasePath(config.value());
  options.readers = 1;
  // A crash or power cut may lose the last batches, and their progress marks with them: the
  // next run resumes before them. The file stays consistent either way (WAL).
  options.synchronous_full = false;
  // The server is stopped, so the store may take the whole memory budget, but an import needs
  // little of it: it writes at the end of the tables and reads the rows of the last batches. A
  // cache the size of the database only costs a page fault per page as it grows (1M x 50 graph:
  // 147 s with 4.9 GB resident against 126 s with 0.5 GB, docs/benchmarks.md "Bulk import").
  options.cache_bytes = std::min(config->memory_budget_mb << 20, kImportCacheBytes);
  auto store = OpenSqliteStore(options);
  if (!store.ok()) return Fail(1, store.status().message());
  auto id = store.value()->EnsureApp(flags.app);
  if (!id.ok()) return Fail(1, id.status().message());
  app.id = id.value();

  ProgressMeter meter(stderr, ::isatty(STDERR_FILENO) == 1);
  ImportOptions import;
  import.batch_lines = flags.batch_lines;
  ImportProgress last;
  import.on_progress = [&](const ImportProgress& p) { last = p;
  meter.Update(p);
};
auto start = std::chrono::steady_clock::now();
ImportSummary summary;
Status s = ImportGraphFile(*store.value(), app, flags.file, import, *Clock::System(), &summary);
store.value()->Close();
meter.Finish(last);
double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
std::printf(
    "imported %llu lines into app %s in %.1f s (%.0f lines/s): %llu users, %llu edges, "
    "%llu blocks and mutes%s\n",
    static_cast<unsigned long long>(summary.lines), flags.app.c_str(), seconds,
    seconds > 0 ? summary.lines / seconds : 0.0, static_cast<unsigned long long>(summary.users),
    static_cast<unsigned long long>(summary.edges),
    static_cast<unsigned long long>(summary.relations),
    summary.resumed_after_line
        ? (" (resumed after line " + std::to_string(summary.resumed_after_line) + ")").c_str()
        : "");
if (!s.ok()) {
  uint64_t through = summary.resumed_after_line + summary.lines;
  return Fail(1, "import stopped: " + s.message() + "\nlines 1-" + std::to_string(through) +
                     " are imported; fix the line and run the same command again to resume");
}
return 0;
}  // namespace fg

int Export(const ExportFlags& flags) {
  auto config = LoadConfig(flags.config_path, flags.data_dir);
  if (!config.ok()) return Fail(2, config.status().message());
  if (!std::filesystem::exists(DatabasePath(config.value()))) {
    return Fail(2, "no store in " + config->data_dir);
  }
  SqliteOptions options;
  options.path = DatabasePath(config.value());
  options.readers = 1;
  auto store = OpenSqliteStore(options);
  if (!store.ok()) return Fail(1, store.status().message());
  // Looked up, never created: a misspelt name must not leave an empty app behind.
  std::optional<AppId> id;
  Status read = ReadAndWait(*store.value(), [&](ReadTxn& txn) {
    id = txn.FindApp(flags.app);
    return Status::Ok();
  });
  if (!read.ok()) return Fail(1, read.message());
  if (!id) return Fail(2, "no app named " + flags.app + " in " + config->data_dir);

  std::FILE* out = stdout;
  std::unique_ptr<std::FILE, decltype(&std::fclose)> file(nullptr, std::fclose);
  if (flags.output) {
    int fd = ::open(flags.output->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Fail(1, *flags.output + ": " + std::strerror(errno));
    file.reset(::fdopen(fd, "wb"));
    if (!file) {
      ::close(fd);
      return Fail(1, *flags.output + ": " + std::strerror(errno));
    }
    out = file.get();
  }
  ExportSummary summary;
  Status s = ExportGraph(*store.value(), *id, out, &summary);
  store.value()->Close();
  if (file && std::fclose(file.release()) != 0 && s.ok()) {
    s = Status(Code::kInternal, *flags.output + ": " + std::strerror(errno));
  }
  if (!s.ok()) return Fail(1, s.message());
  std::fprintf(
      stderr, "exported app %s: %llu users, %llu edges, %llu blocks and mutes%s\n",
      flags.app.c_str(), static_cast<unsigned long long>(summary.users),
      static_cast<unsigned long long>(summary.edges),
      static_cast<unsigned long long>(summary.relations),
      summary.skipped
          ? (", " + std::to_string(summary.skipped) + " to users of linked apps left out").c_str()
          : "");
  return 0;
}

}  // namespace fg
