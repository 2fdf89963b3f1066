// Server: HTTP/1.1 with keep-alive over Boost.Beast, one io_context run by `threads` threads.
//
// Each connection reads one request at a time: the header within header_timeout, then the body
// within body_timeout; between requests a kept-alive connection may stay idle (not one byte of
// its next request yet) for idle_timeout. Refused with a plain-text answer and a close: a body
// over the route's body limit (RouteOptions, else body_limit) 413, as soon as the header says so;
// a header over header_limit 431; a malformed request 400, and so are framings that a proxy could
// read differently (RFC 9112 §6: Transfer-Encoding other than exactly "chunked", or with
// Content-Length, or in HTTP/1.0; HTTP/1.1 without Host; Host twice). Header names reach the
// handler lower-cased; the trailer fields of a chunked body never do. A HEAD request gets the
// header its handler's answer would have, without the body. A connection that misses a timeout
// is closed without an answer (the socket is gone by then). Handlers may answer from any thread.
//
// Lingering close: when such an answer goes before the request was read whole (a body over its
// limit is answered from its header, or at the chunk that passes the limit), the server stops
// sending, then reads and drops what the client still sends, at most linger_limit bytes for at
// most linger_timeout in all, and closes. A client that sends its whole body before it reads
// (most do) thus reads the answer and a FIN rather than a reset. The connection keeps its slot
// meanwhile; a shutdown does not wait for it.
//
// Connection slots: at most max_connections, and max_connections_per_client per client address
// (an IPv6 client by its /64). From 90 % of max_connections on, each new connection first closes
// the connection that has been idle longest; a connection with no slot gets a fixed 503 with
// Connection: close. Beast stays inside server.cc.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/executor.h"
#include "base/status.h"
#include "http/metrics.h"
#include "http/router.h"

namespace fg::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port; see Server::port()
  int threads = 0;       // 0: one per core
  size_t body_limit = 1 << 20;
  size_t header_limit = 16 << 10;
  int64_t max_connections = 10'000;          // > 0; see "Connection slots" above
  int64_t max_connections_per_client = 256;  // > 0; per client IPv4 address or IPv6 /64
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds drain_timeout{10'000};  // how long shutdown waits for in-flight work
  // A lingering close's bounds (see above): enough to take in a body tens of MiB over its limit
  // at LAN speed, short enough that no client holds a connection slot for long.
  size_t linger_limit = 64 << 20;
  std::chrono::milliseconds linger_timeout{5'000};
};

class Server {
 public:
  virtual ~Server() = default;

  // Binds and listens. `router` and `metrics` must outlive the server.
  // On failure (bad address, port in use) an error naming the address.
  static Result<std::unique_ptr<Server>> Listen(const ServerOptions& options, const Router& router,
                                                Metrics& metrics);

  // The port it listens on (the real one when options.port was 0).
  virtual uint16_t port() const = 0;

  // Runs work on the server's threads (e.g. store completions, so that answers are encoded off
  // the store's threads). An exception that escapes the work is logged, never fatal. Work posted
  // after Run() has returned is dropped. Valid as long as the server.
  virtual Executor& executor() = 0;

  // Serves until SIGINT, SIGTERM, SIGHUP or Stop(); then stops accepting, lets in-flight
  // requests finish (up to drain_timeout) and returns. Call once.
  virtual void Run() = 0;

  // Makes Run() return as a signal would. Thread-safe.
  virtual void Stop() = 0;
};

}  // namespace fg::http
