#include "http/client.h"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <thread>

namespace fg::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using namespace std::chrono_literals;

TEST(ClientTest, ParsesHttpAndHttpsUrls) {
  auto a = ParseUrl("http://sms.internal:8080/send?x=1");
  ASSERT_TRUE(a.ok());
  EXPECT_FALSE(a->tls);
  EXPECT_EQ(a->host, "sms.internal");
  EXPECT_EQ(a->port, "8080");
  EXPECT_EQ(a->path, "/send?x=1");
  auto b = ParseUrl("https://[::1]");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->tls);
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, "443");
  EXPECT_EQ(b->path, "/");
  for (const char* bad : {"ftp://a/", "http://", "http://u:p@a/", "http://a:0/", "http://a:99999/",
                          "http://a:x/", "http://a/b c", "https://[::1/"}) {
    EXPECT_FALSE(ParseUrl(bad).ok()) << bad;
  }
}

// A server that reads one request and answers `status`, handing the request's text back.
std::string ServeOnce(tcp::acceptor& acceptor, int status) {
  tcp::socket socket(acceptor.get_executor());
  acceptor.accept(socket);
  asio::streambuf buffer;
  asio::read_until(socket, buffer, "\r\n\r\n");
  std::string head(asio::buffers_begin(buffer.data()), asio::buffers_end(buffer.data()));
  std::string answer =
      "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  asio::write(socket, asio::buffer(answer));
  return head;
}

TEST(ClientTest, PostsAndReturnsTheStatus) {
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  std::string seen;
  std::thread server([&] { seen = ServeOnce(acceptor, 204); });
  auto url =
      ParseUrl("http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/hook");
  ASSERT_TRUE(url.ok());
  auto status = Post(*url, "application/json", R"({"a":1})", 5s);
  server.join();
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(*status, 204);
  EXPECT_EQ(seen.rfind("POST /hook HTTP/1.1\r\n", 0), 0u);
  EXPECT_NE(seen.find("Content-Type: application/json"), std::string::npos);
}

TEST(ClientTest, ARefusedConnectionOrASilentServerIsUnavailableInTime) {
  asio::io_context io;
  tcp::acceptor silent(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto url = ParseUrl("http://127.0.0.1:" + std::to_string(silent.local_endpoint().port()) + "/");
  auto start = std::chrono::steady_clock::now();
  auto status = Post(*url, "application/json", "{}", 300ms);  // accepted by the backlog, unread
  EXPECT_EQ(status.status().code(), Code::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
  uint16_t port = silent.local_endpoint().port();
  silent.close();
  auto refused = Post(*ParseUrl("http://127.0.0.1:" + std::to_string(port) + "/"),
                      "application/json", "{}", 2s);
  EXPECT_EQ(refused.status().code(), Code::kUnavailable);
}

}  // namespace
}  // namespace fg::http
