#include "http/server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/intrusive/list.hpp>
#include <limits>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "http/token.h"

namespace fg::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

class ServerImpl;
class ConnectionTable;

// The whole answer to a connection refused at accept.
std::string BusyAnswer(std::string_view body) {
  return "HTTP/1.1 503 Service Unavailable\r\nServer: friendgraph\r\n"
         "Content-Type: text/plain; charset=utf-8\r\nRetry-After: 1\r\nConnection: close\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// Posts work to the io_context, containing what it throws: a handler bug is logged, and the
// thread goes on serving.
class IoExecutor final : public Executor {
 public:
  explicit IoExecutor(asio::io_context& ioc) : ioc_(ioc) {}
  void Post(std::function<void()> work) override {
    asio::post(ioc_, [work = std::move(work)] {
      try {
        work();
      } catch (const std::exception& e) {
        spdlog::error("event=handler_exception error=\"{}\"", e.what());
      } catch (...) {
        spdlog::error("event=handler_exception error=unknown");
      }
    });
  }

 private:
  asio::io_context& ioc_;
};

// One client connection. Lives as long as an async operation or a pending Responder holds it.
// The intrusive hook links it into ConnectionTable's idle list while it waits for its next request.
class Session : public std::enable_shared_from_this<Session>,
                public boost::intrusive::list_base_hook<> {
 public:
  Session(tcp::socket socket, ServerImpl& server, asio::ip::address client);
  ~Session();
  void Start() {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }
  // Frees its connection slot and closes the socket; pending reads and writes end with an error.
  // Call on the session's strand.
  void Close();
  beast::tcp_stream::executor_type executor() { return stream_.get_executor(); }

 private:
  friend class ConnectionTable;

  void AwaitRequest();
  void ReadHeader();
  void OnHeader(beast::error_code ec);
  void ReadBody();
  void OnBody(beast::error_code ec);
  void Dispatch();
  void Write(Response response, bool keep_alive);
  void Fail(int status, std::string_view message);
  // A body over the route's limit: the route's own answer (RouteOptions::too_large) or 413.
  void TooLarge();
  // After an answer written while the client may still be sending its request: stops sending,
  // then reads and drops what comes (at most linger_limit, for at most linger_timeout) before
  // closing. Closing at once with unread bytes would make the kernel reset the connection, and a
  // client still sending (most send the whole body before they read) would lose the answer.
  // The connection keeps its slot meanwhile, so that oversized requests cannot open sockets past
  // max_connections; a client that closes once it has read the answer ends it at once. A
  // shutdown does not wait for lingering connections (only for requests in flight).
  void Linger();
  void DrainSome();

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> response_;
  ServerImpl& server_;
  const asio::ip::address client_;  // the key of its per-client count
  const std::string client_text_;   // client_, as Request::client shows it
  bool counted_ = true;             // holds a slot; guarded by ConnectionTable::mu_
  // The request being read, taken from the header as soon as it has arrived (see OnHeader).
  Request request_;
  Router::Match match_;
  bool keep_alive_ = false;
  bool head_ = false;       // a HEAD request: the answer goes without its body
  bool in_flight_ = false;  // a handler has the request; counted in Metrics::in_flight
  bool unread_ = false;     // the answer goes before the request was read whole: Linger()
  size_t drained_ = 0;      // bytes Linger() has dropped
  SteadyClock::time_point linger_until_;
  SteadyClock::time_point started_;
  unsigned version_ = 11;
};

// Slots for connections: how many are open, in total and per client address, and which are idle
// (kept alive, waiting for their next request), oldest first. Thread-safe: the acceptor admits on
// the control strand while sessions go idle, wake up and end on their own strands; one mutex keeps
// every count exact.
class ConnectionTable {
 public:
  enum class Verdict { kAdmitted, kFull, kPerClient };

  ConnectionTable(int64_t max_connections, int64_t max_per_client)
      : max_(max_connections),
        max_per_client_(max_per_client),
        shed_at_(max_connections - max_connections / 10) {}

  // Takes a slot for a new connection from `client`, or says why there is none. From 90 % of
  // max_connections on it first frees the slot of the oldest idle connection, so that kept-alive
  // connections nobody uses cannot starve new clients: that session comes back in `shed`,
  // already uncounted, for the caller to close.
  Verdict Admit(const asio::ip::address& client, std::shared_ptr<Session>* shed) {
    std::lock_guard lock(mu_);
    auto it = per_client_.find(client);
    if (it != per_client_.end() && it->second >= max_per_client_) return Verdict::kPerClient;
    if (open_ >= shed_at_) *shed = ShedOldestIdle();
    if (open_ >= max_) return Verdict::kFull;
    ++open_;
    ++per_client_[client];
    return Verdict::kAdmitted;
  }

  // The session waits for the first byte of its next request; it may be shed from now on.
  void EnterIdle(Session& session) {
    std::lock_guard lock(mu_);
    if (session.counted_) idle_.push_back(session);
  }

  // The session's wait is over (bytes, an error or a timeout). False when it was shed meanwhile:
  // it must then close without serving anything.
  bool LeaveIdle(Session& session) {
    std::lock_guard lock(mu_);
    if (session.is_linked()) idle_.erase(idle_.iterator_to(session));
    return session.counted_;
  }

  // The session closes or ends: frees its slot unless that was done already. Idempotent.
  void Release(Session& session) {
    std::lock_guard lock(mu_);
    if (session.is_linked()) idle_.erase(idle_.iterator_to(session));
    if (session.counted_) Uncount(session);
  }

 private:
  // REQUIRES: mu_ held.
  std::shared_ptr<Session> ShedOldestIdle() {
    for (auto it = idle_.begin(); it != idle_.end(); ++it) {
      std::shared_ptr<Session> victim = it->weak_from_this().lock();
      // An expired one is being destroyed: its destructor waits for mu_ to unlink itself.
      if (!victim) continue;
      idle_.erase(it);
      Uncount(*victim);
      return victim;
    }
    return nullptr;
  }

  // REQUIRES: mu_ held, session.counted_.
  void Uncount(Session& session) {
    session.counted_ = false;
    --open_;
    auto it = per_client_.find(session.client_);
    if (--it->second == 0) per_client_.erase(it);
  }

  const int64_t max_;
  const int64_t max_per_client_;
  const int64_t shed_at_;
  std::mutex mu_;
  int64_t open_ = 0;                                 // guarded by mu_
  std::map<asio::ip::address, int64_t> per_client_;  // guarded by mu_; no zero entries
  boost::intrusive::list<Session> idle_;             // guarded by mu_; oldest first
};

class ServerImpl final : public Server {
 public:
  ServerImpl(const ServerOptions& options, const Router& router, Metrics& metrics)
      : options_(options),
        router_(router),
        metrics_(metrics),
        table_(options.max_connections, options.max_connections_per_client),
        control_(asio::make_strand(ioc_)),
        acceptor_(control_),
        // SIGHUP as SIGTERM: a closed terminal or a supervisor's hang-up drains instead of
        // killing the process mid-write.
        signals_(control_, SIGINT, SIGTERM, SIGHUP),
        drain_timer_(control_),
        accept_timer_(control_) {}

  Status Bind() {
    beast::error_code ec;
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec)
      return {Code::kInvalidArgument, "listen address '" + options_.host + "': " + ec.message()};
    tcp::endpoint endpoint(address, options_.port);
    std::string where = options_.host + ":" + std::to_string(options_.port);
    if (acceptor_.open(endpoint.protocol(), ec); ec)
      return {Code::kUnavailable, where + ": " + ec.message()};
    acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (acceptor_.bind(endpoint, ec); ec) return {Code::kUnavailable, where + ": " + ec.message()};
    if (acceptor_.listen(asio::socket_base::max_listen_connections, ec); ec) {
      return {Code::kUnavailable, where + ": " + ec.message()};
    }
    return Status::Ok();
  }

  uint16_t port() const override { return acceptor_.local_endpoint().port(); }
  Executor& executor() override { return executor_; }

  void Run() override {
    signals_.async_wait([this](beast::error_code ec, int signal) {
      if (!ec) spdlog::info("event=signal signal={} action=drain", signal);
      BeginStop();
    });
    Accept();
    int threads =
        options_.threads > 0 ? options_.threads : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([this] { ioc_.run(); });
    ioc_.run();
    for (auto& t : pool) t.join();
  }

  void Stop() override {
    asio::post(control_, [this] { BeginStop(); });
  }

  const ServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  Metrics& metrics() { return metrics_; }
  ConnectionTable& table() { return table_; }
  bool stopping() const { return stopping_.load(std::memory_order_relaxed); }

 private:
  void Accept() {
    acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket s) {
      if (!acceptor_.is_open()) return;
      if (!ec) {
        Admit(std::move(s));
        return Accept();
      }
      // Out of file descriptors or memory: retrying at once would spin. Pause, then go on; the
      // connections already open keep being served meanwhile.
      spdlog::warn("event=accept_failed error=\"{}\" retry_in_ms=100", ec.message());
      accept_timer_.expires_after(std::chrono::milliseconds(100));
      accept_timer_.async_wait([this](beast::error_code) { Accept(); });
    });
  }

  void Admit(tcp::socket socket) {
    beast::error_code ec;
    auto peer = socket.remote_endpoint(ec);
    if (ec) return;  // the client left already; the socket closes here
    asio::ip::address client = ClientKey(peer.address());
    std::shared_ptr<Session> shed;
    auto verdict = table_.Admit(client, &shed);
    if (shed) {
      metrics_.RecordShed();
      asio::post(shed->executor(), [shed] { shed->Close(); });
    }
    if (verdict != ConnectionTable::Verdict::kAdmitted) return Refuse(std::move(socket), verdict);
    std::make_shared<Session>(std::move(socket), *this, client)->Start();
  }

  // The key of a client's connection count. An IPv6 client controls at least a /64 (RFC 6177),
  // so it is counted by that prefix; an IPv4 client seen through a dual-stack socket by its IPv4
  // address.
  static asio::ip::address ClientKey(const asio::ip::address& address) {
    if (!address.is_v6()) return address;
    auto v6 = address.to_v6();
    if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6);
    auto bytes = v6.to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return asio::ip::address_v6(bytes);
  }

  // Answers 503 on a connection that has no slot, without reading its request: a fixed answer in
  // one non-blocking send (a new socket's send buffer has room for it), then close. What the
  // client has sent already is read first, so that the close sends a FIN rather than a reset
  // that could destroy the answer before the client reads it.
  void Refuse(tcp::socket socket, ConnectionTable::Verdict verdict) {
    static const std::string kFull = BusyAnswer("too many connections\n");
    static const std::string kPerClient = BusyAnswer("too many connections from your address\n");
    bool per_client = verdict == ConnectionTable::Verdict::kPerClient;
    metrics_.RecordRefusal(per_client ? Metrics::Refusal::kPerClient : Metrics::Refusal::kFull);
    beast::error_code ec;
    socket.non_blocking(true, ec);
    socket.write_some(asio::buffer(per_client ? kPerClient : kFull), ec);
    std::array<char, 4096> sink;
    for (int i = 0; i < 16 && socket.available(ec) > 0 && !ec; ++i) {
      socket.read_some(asio::buffer(sink), ec);
    }
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    // One line a second at most: a flood of refusals must not become a flood of log lines.
    ++refused_since_log_;
    auto now = SteadyClock::now();
    if (now - last_refusal_log_ >= std::chrono::seconds(1)) {
      spdlog::warn("event=connection_refused reason={} refused_since_last_log={}",
                   per_client ? "max_connections_per_client" : "max_connections",
                   refused_since_log_);
      refused_since_log_ = 0;
      last_refusal_log_ = now;
    }
  }

  // Stops accepting and waits for in-flight requests, then stops the io_context.
  void BeginStop() {
    if (stopping_.exchange(true)) return;
    beast::error_code ec;
    acceptor_.close(ec);
    accept_timer_.cancel();
    signals_.cancel(ec);
    drain_deadline_ = SteadyClock::now() + options_.drain_timeout;
    Drain();
  }

  void Drain() {
    if (metrics_.in_flight() == 0 || SteadyClock::now() >= drain_deadline_) {
      if (metrics_.in_flight() != 0) {
        spdlog::warn("event=drain_timeout in_flight={}", metrics_.in_flight());
      }
      ioc_.stop();
      return;
    }
    drain_timer_.expires_after(std::chrono::milliseconds(5));
    drain_timer_.async_wait([this](beast::error_code) { Drain(); });
  }

  const ServerOptions options_;
  const Router& router_;
  Metrics& metrics_;
  ConnectionTable table_;  // before ioc_: sessions destroyed with ioc_ release their slots
  asio::io_context ioc_;
  IoExecutor executor_{ioc_};
  // The acceptor, the signals and the timers live on this strand: they are not thread-safe.
  asio::strand<asio::io_context::executor_type> control_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer drain_timer_;
  asio::steady_timer accept_timer_;
  SteadyClock::time_point drain_deadline_;
  SteadyClock::time_point last_refusal_log_;  // on control_
  int64_t refused_since_log_ = 0;             // on control_
  std::atomic<bool> stopping_{false};
};

// Why a request's framing cannot be trusted (RFC 9112 §3.2, §6.1, §6.3), or nullopt. A proxy in
// front of us may frame such a request differently, so that bytes we take for a second request
// were part of the first one for it (request smuggling): the answer is 400 and a close.
std::optional<std::string_view> FramingError(const bhttp::request<bhttp::string_body>& req) {
  size_t hosts = req.count(bhttp::field::host);
  if (hosts > 1) return "more than one Host header";
  if (hosts == 0 && req.version() >= 11) return "an HTTP/1.1 request needs a Host header";
  auto [first, last] = req.equal_range(bhttp::field::transfer_encoding);
  if (first == last) return std::nullopt;
  if (req.version() < 11) return "Transfer-Encoding in an HTTP/1.0 request";
  if (req.count(bhttp::field::content_length) > 0) {
    return "Transfer-Encoding together with Content-Length";
  }
  // Every Transfer-Encoding line is part of one list; it must be exactly "chunked". Beast reads
  // a body only when "chunked" comes last, and ignores any other coding (xchunked, identity,
  // a second chunked): the body would then be read as the next request.
  int codings = 0;
  bool chunked = false;
  for (auto it = first; it != last; ++it) {
    std::string_view list(it->value().data(), it->value().size());
    for (;;) {
      size_t comma = list.find(',');
      std::string_view coding = TrimOws(list.substr(0, comma));
      if (!coding.empty()) {  // empty list elements are allowed and mean nothing
        ++codings;
        chunked = EqualsIgnoreCase(coding, "chunked");
      }
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
  }
  if (codings != 1 || !chunked) return "Transfer-Encoding must be exactly chunked";
  return std::nullopt;
}

std::string LowerCase(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

Session::Session(tcp::socket socket, ServerImpl& server, asio::ip::address client)
    : stream_(std::move(socket)),
      server_(server),
      client_(client),
      client_text_(client.to_string()) {
  server_.metrics().AddConnections(1);
}

Session::~Session() {
  server_.table().Release(*this);
  if (in_flight_) server_.metrics().AddInFlight(-1);  // dropped unanswered
  server_.metrics().AddConnections(-1);
}

void Session::AwaitRequest() {
  if (buffer_.size() != 0) return ReadHeader();  // pipelined: the next request is here already
  // Idle until the first byte of the next request: the table may shed the connection meanwhile,
  // and it may wait idle_timeout rather than header_timeout.
  server_.table().EnterIdle(*this);
  stream_.expires_after(server_.options().idle_timeout);
  stream_.async_read_some(buffer_.prepare(8192),
                          [self = shared_from_this()](beast::error_code ec, size_t n) {
                            self->buffer_.commit(n);
                            bool still_counted = self->server_.table().LeaveIdle(*self);
                            if (ec || !still_counted) return self->Close();
                            self->ReadHeader();
                          });
}

void Session::ReadHeader() {
  const auto& options = server_.options();
  parser_.emplace();
  // No limit until the route is known (OnHeader): Beast would otherwise refuse a Content-Length
  // over the default while reading the header, before a route could allow more.
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  parser_->header_limit(static_cast<std::uint32_t>(options.header_limit));
  head_ = false;
  unread_ = true;  // until the whole request is read (Dispatch)
  stream_.expires_after(options.header_timeout);
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
}

void Session::OnHeader(beast::error_code ec) {
  if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
      ec == asio::error::connection_reset || ec == asio::error::eof) {
    return Close();
  }
  if (ec == bhttp::error::header_limit) return Fail(431, "request header too large");
  if (ec) return Fail(400, "malformed request: " + ec.message());
  auto& req = parser_->get();
  version_ = req.version();
  head_ = req.method() == bhttp::verb::head;
  if (auto error = FramingError(req)) return Fail(400, *error);

  // The request is taken now, before the body: the parser adds the trailer fields of a chunked
  // body to the same field list, and trailers must never count as headers.
  request_ = {};
  request_.method = std::string(req.method_string());
  request_.client = client_text_;
  std::string_view target(req.target().data(), req.target().size());
  size_t q = target.find('?');
  request_.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) request_.query = std::string(target.substr(q + 1));
  if (request_.path.empty() || request_.path.front() != '/') {
    return Fail(400, "request target must be an absolute path");
  }
  request_.headers.reserve(8);
  for (const auto& field : req) {
    request_.headers.emplace_back(LowerCase(std::string(field.name_string())),
                                  std::string(field.value()));
  }
  keep_alive_ = req.keep_alive();

  // The route decides how large a body may be.
  match_ = server_.router().Find(request_.method, request_.path);
  size_t limit = match_.handler && match_.options.body_limit != 0 ? match_.options.body_limit
                                                                  : server_.options().body_limit;
  if (auto length = parser_->content_length(); length && *length > limit) return TooLarge();
  parser_->body_limit(limit);  // checked against each chunk of a chunked body
  if (parser_->is_done()) return Dispatch();
  stream_.expires_after(server_.options().body_timeout);
  if (auto expect = req[bhttp::field::expect]; beast::iequals(expect, "100-continue")) {
    // curl waits a second for this before sending a body over 1 KiB. The body is read only
    // after it is written, so that two writes never overlap.
    auto cont =
        std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, version_);
    return bhttp::async_write(stream_, *cont,
                              [self = shared_from_this(), cont](beast::error_code ec, size_t) {
                                if (ec) return self->Close();
                                self->ReadBody();
                              });
  }
  ReadBody();
}

void Session::ReadBody() {
  bhttp::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
}

void Session::OnBody(beast::error_code ec) {
  if (ec == bhttp::error::body_limit) return TooLarge();
  // A timed-out body cannot be answered: the stream has closed the socket already.
  if (ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
      ec == asio::error::connection_reset || ec == beast::error::timeout) {
    return Close();
  }
  if (ec) return Fail(400, "malformed request: " + ec.message());
  Dispatch();
}

void Session::Dispatch() {
  unread_ = false;
  stream_.expires_never();
  started_ = SteadyClock::now();
  Request request = std::move(request_);
  request.body = std::move(parser_->get().body());
  bool keep_alive = keep_alive_;

  if (!match_.handler) {
    return Write(match_.method_not_allowed ? PlainError(405, "method not allowed")
                                           : PlainError(404, "not found"),
                 keep_alive);
  }
  if (server_.stopping()) {
    return Write(PlainError(503, "shutting down"), false);
  }
  request.path_params = std::move(match_.params);
  server_.metrics().AddInFlight(1);
  in_flight_ = true;  // until its answer is written, so that a drain waits for it
  // Answered once only, even if a buggy handler answers and then throws.
  auto answered = std::make_shared<std::atomic<bool>>(false);
  Responder respond = [self = shared_from_this(), keep_alive, answered](Response response) {
    if (answered->exchange(true)) return;
    asio::post(self->stream_.get_executor(),
               [self, keep_alive, response = std::move(response)]() mutable {
                 self->Write(std::move(response), keep_alive);
               });
  };
  try {
    (*match_.handler)(request, std::move(respond));
  } catch (const std::exception& e) {
    // A handler bug must not take the server down: the client gets a 500, the log says why.
    spdlog::error("event=handler_exception path={} error=\"{}\"", request.path, e.what());
    if (answered->exchange(true)) return;
    Write(PlainError(500, "internal error"), false);
  }
}

void Session::Fail(int status, std::string_view message) {
  // Debug only: any client can cause these lines, as many as it likes.
  spdlog::debug("event=request_refused status={} reason=\"{}\"", status, message);
  Write(PlainError(status, message), false);
}

void Session::TooLarge() {
  if (!match_.handler || !match_.options.too_large) return Fail(413, "request body too large");
  spdlog::debug("event=request_refused status=413 reason=\"request body too large\"");
  Write(match_.options.too_large(), false);
}

void Session::Write(Response response, bool keep_alive) {
  if (server_.stopping()) keep_alive = false;
  if (started_ != SteadyClock::time_point{}) {
    std::chrono::duration<double> took = SteadyClock::now() - started_;
    server_.metrics().RecordRequest(response, took.count());
    started_ = {};
  } else {
    server_.metrics().RecordRequest(response, 0);
  }
  response_ = {};
  response_.version(version_);
  response_.result(static_cast<unsigned>(response.status));
  response_.set(bhttp::field::server, "friendgraph");
  response_.set(bhttp::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) response_.insert(name, value);
  response_.body() = std::move(response.body);
  response_.keep_alive(keep_alive);
  response_.prepare_payload();
  // RFC 9110 §9.3.2: HEAD gets the header GET would get, Content-Length included, and no body.
  if (head_) response_.body().clear();
  stream_.expires_after(server_.options().body_timeout);
  bhttp::async_write(stream_, response_,
                     [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                       if (self->in_flight_) {
                         self->in_flight_ = false;
                         self->server_.metrics().AddInFlight(-1);
                       }
                       if (ec) return self->Close();
                       if (!keep_alive) return self->unread_ ? self->Linger() : self->Close();
                       self->AwaitRequest();
                     });
}

void Session::Linger() {
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return Close();
  drained_ = 0;
  linger_until_ = SteadyClock::now() + server_.options().linger_timeout;
  DrainSome();
}

void Session::DrainSome() {
  auto left = linger_until_ - SteadyClock::now();
  if (drained_ >= server_.options().linger_limit || left <= SteadyClock::duration::zero()) {
    return Close();
  }
  stream_.expires_after(std::chrono::duration_cast<std::chrono::milliseconds>(left));
  // Into the request buffer, which no request needs any more: memory only while lingering.
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(16 << 10),
                          [self = shared_from_this()](beast::error_code ec, size_t n) {
                            self->drained_ += n;
                            if (ec) return self->Close();  // the client's end, or the time cap
                            self->DrainSome();
                          });
}

void Session::Close() {
  // The slot is free before the client can see the close, so a client that reconnects at once
  // finds it free.
  server_.table().Release(*this);
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream_.socket().close(ec);
}

}  // namespace

Result<std::unique_ptr<Server>> Server::Listen(const ServerOptions& options, const Router& router,
                                               Metrics& metrics) {
  auto server = std::make_unique<ServerImpl>(options, router, metrics);
  if (Status s = server->Bind(); !s.ok()) return s;
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace fg::http
