#pragma once
// Stream management for one client session (XEP-0198): the layer on the
// session's outbound path that counts and keeps what it writes until the
// client acknowledges it, counts what the client sends, asks for acks, and
// keeps the session for resumption when the connection breaks.
//
// Owned by the session (its module data), so a session without stream
// management carries nothing of it.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include "keyfed/modules/sm_config.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/server/server.hpp"
#include "unacked_queue.hpp"

namespace keyfed::modules::sm {

inline constexpr std::string_view kSmNs = "urn:xmpp:sm:3";
// Layers run in ascending order: after CSI (10), so only what reaches the
// stream is counted.
inline constexpr int kLayerOrder = 20;

class SmStream final : public server::SessionLayer, public std::enable_shared_from_this<SmStream> {
 public:
  // `resumeId` empty: acks only, no resumption.
  SmStream(server::Server& server, server::ClientSession& session, SmConfig config,
           std::string resumeId);

  // server::SessionLayer
  void outbound(server::ClientSession& session, const xml::Element& stanza) override;
  void inbound(server::ClientSession& /*session*/, const xml::Element& /*stanza*/) override {
    ++handled_;  // wraps at 2^32 (section 4)
  }
  bool keepAfterConnectionLoss(server::ClientSession& session) override;

  // <a h='...'/> from the client.
  base::Result<void> acknowledge(std::uint32_t h) {
    ackRequested_ = false;
    return unacked_.ack(h);
  }
  // Stanzas received from the client so far (the h we report).
  [[nodiscard]] std::uint32_t handled() const { return handled_; }
  [[nodiscard]] const std::string& resumeId() const { return resumeId_; }
  [[nodiscard]] bool detached() const { return detached_; }
  [[nodiscard]] server::ClientSession& session() const { return *session_; }
  [[nodiscard]] const UnackedQueue& unacked() const { return unacked_; }

  // The session now lives on `fresh` (c2s moved it there): write
  // <resumed/>, then everything the client has not acknowledged.
  void resumedOn(server::ClientSession& fresh);
  // The session is ending: what was never acknowledged.
  std::deque<xml::Element> takeUnacked();

 private:
  void requestAck();
  // Fires "message/deferred" for a message queued while detached.
  void deferred(const xml::Element& stanza);

  server::Server& server_;
  server::ClientSession* session_;
  SmConfig config_;
  std::string resumeId_;
  UnackedQueue unacked_;
  std::uint32_t handled_ = 0;
  std::unique_ptr<net::Timer> resumeTimer_;  // only while detached
  bool detached_ = false;
  bool ackRequested_ = false;
  bool ending_ = false;
};

}  // namespace keyfed::modules::sm
