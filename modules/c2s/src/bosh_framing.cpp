// XEP-0206 framing (docs/bosh.md): what the c2s session reads and writes
// through a BoshSession.
//
// Reading is the RFC 7395 framing's: BoshSession delivers each payload of a
// <body/> as one message, a session start or restart as <open/> and
// type='terminate' as <close/>, so the parser, its limits and the checks are
// the WebSocket ones. Writing differs only at the stream's edges: BOSH has no
// <open/> or <close/> on the wire (the session creation response and the
// terminal <body/> stand for them, written by BoshSession), so those write
// nothing; elements are written as on WebSocket.

#include "stream_framing.hpp"

namespace keyfed::modules::c2s {
namespace {

class BoshFraming final : public StreamFraming {
 public:
  BoshFraming(xml::StreamHandler& handler, xml::ParserLimits limits)
      : messages_(makeWebSocketFraming(handler, std::move(limits))) {}

  base::Result<void> feed(std::string_view bytes) override { return messages_->feed(bytes); }
  [[nodiscard]] std::optional<xml::StreamFault> fault() const override {
    return messages_->fault();
  }
  void restart() override { messages_->restart(); }
  bool stopForTls() override { return false; }
  bool hibernate() override { return messages_->hibernate(); }
  [[nodiscard]] bool hibernating() const override { return messages_->hibernating(); }

  void writeOpen(const xml::StreamHeader& /*header*/, std::string& /*out*/) const override {}
  void writeElement(const xml::Element& element, std::string_view defaultNs,
                    std::string& out) const override {
    messages_->writeElement(element, defaultNs, out);
  }
  void writeClose(std::string& /*out*/) const override {}

 private:
  std::unique_ptr<StreamFraming> messages_;
};

}  // namespace

std::unique_ptr<StreamFraming> makeBoshFraming(xml::StreamHandler& handler,
                                               xml::ParserLimits limits) {
  return std::make_unique<BoshFraming>(handler, std::move(limits));
}

}  // namespace keyfed::modules::c2s
