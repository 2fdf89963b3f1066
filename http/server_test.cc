// The server in this process on a loopback port, driven over raw sockets.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

namespace fg::http {
namespace {

class ServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.threads = 2;
    auto server = Server::Listen(options, router_, metrics_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server.value());
    thread_ = std::thread([this] { server_->Run(); });
  }

  void TearDown() override {
    if (!server_) return;
    server_->Stop();
    thread_.join();
  }

  // Sends `raw` on a new connection and returns everything the server writes until it closes.
  std::string Exchange(const std::string& raw) { return Talk(raw).answer; }

  struct Talked {
    std::string answer;  // everything the server wrote
    bool sent_all;       // the server took the whole request, or at least did not refuse it
    bool ended_cleanly;  // the server closed with a FIN, not a reset
  };
  Talked Talk(const std::string& raw) {
    int fd = Connect();
    Talked t{"", Send(fd, raw) == raw.size(), false};
    t.ended_cleanly = ReadToEnd(fd, &t.answer);
    ::close(fd);
    return t;
  }

  // A new connection to the server; a read or a write that waits 5 s fails (EAGAIN).
  int Connect() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_GE(fd, 0);
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server_->port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    return fd;
  }

  // Sends `raw`; how much went before a write failed (the server may answer and close before it
  // has read it all). *error is that write's errno, 0 when all went.
  static size_t Send(int fd, std::string_view raw, int* error = nullptr) {
    size_t sent = 0;
    if (error) *error = 0;
    while (sent < raw.size()) {
      ssize_t n = ::send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        if (error) *error = errno;
        break;
      }
      sent += static_cast<size_t>(n);
    }
    return sent;
  }

  // Appends what the server writes until its end of the connection, and says whether that end
  // came as a FIN (not a reset, nor the read timeout).
  static bool ReadToEnd(int fd, std::string* out) {
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) out->append(buf, n);
    return n == 0;
  }

  Router router_;
  Metrics metrics_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

// Answers with the request's headers, one "name=value" line each, and its body size.
Handler Echo() {
  return [](const Request& request, Responder respond) {
    Response r;
    r.content_type = "text/plain";
    for (const auto& [name, value] : request.headers) r.body += name + "=" + value + "\n";
    r.body += "lookup=" + std::string(request.Header("X-MIXED-case").value_or("-")) + "\n";
    r.body += "body=" + std::to_string(request.body.size()) + "\n";
    respond(std::move(r));
  };
}

TEST_F(ServerTest, HeaderNamesAreLowerCased) {
  router_.Add("GET", "/echo", Echo());
  Start({});
  std::string out =
      Exchange("GET /echo HTTP/1.1\r\nHOST: h\r\nX-Mixed-Case: Value\r\nconnection: close\r\n\r\n");
  EXPECT_NE(out.find("\r\n\r\nhost=h\nx-mixed-case=Value\nconnection=close\nlookup=Value\n"),
            std::string::npos)
      << out;
}

TEST_F(ServerTest, TrailersNeverCountAsHeaders) {
  router_.Add("POST", "/echo", Echo());
  Start({});
  // A trailer with a new name, and one with the name of a header (Beast's field list groups it
  // with that header, ahead of the headers that follow).
  std::string out = Exchange(
      "POST /echo HTTP/1.1\r\nHost: h\r\nX-Mixed-Case: header\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n"
      "5\r\nhello\r\n0\r\nX-Mixed-Case: trailer\r\nX-Auth: trailer\r\n\r\n");
  EXPECT_NE(out.find("\r\n\r\nhost=h\nx-mixed-case=header\ntransfer-encoding=chunked\n"
                     "connection=close\nlookup=header\nbody=5\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("trailer"), std::string::npos) << out;
}

TEST_F(ServerTest, BodyLimitPerRoute) {
  router_.Add("POST", "/small", Echo());
  router_.Add("POST", "/upload", Echo(), RouteOptions{64 << 10, {}});
  router_.Add("POST", "/vendor", Echo(), RouteOptions{0, [] {
                                                        Response r;
                                                        r.body = R"({"statusCode":"160014"})";
                                                        return r;
                                                      }});
  ServerOptions options;
  options.body_limit = 1 << 10;
  Start(options);
  auto post = [this](std::string_view path, size_t size) {
    return Exchange("POST " + std::string(path) +
                    " HTTP/1.1\r\nHost: h\r\nContent-Length: " + std::to_string(size) +
                    "\r\nConnection: close\r\n\r\n" + std::string(size, 'x'));
  };
  EXPECT_EQ(post("/small", 1 << 10).find("HTTP/1.1 200"), 0u);
  EXPECT_EQ(post("/small", (1 << 10) + 1).find("HTTP/1.1 413"), 0u);
  std::string out = post("/upload", 48 << 10);
  EXPECT_EQ(out.find("HTTP/1.1 200"), 0u) << out.substr(0, 200);
  EXPECT_NE(out.find("body=49152\n"), std::string::npos);
  EXPECT_EQ(post("/upload/", 64 << 10).find("HTTP/1.1 200"), 0u);
  EXPECT_EQ(post("/upload", (64 << 10) + 1).find("HTTP/1.1 413"), 0u);
  // Chunked: the limit holds for the sum of the chunks.
  std::string chunk(40 << 10, 'x');
  std::string head =
      "POST /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n";
  out = Exchange(head + "a000\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_EQ(out.find("HTTP/1.1 200"), 0u) << out.substr(0, 200);
  out = Exchange(head + "a000\r\n" + chunk + "\r\na000\r\n" + chunk + "\r\n0\r\n\r\n");
  EXPECT_EQ(out.find("HTTP/1.1 413"), 0u) << out.substr(0, 200);
  // Routes that do not exist get the server's limit.
  EXPECT_EQ(post("/nothing", (1 << 10) + 1).find("HTTP/1.1 413"), 0u);
  // A route may answer an oversized body in its own envelope, whether announced or chunked.
  out = post("/vendor", (1 << 10) + 1);
  EXPECT_EQ(out.find("HTTP/1.1 200"), 0u) << out.substr(0, 200);
  EXPECT_NE(out.find(R"({"statusCode":"160014"})"), std::string::npos);
  out = Exchange(
      "POST /vendor HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\na000\r\n" +
      chunk + "\r\n0\r\n\r\n");
  EXPECT_NE(out.find(R"({"statusCode":"160014"})"), std::string::npos) << out.substr(0, 200);
}

TEST_F(ServerTest, AnOversizedBodyStillSentInFullGetsTheAnswer) {
  router_.Add("POST", "/vendor", Echo(), RouteOptions{0, [] {
                                                        Response r;
                                                        r.body = R"({"statusCode":"160014"})";
                                                        return r;
                                                      }});
  router_.Add("POST", "/plain", Echo());
  ServerOptions options;
  options.body_limit = 1 << 10;
  Start(options);
  // The client sends all 16 MiB (more than the sockets' buffers hold) before it reads, as most
  // HTTP clients do: the answer is written before the body is read, and the server must take in
  // the rest rather than reset the connection, or the answer is lost with it.
  const std::string body(16 << 20, 'x');
  for (const char* path : {"/vendor", "/plain"}) {
    for (bool chunked : {false, true}) {
      std::string head = "POST " + std::string(path) + " HTTP/1.1\r\nHost: h\r\n";
      std::string raw =
          chunked ? head + "Transfer-Encoding: chunked\r\n\r\n1000000\r\n" + body + "\r\n0\r\n\r\n"
                  : head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      Talked t = Talk(raw);
      const std::string& out = t.answer;
      SCOPED_TRACE(std::string(path) + (chunked ? " chunked" : " with Content-Length"));
      EXPECT_TRUE(t.sent_all);
      EXPECT_TRUE(t.ended_cleanly);
      bool vendor = std::string_view(path) == "/vendor";
      EXPECT_EQ(out.find(vendor ? "HTTP/1.1 200" : "HTTP/1.1 413"), 0u) << out.substr(0, 200);
      // The whole answer: its body, as long as its Content-Length says, and nothing after it.
      std::string body = vendor ? R"({"statusCode":"160014"})" : "request body too large\n";
      EXPECT_NE(out.find("\r\nContent-Length: " + std::to_string(body.size()) + "\r\n"),
                std::string::npos)
          << out;
      size_t end_of_head = out.find("\r\n\r\n");
      ASSERT_NE(end_of_head, std::string::npos) << out;
      EXPECT_EQ(out.substr(end_of_head + 4), body);
    }
  }
}

// The header of a request whose body is far over any limit here, sent ahead of the body.
constexpr char kHugeHead[] =
    "POST /plain HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000000\r\n\r\n";

TEST_F(ServerTest, LingeringEndsAtItsTimeCapThoughTheClientKeepsSending) {
  router_.Add("POST", "/plain", Echo());
  ServerOptions options;
  options.body_limit = 1 << 10;
  options.linger_timeout = std::chrono::milliseconds(300);
  Start(options);
  int fd = Connect();
  ASSERT_EQ(Send(fd, kHugeHead), sizeof kHugeHead - 1);
  std::string answer;
  EXPECT_TRUE(ReadToEnd(fd, &answer));  // the answer, then the server's FIN: it lingers
  EXPECT_EQ(answer.find("HTTP/1.1 413"), 0u) << answer;
  // A byte every 10 ms keeps any per-read timeout from firing; the cap is on the whole linger,
  // so the server closes (and a write after that fails) long before this client would stop.
  int error = 0;
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000 && Send(fd, "x", &error) == 1; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(error == EPIPE || error == ECONNRESET) << std::strerror(error);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  ::close(fd);
}

TEST_F(ServerTest, LingeringEndsAtItsByteCap) {
  router_.Add("POST", "/plain", Echo());
  ServerOptions options;
  options.body_limit = 1 << 10;
  options.linger_limit = 1 << 20;
  options.linger_timeout = std::chrono::seconds(60);
  Start(options);
  int fd = Connect();
  ASSERT_EQ(Send(fd, kHugeHead), sizeof kHugeHead - 1);
  // Past 1 MiB the server closes on unread bytes: the client's writes fail (a reset) before it
  // has sent 64 MiB, though the time cap is far off. (More than 1 MiB goes: the sockets'
  // buffers hold some.)
  const std::string piece(64 << 10, 'x');
  size_t sent = 0;
  int error = 0;
  while (sent < (64u << 20) && error == 0) sent += Send(fd, piece, &error);
  EXPECT_LT(sent, 64u << 20);
  EXPECT_TRUE(error == EPIPE || error == ECONNRESET) << std::strerror(error);
  ::close(fd);
}

TEST_F(ServerTest, AShutdownDoesNotWaitForALingeringConnection) {
  router_.Add("POST", "/plain", Echo());
  ServerOptions options;
  options.body_limit = 1 << 10;
  options.linger_timeout = std::chrono::seconds(60);
  options.drain_timeout = std::chrono::seconds(30);
  Start(options);
  int fd = Connect();
  ASSERT_EQ(Send(fd, kHugeHead), sizeof kHugeHead - 1);
  std::string answer;
  EXPECT_TRUE(ReadToEnd(fd, &answer));
  EXPECT_EQ(answer.find("HTTP/1.1 413"), 0u) << answer;
  EXPECT_EQ(metrics_.connections(), 1);  // lingering, its socket still open on both ends
  // Neither the linger's 60 s nor the drain's 30 s: a lingering connection is no request in
  // flight.
  auto started = std::chrono::steady_clock::now();
  server_->Stop();
  thread_.join();
  server_.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  ::close(fd);
}

TEST_F(ServerTest, HeadAnswersWithoutTheBody) {
  auto ok = [](const Request&, Responder respond) {
    Response r;
    r.content_type = "text/plain";
    r.body = "ok\n";
    respond(std::move(r));
  };
  router_.Add("GET", "/h", ok);
  router_.Add("HEAD", "/h", ok);
  Start({});
  // Pipelined on one connection: a body after the HEAD answer would be read as the next answer.
  std::string out = Exchange(
      "HEAD /h HTTP/1.1\r\nHost: h\r\n\r\nGET /h HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
  size_t first_end = out.find("\r\n\r\n");
  ASSERT_NE(first_end, std::string::npos) << out;
  std::string head_answer = out.substr(0, first_end + 4);
  std::string rest = out.substr(first_end + 4);
  EXPECT_EQ(head_answer.find("HTTP/1.1 200 OK\r\n"), 0u) << out;
  EXPECT_NE(head_answer.find("Content-Length: 3\r\n"), std::string::npos) << out;
  EXPECT_EQ(rest.find("HTTP/1.1 200 OK\r\n"), 0u) << out;
  EXPECT_EQ(rest.substr(rest.size() - 7), "\r\n\r\nok\n") << out;
}

}  // namespace
}  // namespace fg::http
