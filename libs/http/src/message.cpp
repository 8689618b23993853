// Requests, responses and their wire form.

#include "keyfed/http/message.hpp"

#include <nlohmann/json.hpp>

namespace keyfed::http {

const std::string* Request::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (h.name == name) return &h.value;
  }
  return nullptr;
}

Response Response::json(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.push_back({"content-type", "application/json"});
  r.body = std::move(body);
  return r;
}

Response Response::error(int status, std::string_view code, std::string_view message) {
  nlohmann::json doc = {{"error", {{"code", code}, {"message", message}}}};
  // Invalid UTF-8 in a message (echoed input) is replaced, never thrown on.
  return json(status, doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

bool ifNoneMatchHits(std::string_view value, std::string_view etag) {
  if (etag.starts_with("W/")) etag.remove_prefix(2);
  std::size_t pos = 0;
  while (pos < value.size()) {
    while (pos < value.size() && (value[pos] == ' ' || value[pos] == '\t' || value[pos] == ',')) {
      ++pos;
    }
    if (pos >= value.size()) break;
    if (value[pos] == '*') return true;
    std::string_view rest = value.substr(pos);
    if (rest.starts_with("W/")) {
      rest.remove_prefix(2);
      pos += 2;
    }
    if (!rest.starts_with('"')) return false;  // not an entity tag: no match
    const auto close = rest.find('"', 1);
    if (close == std::string_view::npos) return false;
    if (rest.substr(0, close + 1) == etag) return true;
    pos += close + 1;
  }
  return false;
}

std::string_view reasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

std::string serialize(const Response& response, bool keepAlive) {
  std::string out;
  out.reserve(128 + response.body.size());
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reasonPhrase(response.status);
  out += "\r\n";
  bool cacheControl = false;
  for (const auto& h : response.headers) {
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
    cacheControl = cacheControl || h.name == "cache-control";
  }
  // A 304 has no content, and a Content-Length there would have to be the
  // 200's (RFC 9110 8.6): none is sent.
  if (response.status != 304) {
    out += "content-length: ";
    out += std::to_string(response.body.size());
    out += "\r\n";
  }
  out += "connection: ";
  out += keepAlive ? "keep-alive" : "close";
  // Nothing keyfed answers may be cached unless the route says otherwise.
  if (!cacheControl) out += "\r\ncache-control: no-store";
  out += "\r\n\r\n";
  out += response.body;
  return out;
}

}  // namespace keyfed::http
