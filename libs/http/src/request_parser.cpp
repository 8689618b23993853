// The request parser: Beast's strict HTTP/1.1 parser fed from our buffer,
// with the limits Beast does not enforce itself (request line, field count,
// Host) checked around it.

#include "keyfed/http/request_parser.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>

namespace keyfed::http {

namespace beast_http = boost::beast::http;

struct RequestParser::Impl {
  std::optional<beast_http::request_parser<beast_http::string_body>> parser;
  bool headerReported = false;

  void reset(const Limits& limits) {
    parser.emplace();
    headerReported = false;
    parser->header_limit(static_cast<std::uint32_t>(limits.headerBytes));
    // Content-Length above the largest body any route takes fails at the
    // header; the route's own limit is applied by setBodyLimit().
    parser->body_limit(limits.bodyBytes);
    parser->eager(false);
  }
};

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

RequestParser::RequestParser(const Limits& limits)
    : limits_(limits), impl_(std::make_unique<Impl>()) {
  impl_->reset(limits_);
}

RequestParser::~RequestParser() = default;

RequestParser::State RequestParser::fail(int status, std::string code, std::string message) {
  error_ = {status, std::move(code), std::move(message)};
  state_ = State::failed;
  return state_;
}

RequestParser::State RequestParser::checkRequestLine(std::string_view bytes) {
  // Beast bounds the whole header; a request line on its own is bounded
  // tighter so a 16 KiB URL is a clear 414, not a 431.
  const auto end = bytes.find("\r\n");
  const std::size_t length = end == std::string_view::npos ? bytes.size() : end;
  if (length > limits_.requestLineBytes) {
    return fail(
        414, "http.uri-too-long",
        "the request line is longer than " + std::to_string(limits_.requestLineBytes) + " bytes");
  }
  return State::needMore;
}

RequestParser::State RequestParser::finishHeader() {
  const auto& message = impl_->parser->get();
  std::size_t count = 0;
  request_ = Request{};
  request_.method = std::string(message.method_string());
  request_.target = std::string(message.target());
  // Origin form ("/a?b"), or absolute form ("https://host/a?b"), which a
  // server must accept too (RFC 9112 3.2.2): the route is its path.
  std::string_view target = request_.target;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (!target.starts_with(scheme)) continue;
    const auto slash = target.find('/', scheme.size());
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    break;
  }
  const auto q = target.find('?');
  request_.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) request_.query = std::string(target.substr(q + 1));
  for (const auto& field : message) {
    if (++count > limits_.headerCount) {
      return fail(431, "http.too-many-headers",
                  "more than " + std::to_string(limits_.headerCount) + " header fields");
    }
    request_.headers.push_back({lower(field.name_string()), std::string(field.value())});
  }
  if (message.version() != 11 && message.version() != 10) {
    return fail(505, "http.version", "only HTTP/1.1 and HTTP/1.0 are served");
  }
  if (message.version() == 11 && request_.header("host") == nullptr) {
    return fail(400, "http.bad-request", "HTTP/1.1 requests need a Host header (RFC 9112 3.2)");
  }
  if (request_.path.empty() || request_.path.front() != '/') {
    return fail(400, "http.bad-request", "the request target must be a path or an absolute URL");
  }
  request_.keepAlive = impl_->parser->keep_alive();
  state_ = State::headerComplete;
  return state_;
}

RequestParser::State RequestParser::feed(std::string_view bytes, std::size_t& consumed) {
  consumed = 0;
  if (state_ != State::needMore || bytes.empty()) return state_;
  started_ = true;
  auto& parser = *impl_->parser;
  if (!parser.is_header_done()) {
    if (checkRequestLine(bytes) == State::failed) return state_;
  }
  boost::beast::error_code ec;
  while (consumed < bytes.size() && !parser.is_done()) {
    const std::size_t n =
        parser.put(boost::asio::const_buffer(bytes.data() + consumed, bytes.size() - consumed), ec);
    consumed += n;
    if (ec == beast_http::error::need_more) {
      ec = {};
      break;
    }
    if (ec == beast_http::error::header_limit) {
      return fail(
          431, "http.header-too-large",
          "the request header is larger than " + std::to_string(limits_.headerBytes) + " bytes");
    }
    if (ec == beast_http::error::body_limit) {
      return fail(413, "http.body-too-large", "the request body is larger than this URL accepts");
    }
    if (ec) return fail(400, "http.bad-request", "malformed request: " + ec.message());
    if (!impl_->headerReported && parser.is_header_done()) {
      impl_->headerReported = true;
      return finishHeader();
    }
    if (n == 0) break;
  }
  if (parser.is_done()) {
    state_ = State::complete;
    return state_;
  }
  return State::needMore;
}

bool RequestParser::setBodyLimit(std::size_t maxBytes) {
  auto& parser = *impl_->parser;
  const auto length = parser.content_length();
  if (length && *length > maxBytes) {
    fail(413, "http.body-too-large",
         "the body (" + std::to_string(*length) + " bytes) is larger than this URL accepts (" +
             std::to_string(maxBytes) + " bytes)");
    return false;
  }
  parser.body_limit(maxBytes);
  parser.eager(true);
  state_ = parser.is_done() ? State::complete : State::needMore;
  return true;
}

bool RequestParser::expectsContinue() const {
  const std::string* expect = request_.header("expect");
  return expect != nullptr && lower(*expect) == "100-continue";
}

Request RequestParser::take() {
  Request out = std::move(request_);
  auto message = impl_->parser->release();
  out.body = std::move(message.body());
  request_ = Request{};
  impl_->reset(limits_);
  state_ = State::needMore;
  started_ = false;
  return out;
}

}  // namespace keyfed::http
