#include "http/client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
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

// One exchange's state, on Post's stack while its io_context runs.
struct Exchange {
  bhttp::request<bhttp::string_body> request;
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  std::optional<int> status;
  std::string error;
};

// Writes the request on `stream` (a tcp_stream, or an ssl_stream over one), connected, and reads
// the answer. Callbacks, not coroutines: clang 14 with this Boost has no asio::awaitable.
template <typename Stream>
void WriteAndRead(Stream& stream, Exchange& x) {
  bhttp::async_write(stream, x.request, [&stream, &x](beast::error_code ec, size_t) {
    if (ec) {
      x.error = ec.message();
      return;
    }
    bhttp::async_read(stream, x.buffer, x.parser, [&x](beast::error_code ec, size_t) {
      if (ec) {
        x.error = ec.message();
        return;
      }
      x.status = x.parser.get().result_int();
    });
  });
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
  Exchange x;
  x.request = {bhttp::verb::post, url.path, 11};
  x.request.set(bhttp::field::host, url.host);
  x.request.set(bhttp::field::user_agent, "friendgraph");
  x.request.set(bhttp::field::content_type,
                beast::string_view(content_type.data(), content_type.size()));
  x.request.set(bhttp::field::connection, "close");
  x.request.body() = std::string(body);
  x.request.prepare_payload();
  x.parser.body_limit(kMaxAnswerBytes);
  // Declared before the streams: they go first, so that no handler runs after them.
  asio::io_context io;
  if (!url.tls) {
    beast::tcp_stream stream(io);
    stream.expires_after(left);
    stream.async_connect(endpoints->value(), [&](beast::error_code ec, const tcp::endpoint&) {
      if (ec) {
        x.error = ec.message();
        return;
      }
      WriteAndRead(stream, x);
    });
    io.run_for(left + std::chrono::milliseconds(100));
  } else {
    asio::ssl::context tls(asio::ssl::context::tls_client);
    tls.set_default_verify_paths();
    tls.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    stream.set_verify_callback(asio::ssl::host_name_verification(url.host));
    // SNI: servers that host several names pick the certificate by it.
    if (!SSL_set_tlsext_host_name(stream.native_handle(), url.host.c_str())) {
      return Status(Code::kUnavailable, "TLS: cannot set the server name");
    }
    beast::get_lowest_layer(stream).expires_after(left);
    beast::get_lowest_layer(stream).async_connect(
        endpoints->value(), [&](beast::error_code ec, const tcp::endpoint&) {
          if (ec) {
            x.error = ec.message();
            return;
          }
          stream.async_handshake(asio::ssl::stream_base::client, [&](beast::error_code ec) {
            if (ec) {
              x.error = "TLS: " + ec.message();
              return;
            }
            WriteAndRead(stream, x);
          });
        });
    io.run_for(left + std::chrono::milliseconds(100));
  }
  if (x.status) return *x.status;
  return Status(Code::kUnavailable, x.error.empty() ? "timed out" : x.error);
}

}  // namespace fg::http
