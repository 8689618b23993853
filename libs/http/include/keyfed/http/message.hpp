#pragma once
// An HTTP/1.1 request as the parser hands it over and the response a route
// answers with (docs/http.md). Plain values: no Boost here, so every route
// owner can include it without paying for Beast.

#include <string>
#include <string_view>
#include <vector>

namespace keyfed::http {

struct Header {
  std::string name;  // lower case
  std::string value;
};

struct Request {
  std::string method;  // as sent ("GET", "POST"): methods are case-sensitive (RFC 9110 9.1)
  std::string target;  // the request-target as sent
  std::string path;    // the target up to '?'
  std::string query;   // after '?', "" when none
  std::vector<Header> headers;
  std::string body;
  std::string remoteAddress;  // the client's IP address
  std::string serverName;     // SNI name of the TLS connection, "" when none
  bool keepAlive = true;

  // The first header with this (lower-case) name, or nullptr.
  [[nodiscard]] const std::string* header(std::string_view name) const;
};

struct Response {
  int status = 200;
  // Beside Content-Length (not on a 304), Connection and, unless the route sets
  // its own, Cache-Control: no-store, which are added.
  std::vector<Header> headers;
  std::string body;

  // A JSON body (already serialized) with Content-Type application/json.
  static Response json(int status, std::string body);
  // {"error":{"code":CODE,"message":MESSAGE}}: every error keyfed answers.
  static Response error(int status, std::string_view code, std::string_view message);
};

// Whether an If-None-Match value ("*", or a list of entity tags, weak or
// strong) names `etag` (a quoted entity tag, e.g. "\"42\""): the weak
// comparison of RFC 9110 13.1.2, as a GET's 304 uses it.
bool ifNoneMatchHits(std::string_view headerValue, std::string_view etag);

// The reason phrase of a status code ("Payload Too Large"), "Unknown" if none.
std::string_view reasonPhrase(int status);

// The response on the wire: status line, headers (with Content-Length and
// Connection: keep-alive or close), body.
std::string serialize(const Response& response, bool keepAlive);

}  // namespace keyfed::http
