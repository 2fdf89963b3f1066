// friendgraph: a self-hosted friend-relationship server speaking four IM clouds' server APIs.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>

#include "app/graph_commands.h"
#include "app/serve.h"

int main(int argc, char** argv) {
  // A write to a closed pipe or socket must fail with EPIPE, not kill the process: stderr may be
  // a pipe whose reader died, and every log line would otherwise be fatal.
  std::signal(SIGPIPE, SIG_IGN);
  auto logger = spdlog::stderr_logger_mt("friendgraph");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  spdlog::set_default_logger(logger);

  CLI::App cli{"friendgraph: a self-hosted friend-relationship server for IM apps"};
  cli.require_subcommand(1);

  fg::ServeFlags serve;
  auto* serve_cmd = cli.add_subcommand("serve", "Serve the friend graph over HTTP");
  serve_cmd->add_option("--config", serve.config_path, "TOML config file")
      ->check(CLI::ExistingFile);
  serve_cmd->add_option("--listen", serve.listen,
                        "HOST:PORT to listen on (default 127.0.0.1:8080)");
  serve_cmd->add_option("--data-dir", serve.data_dir,
                        "Data directory (default ./friendgraph-data)");

  fg::SignFlags sign;
  auto* sign_cmd = cli.add_subcommand(
      "sign", "Print curl flags that authenticate one call (fresh signature headers or token)");
  sign_cmd->add_option("--config", sign.config_path, "TOML config file")->check(CLI::ExistingFile);
  sign_cmd->add_option("--data-dir", sign.data_dir, "Data directory holding the demo app");
  sign_cmd->add_option("--app", sign.app, "App name (default: the first that enables the dialect)");
  sign_cmd->add_option("--dialect", sign.dialect,
                       "Dialect, as in the config's [apps.<dialect>] (default: the app's first)");

  fg::ImportFlags import;
  auto* import_cmd = cli.add_subcommand(
      "import", "Import an app's graph from JSON Lines (docs/import-export.md); server stopped");
  import_cmd->add_option("--config", import.config_path, "TOML config file (the app's limits)")
      ->check(CLI::ExistingFile);
  import_cmd->add_option("--data-dir", import.data_dir, "Data directory");
  import_cmd->add_option("--app", import.app, "App name")->required();
  import_cmd->add_option("--batch", import.batch_lines, "Lines per transaction (default 20000)")
      ->check(CLI::Range(1, 1'000'000));
  import_cmd->add_option("file", import.file, "JSON Lines file")
      ->required()
      ->check(CLI::ExistingFile);

  fg::ExportFlags export_flags;
  auto* export_cmd =
      cli.add_subcommand("export", "Write an app's graph as JSON Lines (docs/import-export.md)");
  export_cmd->add_option("--config", export_flags.config_path, "TOML config file")
      ->check(CLI::ExistingFile);
  export_cmd->add_option("--data-dir", export_flags.data_dir, "Data directory");
  export_cmd->add_option("--app", export_flags.app, "App name")->required();
  export_cmd->add_option("--output", export_flags.output,
                         "File to write (mode 0600; default stdout)");

  CLI11_PARSE(cli, argc, argv);
  if (*serve_cmd) return fg::Serve(serve);
  if (*import_cmd) return fg::Import(import);
  if (*export_cmd) return fg::Export(export_flags);
  return fg::Sign(sign);
}
