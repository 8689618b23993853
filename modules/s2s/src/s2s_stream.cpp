#include "s2s_stream.hpp"

#include <algorithm>
#include <span>

#include "keyfed/server/server.hpp"
#include "keyfed/server/stream_limits.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "s2s_module.hpp"

namespace keyfed::modules::s2s {
namespace {

namespace ns = xmpp::ns;

// The prefixes every server stream header declares.
std::span<const xml::Prefix> streamPrefixes() {
  static const xml::Prefix prefixes[] = {{"stream", std::string(ns::stream)},
                                         {"db", std::string(ns::dialback)}};
  return prefixes;
}

xml::ParserLimits parserLimits(const config::Config& config) {
  return server::streamParserLimits(config, config.limits.s2sStanzaSize, ns::server);
}

}  // namespace

S2sStream::S2sStream(S2sModule& owner, std::uint64_t id)
    : owner_(owner),
      server_(owner.server()),
      id_(id),
      parser_(*this, parserLimits(owner.server().config())),
      shaper_(owner.server().loop()) {
  lastActivity_ = refilledAt_ = server_.clock().steadyNow();
  tokens_ = static_cast<double>(owner_.settings().bytesPerSecond);
}

S2sStream::~S2sStream() = default;

void S2sStream::attach(std::unique_ptr<net::ByteStream> stream) {
  stream_ = std::move(stream);
  remote_ = stream_->remoteAddress();
  touch();
  stream_->start(this);
}

void S2sStream::touch() {
  lastActivity_ = server_.clock().steadyNow();
}

// Like a c2s stream's (modules/c2s): after a second without a byte from the
// peer the expat parser is freed (about 12 KiB) with the serialization
// buffer's capacity; the next bytes bring a fresh parser.
constexpr std::chrono::seconds kHibernateAfter{1};

std::chrono::steady_clock::time_point S2sStream::hibernateDeadline() const {
  if (closing_ || !parser_.headerSeen() || parser_.hibernating() ||
      hibernateTriedAt_ == lastActivity_) {
    return std::chrono::steady_clock::time_point::max();
  }
  return lastActivity_ + kHibernateAfter;
}

void S2sStream::hibernateIfQuiet(std::chrono::steady_clock::time_point now) {
  if (hibernateDeadline() > now || !backlog_.empty()) return;
  hibernateTriedAt_ = lastActivity_;
  if (parser_.hibernate()) {
    std::string().swap(out_);
    owner_.log().debug("s2s stream {} with {}: quiet, parser asleep", id_, remote_);
  }
}

// --- bytes in ----------------------------------------------------------------------------

void S2sStream::onBytes(std::string_view bytes) {
  if (closing_) return;
  touch();
  const std::size_t rate = owner_.settings().bytesPerSecond;
  if (rate == 0) {
    feed(bytes);
    return;
  }
  // Token bucket holding at most one second of traffic. What exceeds it waits
  // in the backlog; a peer that keeps sending faster than the rate fills the
  // backlog and is disconnected (the byte stream cannot pause reading).
  const auto now = server_.clock().steadyNow();
  const double elapsed = std::chrono::duration<double>(now - refilledAt_).count();
  refilledAt_ = now;
  tokens_ = std::min(static_cast<double>(rate), tokens_ + elapsed * static_cast<double>(rate));
  if (backlog_.empty() && tokens_ >= static_cast<double>(bytes.size())) {
    tokens_ -= static_cast<double>(bytes.size());
    feed(bytes);
    return;
  }
  const std::size_t limit = server_.config().limits.s2sStanzaSize + 4 * rate;
  if (backlog_.size() + bytes.size() > limit) {
    closeStream(xmpp::StreamErrorCondition::policyViolation,
                "sending faster than " + std::to_string(rate) + " bytes per second");
    return;
  }
  backlog_.append(bytes);
  if (!shaper_.armed()) drainBacklog();
}

void S2sStream::drainBacklog() {
  if (closing_ || backlog_.empty()) return;
  const double rate = static_cast<double>(owner_.settings().bytesPerSecond);
  const auto now = server_.clock().steadyNow();
  tokens_ =
      std::min(rate, tokens_ + std::chrono::duration<double>(now - refilledAt_).count() * rate);
  refilledAt_ = now;
  const auto take = std::min(backlog_.size(), static_cast<std::size_t>(tokens_));
  if (take > 0) {
    tokens_ -= static_cast<double>(take);
    std::string chunk = backlog_.substr(0, take);
    backlog_.erase(0, take);
    feed(chunk);
  }
  if (!closing_ && !backlog_.empty()) {
    // Wake when a tenth of a second's worth of tokens is there.
    shaper_.start(std::chrono::milliseconds(100), [this] { drainBacklog(); });
  }
}

void S2sStream::feed(std::string_view bytes) {
  const bool wasAsleep = parser_.hibernating();
  auto fed = parser_.feed(bytes);
  if (!fed && !closing_) {
    const auto fault = parser_.fault().value_or(xml::StreamFault::notWellFormed);
    closeStream(xmpp::streamErrorFor(fault), fed.error().message);
    return;
  }
  // A sleeping parser's timer waits for the idle timeout only: once awake,
  // the next quiet second must put it to sleep again.
  if (wasAsleep && !closing_) armTimer();
}

void S2sStream::onStreamOpen(const xml::StreamHeader& header) {
  if (closing_) return;
  handleHeader(header);
}

void S2sStream::onStanza(xml::Element&& stanza) {
  if (closing_) return;
  if (stanza.is("error", ns::stream)) {
    // The peer ends the stream with an error: note why, then close our side.
    std::string condition = "undefined-condition";
    for (const auto& child : stanza.children()) {
      if (child.ns() != ns::streams || child.name() == "text") continue;
      condition = child.name();
      // Kept short: the location is read later (redirect.hpp), never trusted in size.
      if (condition == "see-other-host") peerSeeOtherHost_ = child.text().substr(0, 65);
    }
    const std::string text = stanza.childText("text", ns::streams);
    owner_.log().info("s2s stream {} with {}: peer sent stream error {}{}{}", id_, remote_,
                      condition, text.empty() ? "" : ": ", text);
    peerError_ = condition;
    peerErrorText_ = text;
    closeGracefully("peer stream error");
    return;
  }
  handleElement(std::move(stanza));
}

void S2sStream::onStreamClose() {
  closeGracefully("peer closed the stream");
}

void S2sStream::onTlsEstablished() {
  backlog_.clear();
  parser_.reset();
  if (closing_) return;
  handleTls();
}

void S2sStream::onClosed(std::string_view reason) {
  if (gone_) return;
  gone_ = true;
  closing_ = true;
  shaper_.cancel();
  handleGone(reason);
}

// --- bytes out ---------------------------------------------------------------------------

void S2sStream::sendRaw(std::string_view bytes) {
  if (stream_ == nullptr || gone_) return;
  stream_->send(bytes);
}

void S2sStream::writeHeader(const xml::StreamHeader& header) {
  out_.clear();
  xml::writeStreamHeader(header, out_);
  sendRaw(out_);
}

void S2sStream::sendElement(const xml::Element& element) {
  if (closing_) return;
  out_.clear();
  xml::serialize(element, out_, xml::WriteContext{ns::server, streamPrefixes()});
  sendRaw(out_);
}

void S2sStream::closeStream(xmpp::StreamErrorCondition condition, std::string_view text,
                            std::string_view seeOtherHost) {
  if (closing_) return;
  owner_.log().info("s2s stream {} with {}: closing with {}{}{}{}{}", id_, remote_,
                    xmpp::conditionName(condition), seeOtherHost.empty() ? "" : " ", seeOtherHost,
                    text.empty() ? "" : ": ", text);
  if (stream_ != nullptr && !gone_) {
    ensureHeaderSent();
    out_.clear();
    xml::serialize(xmpp::makeStreamError(condition, text, seeOtherHost), out_,
                   xml::WriteContext{ns::server, streamPrefixes()});
    xml::writeStreamClose(out_);
    sendRaw(out_);
  }
  closing_ = true;
  shaper_.cancel();
  if (stream_ != nullptr && !gone_) {
    stream_->close();
  } else if (!gone_) {
    onClosed(text);
  }
}

void S2sStream::closeGracefully(std::string_view why) {
  if (closing_) return;
  owner_.log().debug("s2s stream {} with {}: closing ({})", id_, remote_, why);
  if (stream_ != nullptr && !gone_) {
    ensureHeaderSent();
    out_.clear();
    xml::writeStreamClose(out_);
    sendRaw(out_);
  }
  closing_ = true;
  shaper_.cancel();
  if (stream_ != nullptr && !gone_) {
    stream_->close();
  } else if (!gone_) {
    onClosed(why);
  }
}

}  // namespace keyfed::modules::s2s
