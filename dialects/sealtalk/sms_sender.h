// Delivers SealTalk verification codes to an app's sms_webhook_url: a JSON POST of
// {"region","phone","code"} on a thread of its own, tried up to kAttempts times (at once, then
// after 1 s and 4 s) until an answer in 2xx. The queue is bounded: Send refuses when it is full,
// so a flood of send_code calls cannot grow the server. A code is never logged. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.h"
#include "http/client.h"

namespace fg::sealtalk {

class SmsSender {
 public:
  static constexpr int kAttempts = 3;
  // How one POST is made; tests replace it. Returns the answer's status code.
  using PostFn = std::function<Result<int>(const http::Url&, const std::string& body)>;

  explicit SmsSender(size_t max_queued = 1000, PostFn post = nullptr,
                     std::chrono::milliseconds first_retry = std::chrono::seconds(1));
  // Stops: what is still queued is dropped (logged), an attempt under way ends within its
  // timeout.
  ~SmsSender();
  SmsSender(const SmsSender&) = delete;
  SmsSender& operator=(const SmsSender&) = delete;

  // Queues one code; false if the queue is full.
  bool Send(const http::Url& url, const std::string& region, const std::string& phone,
            const std::string& code);

 private:
  struct Message {
    http::Url url;
    std::string body;
    std::string phone;  // for logs, masked
  };
  void Run();
  void Deliver(const Message& m);

  const size_t max_queued_;
  const PostFn post_;
  const std::chrono::milliseconds first_retry_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Message> queue_;  // guarded by mu_
  bool stopping_ = false;      // guarded by mu_
  std::thread thread_;
};

}  // namespace fg::sealtalk
