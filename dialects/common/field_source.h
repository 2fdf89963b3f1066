// Where a dialect's parameters come from: a form body, a query string, a JSON object or the path.
// ParamReader (param_reader.h) reads any of them with the same rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http/form.h"
#include "http/json.h"

namespace fg::kit {

// One field's raw value. Text (from a form, a query string or the path) has no type of its own:
// the reader parses it as the type it asks for. A JSON value has its type: the reader takes it
// only as that type (a number where a string is expected is an error, not a conversion).
using Field = std::variant<std::string_view, http::JsonValue>;

// A read-only set of named fields. Implementations are views: the data they read must outlive
// them, and every Field they return is valid as long as that data. Get is const and thread-safe
// when the data is not modified.
class FieldSource {
 public:
  virtual ~FieldSource() = default;
  // The field called `name`; nullopt when absent.
  virtual std::optional<Field> Get(std::string_view name) const = 0;
};

// A form body or a query string, as http::ParseForm decodes both (UTF-8 checked, names unique).
class FormFields final : public FieldSource {
 public:
  explicit FormFields(const http::Params& params) : params_(params) {}
  std::optional<Field> Get(std::string_view name) const override;

 private:
  const http::Params& params_;
};

// The members of a JSON object. A member whose value is null counts as absent: clients send
// {"ttl":null} to mean "not given".
class JsonFields final : public FieldSource {
 public:
  // REQUIRES: object.type() == http::JsonType::kObject.
  explicit JsonFields(http::JsonValue object);
  std::optional<Field> Get(std::string_view name) const override;

 private:
  http::JsonValue object_;
};

// A route's {name} segments (http::Request::path_params), percent-decoded but not otherwise
// checked: the reader checks their UTF-8 like any text.
class PathFields final : public FieldSource {
 public:
  explicit PathFields(const std::vector<std::pair<std::string, std::string>>& params)
      : params_(params) {}
  std::optional<Field> Get(std::string_view name) const override;

 private:
  const std::vector<std::pair<std::string, std::string>>& params_;
};

}  // namespace fg::kit
