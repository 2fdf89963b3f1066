#include "dialects/common/reply.h"

#include <spdlog/spdlog.h>

namespace fg::kit {

Status Presentable(std::string_view dialect, const Status& status) {
  if (status.code() != Code::kInternal) return status;
  spdlog::error("event=internal_error dialect={} error=\"{}\"", dialect, status.message());
  return Status(Code::kInternal, "server error");
}

}  // namespace fg::kit
