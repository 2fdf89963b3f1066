// friendgraph: a self-hosted friend-relationship server speaking four IM clouds' server APIs.
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>

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

  CLI11_PARSE(cli, argc, argv);
  if (*serve_cmd) return fg::Serve(serve);
  return fg::Sign(sign);
}
