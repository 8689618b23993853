#pragma once
// An incremental, strict HTTP/1.1 request parser over bytes (Boost.Beast's
// parser inside; Beast stays in the .cpp). The caller keeps the unconsumed
// bytes: feed() is given everything received and not yet consumed and says
// how much it took.
//
//   feed -> headerComplete: look up the route, then setBodyLimit() (413 at once
//           when Content-Length is larger), and feed again
//        -> complete: take() the request; the parser is ready for the next one
//        -> failed: error() is the status (400, 413, 414, 431) and a message;
//           the connection answers it and closes
//
// Chunked bodies are decoded and bounded by the same body limit.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "keyfed/http/limits.hpp"
#include "keyfed/http/message.hpp"

namespace keyfed::http {

struct ParseError {
  int status = 400;
  std::string code;  // "http.bad-request", "http.header-too-large", ...
  std::string message;
};

class RequestParser {
 public:
  enum class State { needMore, headerComplete, complete, failed };

  explicit RequestParser(const Limits& limits);
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Parses from `bytes`; `consumed` is set to how many bytes were used (the
  // caller drops them). Returns headerComplete once per request, after which
  // the caller must call setBodyLimit() before feeding on.
  State feed(std::string_view bytes, std::size_t& consumed);

  // The header of the request being parsed (valid from headerComplete on).
  [[nodiscard]] const Request& request() const { return request_; }
  // Allows a body of at most `maxBytes` (the route's limit); false (and the
  // state failed with 413) when Content-Length already says more.
  bool setBodyLimit(std::size_t maxBytes);
  // Whether the client asked for "100 Continue" before sending its body.
  [[nodiscard]] bool expectsContinue() const;
  // Hands over the complete request and starts over.
  Request take();

  [[nodiscard]] const ParseError& error() const { return error_; }
  // Whether any byte of a request has been consumed (for timeouts: a
  // connection between requests is idle, not slow).
  [[nodiscard]] bool started() const { return started_; }

 private:
  struct Impl;
  State fail(int status, std::string code, std::string message);
  State checkRequestLine(std::string_view bytes);
  State finishHeader();

  const Limits& limits_;
  std::unique_ptr<Impl> impl_;
  Request request_;
  ParseError error_;
  State state_ = State::needMore;
  bool started_ = false;
};

}  // namespace keyfed::http
