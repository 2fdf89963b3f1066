#include "http/client.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <future>
#include <memory>
#include <optional>
#include <thread>

namespace fg::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using asio::ip::tcp;

constexpr size_t kMaxAnswerBytes = 64 * 1024;

// One exchange over `stream` (a tcp_stream or an ssl_stream over one), already connected.
template <typename Stream>
asio::awaitable<int> Exchange(Stream& stream, const Url& url, std::string_view content_type,
                              std::string_view body) {
  bhttp::request<bhttp::string_body> req{bhttp::verb::post, url.path, 11};
  req.set(bhttp::field::host, url.host);
  req.set(bhttp::field::user_agent, "friendgraph");
  req.set(bhttp::field::content_type, beast::string_view(content_type.data(), content_type.size()));
  req.set(bhttp::field::connection, "close");
  req.body() = std::string(body);
  req.prepare_payload();
  co_await bhttp::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(kMaxAnswerBytes);
  co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);
  co_return parser.get().result_int();
}

asio::awaitable<int> Run(const Url& url, const tcp::resolver::results_type& endpoints,
                         std::string_view content_type, std::string_view body,
                         std::chrono::milliseconds timeout) {
  auto executor = co_await asio::this_coro::executor;
  if (!url.tls) {
    beast::tcp_stream stream(executor);
    stream.expires_after(timeout);
    co_await stream.async_connect(endpoints, asio::use_awaitable);
    co_return co_await Exchange(stream, url, content_type, body);
  }
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_default_verify_paths();
  tls.set_verify_mode(asio::ssl::verify_peer);
  beast::ssl_stream<beast::tcp_stream> stream(executor, tls);
  stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
  // SNI: servers that host several names pick the certificate by it.
  if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
    throw beast::system_error(
        beast::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
  }
  beast::get_lowest_layer(stream).expires_after(timeout);
  co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
  co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  co_return co_await Exchange(stream, url, content_type, body);
}

}  // namespace

Result<Url> ParseUrl(std::string_view text) {
  Url url;
  std::string_view rest;
  if (text.rfind("http://", 0) == 0) {
    rest = text.substr(7);
  } else if (text.rfind("https://", 0) == 0) {
    url.tls = true;
    rest = text.substr(8);
  } else {
    return Status(Code::kInvalidArgument, "must start with http:// or https://");
  }
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  url.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (authority.empty() || authority.find('@') != std::string_view::npos) {
    return Status(Code::kInvalidArgument, "must name a host (and no user)");
  }
  size_t colon = authority.rfind(':');
  bool bracketed = authority.front() == '[';
  if (colon != std::string_view::npos && (!bracketed || authority[colon - 1] == ']')) {
    url.port = std::string(authority.substr(colon + 1));
    authority = authority.substr(0, colon);
    if (url.port.empty() || url.port.size() > 5 ||
        url.port.find_first_not_of("0123456789") != std::string::npos || std::stoi(url.port) == 0 ||
        std::stoi(url.port) > 65535) {
      return Status(Code::kInvalidArgument, "has a bad port");
    }
  } else {
    url.port = url.tls ? "443" : "80";
  }
  if (bracketed) {
    if (authority.size() < 3 || authority.back() != ']') {
      return Status(Code::kInvalidArgument, "has a bad host");
    }
    authority = authority.substr(1, authority.size() - 2);
  }
  if (authority.empty()) return Status(Code::kInvalidArgument, "must name a host");
  for (char ch : url.path) {
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f) {
      return Status(Code::kInvalidArgument, "has a space or a control character in its path");
    }
  }
  url.host = std::string(authority);
  return url;
}

namespace {

// The host's addresses, or nullopt after `timeout`. getaddrinfo has no deadline of its own, so
// it runs on a thread of its own, left to finish alone if it is late (it holds its own copies).
std::optional<Result<tcp::resolver::results_type>> Resolve(const Url& url,
                                                           std::chrono::milliseconds timeout) {
  using Resolved = Result<tcp::resolver::results_type>;
  auto promise = std::make_shared<std::promise<Resolved>>();
  auto resolved = promise->get_future();
  std::thread([promise, host = url.host, port = url.port] {
    asio::io_context io;
    tcp::resolver resolver(io);
    beast::error_code ec;
    auto results = resolver.resolve(host, port, ec);
    promise->set_value(ec ? Resolved(Status(Code::kUnavailable, ec.message())) : Resolved(results));
  }).detach();
  if (resolved.wait_for(timeout) != std::future_status::ready) return std::nullopt;
  return resolved.get();
}

}  // namespace

Result<int> Post(const Url& url, std::string_view content_type, std::string_view body,
                 std::chrono::milliseconds timeout) {
  auto start = std::chrono::steady_clock::now();
  auto endpoints = Resolve(url, timeout);
  if (!endpoints) return Status(Code::kUnavailable, "timed out resolving " + url.host);
  if (!endpoints->ok()) return endpoints->status();
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      timeout - (std::chrono::steady_clock::now() - start));
  if (left <= std::chrono::milliseconds(0)) return Status(Code::kUnavailable, "timed out");
  asio::io_context io;
  std::optional<int> status;
  std::string error;
  asio::co_spawn(io, Run(url, endpoints->value(), content_type, body, left),
                 [&](std::exception_ptr e, int result) {
                   if (!e) {
                     status = result;
                     return;
                   }
                   try {
                     std::rethrow_exception(e);
                   } catch (const std::exception& ex) {
                     error = ex.what();
                   }
                 });
  io.run_for(left + std::chrono::milliseconds(100));
  if (status) return *status;
  return Status(Code::kUnavailable, error.empty() ? "timed out" : error);
}

}  // namespace fg::http
