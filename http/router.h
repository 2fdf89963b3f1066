// Router: maps (method, path) to a handler.
//
// Patterns are '/'-separated: a literal segment matches itself, "{name}" matches any one
// non-empty segment (captured, percent-decoded) and a final "*" matches the rest of the path,
// including nothing. Method "*" matches any method. A trailing '/' is ignored in patterns and
// paths ("/a/b/" routes like "/a/b"; "/" stays "/"). Literal patterns are looked up in a hash
// map; the others are tried in the order they were added, so add the more specific first. Not
// thread-safe to add; Find is thread-safe once every route is added.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message.h"

namespace fg::http {

// What a route asks of the transport beyond the server's defaults.
struct RouteOptions {
  // The largest request body this route accepts, in bytes; 0: the server's body_limit. The
  // server applies it as soon as the header has arrived, before reading the body.
  size_t body_limit = 0;
  // The answer to a body over that limit, in the route's own envelope (a vendor whose clients
  // read only a JSON status); empty: the server's plain 413. The connection closes after it.
  std::function<Response()> too_large;
};

class Router {
 public:
  void Add(std::string_view method, std::string_view pattern, Handler handler,
           RouteOptions options = {});

  struct Match {
    const Handler* handler = nullptr;  // null: no route
    bool method_not_allowed = false;   // the path matches a route, but not with this method
    RouteOptions options;              // the matched route's; defaults when there is none
    std::vector<std::pair<std::string, std::string>> params;
  };
  Match Find(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    bool rest = false;  // ends with "*"
    Handler handler;
    RouteOptions options;
  };
  static bool Matches(const Route& route, const std::vector<std::string_view>& segments,
                      std::vector<std::pair<std::string, std::string>>* params);

  std::unordered_map<std::string, std::vector<Route>> literal_;  // by path
  std::vector<Route> patterns_;
};

}  // namespace fg::http
