// Answers for deferred requests (docs/http.md).

#include "keyfed/http/responder.hpp"

#include "connection.hpp"

namespace keyfed::http {

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    if (connected()) answer(Response::error(500, "http.internal", "the request was dropped"));
    slot_ = std::move(other.slot_);
  }
  return *this;
}

Responder::~Responder() {
  if (connected()) answer(Response::error(500, "http.internal", "the request was dropped"));
}

bool Responder::answer(const Response& response) {
  if (!connected()) return false;
  Connection* connection = slot_->connection;
  slot_->connection = nullptr;
  slot_.reset();
  connection->finishDeferred(response);
  return true;
}

bool Responder::connected() const {
  return slot_ != nullptr && slot_->connection != nullptr;
}

}  // namespace keyfed::http
