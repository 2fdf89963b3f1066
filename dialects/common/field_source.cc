#include "dialects/common/field_source.h"

#include <cassert>

namespace fg::kit {

std::optional<Field> FormFields::Get(std::string_view name) const {
  auto value = params_.Get(name);
  if (!value) return std::nullopt;
  return Field(*value);
}

JsonFields::JsonFields(http::JsonValue object) : object_(object) {
  assert(object.type() == http::JsonType::kObject);
}

std::optional<Field> JsonFields::Get(std::string_view name) const {
  auto value = object_.Find(name);
  if (!value || value->IsNull()) return std::nullopt;
  return Field(*value);
}

std::optional<Field> PathFields::Get(std::string_view name) const {
  for (const auto& [key, value] : params_) {
    if (key == name) return Field(std::string_view(value));
  }
  return std::nullopt;
}

}  // namespace fg::kit
