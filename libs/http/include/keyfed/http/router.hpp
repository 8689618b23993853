#pragma once
// Routes by method and path (docs/http.md). A route names its own body limit
// (never above Limits::bodyBytes), so a 2 MB upload to a 256 KiB endpoint is
// refused with 413 from its Content-Length, before any of the body is read.
//
// Paths match exactly, or by prefix when the route's path ends in "/*"
// ("/upload/*" matches "/upload/a/b"). Handlers run on the loop thread and
// answer at once.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/result.hpp"
#include "keyfed/http/message.hpp"

namespace keyfed::http {

using Handler = std::function<Response(const Request&)>;

struct Route {
  std::string method;
  std::string path;
  std::size_t maxBodyBytes = 0;  // 0: no body accepted
  Handler handler;
};

class Router {
 public:
  // Errors: a path not starting with '/', an empty method, a method + path
  // already routed.
  base::Result<void> add(Route route);

  // The route for method + path; nullptr when none.
  [[nodiscard]] const Route* find(std::string_view method, std::string_view path) const;
  // The methods routed for `path` ("GET, POST"), "" when the path is unknown:
  // 405 with Allow, or 404.
  [[nodiscard]] std::string allowedMethods(std::string_view path) const;
  [[nodiscard]] bool empty() const { return routes_.empty(); }

 private:
  std::vector<Route> routes_;
};

}  // namespace keyfed::http
