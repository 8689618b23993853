// Method + path routing.

#include "keyfed/http/router.hpp"

namespace keyfed::http {
namespace {

bool pathMatches(std::string_view pattern, std::string_view path) {
  if (pattern.size() >= 2 && pattern.ends_with("/*")) {
    return path.starts_with(pattern.substr(0, pattern.size() - 1));
  }
  return pattern == path;
}

}  // namespace

base::Result<void> Router::add(Route route) {
  if (route.method.empty() || route.path.empty() || route.path.front() != '/') {
    return base::fail("http.route", "a route needs a method and a path starting with '/'");
  }
  for (const auto& r : routes_) {
    if (r.method == route.method && r.path == route.path) {
      return base::fail("http.route", route.method + " " + route.path + " is already routed");
    }
  }
  routes_.push_back(std::move(route));
  return {};
}

const Route* Router::find(std::string_view method, std::string_view path) const {
  for (const auto& r : routes_) {
    if (r.method == method && pathMatches(r.path, path)) return &r;
  }
  return nullptr;
}

std::string Router::allowedMethods(std::string_view path) const {
  std::string out;
  for (const auto& r : routes_) {
    if (!pathMatches(r.path, path)) continue;
    if (!out.empty()) out += ", ";
    out += r.method;
  }
  return out;
}

}  // namespace keyfed::http
