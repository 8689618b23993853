#include "keyfed/http/request_parser.hpp"

#include <gtest/gtest.h>

#include <string>

namespace keyfed::http {
namespace {

using State = RequestParser::State;

// Feeds `input` in pieces of `step` bytes, keeping unconsumed bytes as a
// connection does; stops at the first state that is not needMore, after
// applying `bodyLimit` at the header.
struct Run {
  State state = State::needMore;
  Request request;
  std::string rest;
};

Run parse(RequestParser& parser, std::string_view input, std::size_t bodyLimit = 1024,
          std::size_t step = 0) {
  Run run;
  std::string buffer;
  std::size_t offset = 0;
  if (step == 0) step = input.size();
  while (true) {
    if (offset < input.size()) {
      buffer.append(input.substr(offset, step));
      offset += step;
    }
    std::size_t consumed = 0;
    run.state = parser.feed(buffer, consumed);
    buffer.erase(0, consumed);
    if (run.state == State::headerComplete) {
      if (!parser.setBodyLimit(bodyLimit)) {
        run.state = State::failed;
        break;
      }
      run.state = parser.feed(buffer, consumed);
      buffer.erase(0, consumed);
    }
    if (run.state == State::complete) {
      run.request = parser.take();
      break;
    }
    if (run.state == State::failed || offset >= input.size()) break;
  }
  run.rest = buffer;
  return run;
}

TEST(RequestParser, ReadsAGetWithHeadersPathAndQuery) {
  Limits limits;
  RequestParser parser(limits);
  auto run = parse(parser, "GET /a/b?x=1 HTTP/1.1\r\nHost: h.test\r\nX-Thing: Yes\r\n\r\n");
  ASSERT_EQ(run.state, State::complete);
  EXPECT_EQ(run.request.method, "GET");
  EXPECT_EQ(run.request.path, "/a/b");
  EXPECT_EQ(run.request.query, "x=1");
  ASSERT_NE(run.request.header("x-thing"), nullptr);
  EXPECT_EQ(*run.request.header("x-thing"), "Yes");
  EXPECT_TRUE(run.request.keepAlive);
  EXPECT_TRUE(run.request.body.empty());
}

TEST(RequestParser, ReadsABodyDeliveredOneByteAtATime) {
  Limits limits;
  RequestParser parser(limits);
  auto run = parse(parser,
                   "POST /fac/request HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n"
                   "Connection: close\r\n\r\n{\"a\":\"bcd\"}",
                   1024, 1);
  ASSERT_EQ(run.state, State::complete);
  EXPECT_EQ(run.request.body, "{\"a\":\"bcd\"}");
  EXPECT_FALSE(run.request.keepAlive);
}

TEST(RequestParser, LeavesAPipelinedRequestForTheNextRound) {
  Limits limits;
  RequestParser parser(limits);
  auto run = parse(parser, "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
  ASSERT_EQ(run.state, State::complete);
  EXPECT_EQ(run.request.path, "/1");
  auto second = parse(parser, run.rest);
  ASSERT_EQ(second.state, State::complete);
  EXPECT_EQ(second.request.path, "/2");
}

// Parses `input` under `limits` and expects it refused with `status`.
void expectRefused(const Limits& limits, std::string_view input, int status,
                   std::size_t bodyLimit = 1024, std::size_t step = 0) {
  RequestParser parser(limits);
  auto run = parse(parser, input, bodyLimit, step);
  ASSERT_EQ(run.state, State::failed) << input;
  EXPECT_EQ(parser.error().status, status) << input;
}

TEST(RequestParser, RefusesALongRequestLineWith414EvenBeforeItsEnd) {
  Limits limits;
  limits.requestLineBytes = 64;
  expectRefused(limits, "GET /" + std::string(100, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n", 414);
  expectRefused(limits, "GET /" + std::string(100, 'a'), 414);  // no CRLF yet
}

TEST(RequestParser, RefusesAHeaderLargerThanTheLimitWith431) {
  Limits limits;
  limits.headerBytes = 256;
  expectRefused(limits, "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(300, 'v') + "\r\n\r\n",
                431, 1024, 50);
}

TEST(RequestParser, RefusesTooManyHeaderFieldsWith431) {
  Limits limits;
  limits.headerCount = 8;
  std::string request = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 9; ++i) request += "X-" + std::to_string(i) + ": v\r\n";
  expectRefused(limits, request + "\r\n", 431);
}

TEST(RequestParser, RefusesABodyOverTheLimitFromItsContentLength) {
  Limits limits;
  limits.bodyBytes = 1000;
  // Only the header arrives: the answer must not wait for the body. Over
  // the route's limit, then over the server's.
  expectRefused(limits, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 500\r\n\r\n", 413, 100);
  expectRefused(limits, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1000000000\r\n\r\n", 413);
}

TEST(RequestParser, DecodesAChunkedBodyWithinTheLimit) {
  Limits limits;
  RequestParser parser(limits);
  auto run = parse(parser,
                   "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
                   100, 3);
  ASSERT_EQ(run.state, State::complete);
  EXPECT_EQ(run.request.body, "abcde");
}

TEST(RequestParser, RefusesAChunkedBodyThatGrowsBeyondTheLimit) {
  std::string request = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 20; ++i) request += "a\r\n0123456789\r\n";
  expectRefused(Limits{}, request, 413, 100);
}

TEST(RequestParser, RefusesGarbageMissingHostAndBadTargets) {
  for (std::string_view bad :
       {std::string_view("\x16\x03\x01\x02\x01 hello\r\n\r\n"),
        std::string_view("GET / HTTP/1.1\r\n\r\n"),
        std::string_view("GET * HTTP/1.1\r\nHost: x\r\n\r\n"),
        std::string_view("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n"),
        std::string_view("GET / HTTP/1.1\r\nHo st: h\r\n\r\n")}) {
    expectRefused(Limits{}, bad, 400);
  }
}

TEST(RequestParser, TakesTheAbsoluteFormsPath) {
  Limits limits;
  RequestParser parser(limits);
  auto run =
      parse(parser, "GET https://h.test:5443/fac/request?x HTTP/1.1\r\nHost: h.test\r\n\r\n");
  ASSERT_EQ(run.state, State::complete);
  EXPECT_EQ(run.request.path, "/fac/request");
  EXPECT_EQ(run.request.query, "x");
}

TEST(RequestParser, NoticesExpectContinue) {
  Limits limits;
  RequestParser parser(limits);
  std::size_t consumed = 0;
  std::string header =
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n";
  ASSERT_EQ(parser.feed(header, consumed), State::headerComplete);
  EXPECT_TRUE(parser.expectsContinue());
}

}  // namespace
}  // namespace keyfed::http
