// Moving an app's graph in and out of a store in bulk, as JSON Lines (app/graph_lines.h): what
// `friendgraph import` and `friendgraph export` run.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "core/change.h"
#include "store/store.h"

namespace fg {

struct ImportProgress {
  uint64_t lines_read = 0;       // this run, resumed lines not counted
  uint64_t lines_committed = 0;  // this run
  uint64_t bytes_read = 0;       // of the file, resumed bytes included
  uint64_t file_bytes = 0;
};

struct ImportOptions {
  size_t batch_lines = 20'000;  // records per store job: all of a batch lands, or none of it
  // A batch of edges only has its rules run on a store reader while the batch before is written
  // (store/staged_txn.h), when the store is its data's sole writer; false: every batch runs on
  // the writer (the same graph, more slowly).
  bool staged = true;
  // Called on the calling thread after each batch is read (progress bars, logs).
  std::function<void(const ImportProgress&)> on_progress;
};

struct ImportSummary {
  uint64_t resumed_after_line = 0;  // lines a previous run had imported already
  uint64_t lines = 0;               // lines committed by this run (blank ones included)
  uint64_t users = 0;
  uint64_t edges = 0;
  uint64_t relations = 0;
  uint64_t staged_batches = 0;  // of those committed, the ones staged (ImportOptions::staged)
};

// Imports the file at `path` into `app`, in batches of options.batch_lines lines, each one store
// job applying its records by the rules (ImportRecordsRule). Reading, decoding and (staged) the
// rules of the next batch overlap the store writing the last one. REQUIRES: nothing else writes
// `store` until it returns (a staged batch is worked out over a snapshot).
//
// Resumable: each batch's job also records, in the store, how far the file has been imported
// (lines, bytes, and the SHA-256 of those bytes); a later run on the same path resumes after the
// last committed batch, once the file's first bytes are proven the same. A file whose imported
// part has changed is refused (kFailedPrecondition); a file imported whole imports nothing more.
//
// Stops at the first line that is malformed (kInvalidArgument) or breaks a rule (the rule's
// code); the message starts "line N: ". The batch holding that line is not written; the batches
// before it are, and `summary` counts them. kInternal when the file cannot be read or the store
// fails.
Status ImportGraphFile(Store& store, const AppContext& app, const std::string& path,
                       const ImportOptions& options, Clock& clock, ImportSummary* summary);

struct ExportSummary {
  uint64_t users = 0;
  uint64_t edges = 0;
  uint64_t relations = 0;
  uint64_t skipped = 0;  // edges and relations to users of other (linked) apps: not exported
};

// Writes every user of `app`, then each one's alive edges (by peer) and blocks and mutes (in the
// order they were added), from one read snapshot, to `out`. What the format has no room for is
// left out: tombstones, requests, avatars' bytes, fields on edges that were never alive, and
// times and versions (an import makes its own). kInternal if the store or `out` fails.
Status ExportGraph(Store& store, AppId app, std::FILE* out, ExportSummary* summary);

}  // namespace fg
