#include "store/store.h"

#include <future>

namespace fg {

Status WriteAndWait(Store& store, Store::WriteJob job) {
  std::promise<Status> promise;
  auto future = promise.get_future();
  store.Write(std::move(job), [&promise](const Status& status) { promise.set_value(status); });
  return future.get();
}

}  // namespace fg
