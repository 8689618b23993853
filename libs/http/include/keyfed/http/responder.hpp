#pragma once
// The answer to a request its route answers later (docs/http.md, "Handlers
// that answer later"): BOSH long polling holds a request until there is
// something to send or its wait is over.
//
// A DeferredHandler gets the request and a Responder; it may answer at once
// or keep the Responder and answer from a later loop turn. The connection
// reads nothing more until then (a pipelined request waits behind it). Three
// things bound a held request: the owner's own timer (the BOSH wait), the
// route's `deferredTimeout`, after which the connection answers 504 itself,
// and the client closing the connection, after which answer() is a no-op
// that returns false. A Responder dropped without an answer answers 500:
// a request is never left hanging.

#include <memory>

#include "keyfed/http/message.hpp"

namespace keyfed::http {

class Connection;

// Shared between a connection and the Responder for its held request; the
// connection clears `connection` when it goes away first.
struct DeferredSlot {
  Connection* connection = nullptr;
};

class Responder {
 public:
  Responder() = default;
  explicit Responder(std::shared_ptr<DeferredSlot> slot) : slot_(std::move(slot)) {}
  Responder(Responder&&) noexcept = default;
  Responder& operator=(Responder&& other) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  // Sends the response on the request's connection. False when the
  // connection is gone (closed by the client, timed out) or this Responder
  // already answered or is empty; the response is then dropped.
  bool answer(const Response& response);
  // Whether answer() would still reach the client.
  [[nodiscard]] bool connected() const;

 private:
  std::shared_ptr<DeferredSlot> slot_;
};

}  // namespace keyfed::http
