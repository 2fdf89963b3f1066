// A small HTTP/1.1 client for the calls friendgraph makes itself (SealTalk's SMS webhook): one
// POST at a time, blocking its thread until an answer or the deadline, over http:// or https://
// (OpenSSL, the server's certificate and name verified against the system's CA store). Beast
// stays inside client.cc. Thread-safe: each call is independent.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/status.h"

namespace fg::http {

// An absolute http(s) URL taken apart; the path includes any query ("/" if none).
struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;
};

// kInvalidArgument for anything but http://host[:port][/path] or https://… (no user info).
Result<Url> ParseUrl(std::string_view text);

// POSTs `body` with `content_type` to `url` and returns the answer's status code. kUnavailable
// when the connection, the TLS handshake or the exchange fails or `timeout` passes in all.
Result<int> Post(const Url& url, std::string_view content_type, std::string_view body,
                 std::chrono::milliseconds timeout);

}  // namespace fg::http
