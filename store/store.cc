#include "store/store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <future>

namespace fg {
namespace {

template <typename Job>
Status QueueAndWait(Job job, void (Store::*queue)(Job, Store::Done), Store& store) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  (store.*queue)(std::move(job), [&promise](const Status& status) { promise.set_value(status); });
  return future.get();
}

}  // namespace

void SortRequestsByClock(std::vector<FriendRequest>& requests, UserId user, bool newest_first,
                         size_t limit) {
  std::sort(requests.begin(), requests.end(),
            [user, newest_first](const FriendRequest& a, const FriendRequest& b) {
              return newest_first ? ClockOf(a, user) > ClockOf(b, user)
                                  : ClockOf(a, user) < ClockOf(b, user);
            });
  if (requests.size() > limit) requests.resize(limit);
}

Status WriteAndWait(Store& store, Store::WriteJob job) {
  return QueueAndWait(std::move(job), &Store::Write, store);
}

Status ReadAndWait(Store& store, Store::ReadJob job) {
  return QueueAndWait(std::move(job), &Store::Read, store);
}

void CompleteGuarded(const Store::Done& done, const Status& status) {
  try {
    done(status);
  } catch (const std::exception& e) {
    spdlog::error("event=completion_exception error=\"{}\"", e.what());
  } catch (...) {
    spdlog::error("event=completion_exception error=unknown");
  }
}

}  // namespace fg
