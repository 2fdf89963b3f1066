#include "dialects/registry.h"

#include "dialects/easemob/easemob_plugin.h"
#include "dialects/netease/netease_plugin.h"
#include "dialects/sealtalk/sealtalk_plugin.h"
#include "dialects/yuntongxun/yuntongxun_plugin.h"

namespace fg {

const std::vector<const Dialect*>& Dialects() {
  static const std::vector<const Dialect*> dialects = {
      &netease::NeteasePlugin(),
      &easemob::EasemobPlugin(),
      &yuntongxun::YuntongxunPlugin(),
      &sealtalk::SealtalkPlugin(),
  };
  return dialects;
}

const Dialect* FindDialect(std::string_view name) {
  for (const Dialect* dialect : Dialects()) {
    if (dialect->name() == name) return dialect;
  }
  return nullptr;
}

}  // namespace fg
