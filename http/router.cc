#include "http/router.h"

#include "http/form.h"

namespace fg::http {
namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// "/a/b/" routes like "/a/b": clients and proxies add and drop the slash freely.
std::string_view WithoutTrailingSlash(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace

void Router::Add(std::string_view method, std::string_view pattern, Handler handler,
                 RouteOptions options) {
  pattern = WithoutTrailingSlash(pattern);
  Route route{std::string(method), {}, false, std::move(handler), options};
  bool literal = true;
  for (auto segment : Split(pattern)) {
    if (segment == "*") {
      route.rest = true;
      literal = false;
      break;
    }
    if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') literal = false;
    route.segments.emplace_back(segment);
  }
  if (literal) {
    literal_[std::string(pattern)].push_back(std::move(route));
  } else {
    patterns_.push_back(std::move(route));
  }
}

bool Router::Matches(const Route& route, const std::vector<std::string_view>& segments,
                     std::vector<std::pair<std::string, std::string>>* params) {
  if (route.rest ? segments.size() < route.segments.size()
                 : segments.size() != route.segments.size()) {
    return false;
  }
  for (size_t i = 0; i < route.segments.size(); ++i) {
    const std::string& want = route.segments[i];
    if (want.size() >= 2 && want.front() == '{' && want.back() == '}') {
      if (segments[i].empty()) return false;
      auto decoded = PercentDecode(segments[i], /*plus_is_space=*/false);
      if (!decoded) return false;
      if (params) params->emplace_back(want.substr(1, want.size() - 2), std::move(*decoded));
    } else if (want != segments[i]) {
      return false;
    }
  }
  return true;
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  path = WithoutTrailingSlash(path);
  Match match;
  if (auto it = literal_.find(std::string(path)); it != literal_.end()) {
    for (const auto& route : it->second) {
      if (route.method == method || route.method == "*") {
        match.handler = &route.handler;
        match.options = route.options;
        return match;
      }
    }
    match.method_not_allowed = true;
  }
  auto segments = Split(path);
  for (const auto& route : patterns_) {
    std::vector<std::pair<std::string, std::string>> params;
    if (!Matches(route, segments, &params)) continue;
    if (route.method != method && route.method != "*") {
      match.method_not_allowed = true;
      continue;
    }
    match.handler = &route.handler;
    match.options = route.options;
    match.method_not_allowed = false;
    match.params = std::move(params);
    return match;
  }
  return match;
}

}  // namespace fg::http
