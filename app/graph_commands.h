// `friendgraph import` and `friendgraph export`: an app's graph in and out of the data
// directory's store, as JSON Lines (app/graph_lines.h, docs/import-export.md).
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace fg {

struct ImportFlags {
  std::optional<std::string> config_path;
  std::optional<std::string> data_dir;
  std::string app;
  std::string file;
  size_t batch_lines = 20'000;
};

// Runs with the server stopped: it takes the data directory's lock, so a running server makes it
// refuse (the server keeps caches that only its own writes keep right, and a bulk import wants
// the writer to itself). The app's limits come from the config's app of that name (required when
// a config is given; the defaults without one). Progress goes to stderr (a bar on a terminal),
// the summary to stdout. Returns the exit code: 0 done (or nothing left to do), 1 when a line is
// malformed or breaks a rule (named by its number; the batches before it are kept, and running
// the same command again after fixing it resumes there), when the file, the data directory or
// the store fails; 2 for bad flags or config.
int Import(const ImportFlags& flags);

struct ExportFlags {
  std::optional<std::string> config_path;
  std::optional<std::string> data_dir;
  std::string app;
  std::optional<std::string> output;  // absent: stdout
};

// Writes the app's graph from one read snapshot. Runs beside a server too (SQLite readers never
// block its writer). The output file is created with mode 0600: it holds tokens and password
// hashes. The summary goes to stderr. Returns 0, 1 when the store or the output fails, 2 for bad
// flags, config or an unknown app.
int Export(const ExportFlags& flags);

}  // namespace fg
