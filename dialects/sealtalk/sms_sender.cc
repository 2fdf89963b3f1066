#include "dialects/sealtalk/sms_sender.h"

#include <spdlog/spdlog.h>

#include "http/json.h"

namespace fg::sealtalk {
namespace {

constexpr auto kTimeout = std::chrono::seconds(5);

// The phone with all but its last four digits hidden, for logs.
std::string Masked(const std::string& phone) {
  if (phone.size() <= 4) return "****";
  return std::string(phone.size() - 4, '*') + phone.substr(phone.size() - 4);
}

}  // namespace

SmsSender::SmsSender(size_t max_queued, PostFn post, std::chrono::milliseconds first_retry)
    : max_queued_(max_queued),
      post_(post ? std::move(post)
                 : [](const http::Url& url,
                      const std::string&
                          body) { return http::Post(url, "application/json", body, kTimeout); }),
      first_retry_(first_retry),
      thread_([this] { Run(); }) {}

SmsSender::~SmsSender() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (!queue_.empty()) {
      spdlog::warn("event=sms_dropped count={} reason=shutdown", queue_.size());
    }
    queue_.clear();
  }
  wake_.notify_all();
  thread_.join();
}

bool SmsSender::Send(const http::Url& url, const std::string& region, const std::string& phone,
                     const std::string& code) {
  http::JsonWriter w;
  w.StartObject().Key("region").String(region).Key("phone").String(phone);
  w.Key("code").String(code).EndObject();
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    queue_.push_back({url, w.Take(), Masked(phone)});
  }
  wake_.notify_one();
  return true;
}

void SmsSender::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    Message m = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    Deliver(m);
    lock.lock();
  }
}

void SmsSender::Deliver(const Message& m) {
  auto wait = first_retry_;
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    Result<int> status = post_(m.url, m.body);
    if (status.ok() && *status >= 200 && *status < 300) return;
    std::string why = status.ok() ? "HTTP " + std::to_string(*status) : status.status().message();
    spdlog::warn("event=sms_webhook_failed phone={} attempt={} error=\"{}\"", m.phone, attempt,
                 why);
    if (attempt == kAttempts) break;
    std::unique_lock lock(mu_);
    if (wake_.wait_for(lock, wait, [this] { return stopping_; })) return;
    wait *= 4;
  }
  spdlog::error("event=sms_undelivered phone={} attempts={}", m.phone, kAttempts);
}

}  // namespace fg::sealtalk
