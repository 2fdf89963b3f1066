// Router: maps (method, path) to a handler.
//
// Patterns are '/'-separated: a literal segment matches itself, "{name}" matches any one
// non-empty segment (captured, percent-decoded) and a final "*" matches the rest of the path,
// including nothing. Method "*" matches any method. Literal patterns are looked up in a hash map;
// the others are tried in the order they were added, so add the more specific first. Not
// thread-safe to add; Find is thread-safe once every route is added.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.h"

namespace fg::http {

class Router {
 public:
  void Add(std::string_view method, std::string_view pattern, Handler handler);

  struct Match {
    const Handler* handler = nullptr;  // null: no route
    bool method_not_allowed = false;   // the path matches a route, but not with this method
    std::vector<std::pair<std::string, std::string>> params;
  };
  Match Find(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    bool rest = false;  // ends with "*"
    Handler handler;
  };
  static bool Matches(const Route& route, const std::vector<std::string_view>& segments,
                      std::vector<std::pair<std::string, std::string>>* params);

  std::unordered_map<std::string, std::vector<Route>> literal_;  // by path
  std::vector<Route> patterns_;
};

}  // namespace fg::http
