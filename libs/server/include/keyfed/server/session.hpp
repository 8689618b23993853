#pragma once
// What the router and modules know about a connected party. A Session can be
// sent stanzas and be closed; a ClientSession is a client's bound resource
// with the presence state routing needs (RFC 6121 8.5).
//
// Sessions are owned by whatever accepted them (the c2s module, a test); the
// SessionRegistry only points at bound client sessions and forgets them when
// they unbind.

#include <any>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/errors.hpp"
#include "keyfed/xmpp/jid.hpp"

namespace keyfed::server {

class Session {
 public:
  enum class Kind { client, serverIn, serverOut, component };

  virtual ~Session() = default;
  [[nodiscard]] virtual Kind kind() const = 0;
  // Queues a stanza for the peer (serialized for its stream).
  virtual void send(const xml::Element& stanza) = 0;
  // Ends the stream with a stream error, then closes the connection.
  virtual void closeWithError(xmpp::StreamErrorCondition condition, std::string_view text = {}) = 0;
  [[nodiscard]] virtual std::string remoteAddress() const = 0;
};

// Presence state of one resource (RFC 6121 4.2-4.6).
struct PresenceState {
  bool available = false;            // sent initial presence and not yet unavailable
  int priority = 0;                  // -128..127 from the last available presence
  std::optional<xml::Element> last;  // last broadcast presence, for probes
  bool interested = false;           // requested the roster (RFC 6121 2.1.6)
};

class ClientSession;

// A layer between the router and one client's stream, installed by a module
// for that session only (CSI holds stanzas, stream management counts and
// queues them). Sessions without layers pay nothing for them.
class SessionLayer {
 public:
  virtual ~SessionLayer() = default;
  // A stanza on its way to the client: pass it on with
  // session.sendPast(*this, stanza), keep it for later, or drop it on purpose.
  virtual void outbound(ClientSession& session, const xml::Element& stanza) = 0;
  // A stanza the client sent (before routing), for counting.
  virtual void inbound(ClientSession& /*session*/, const xml::Element& /*stanza*/) {}
  // The connection is gone without a clean close. True keeps the session
  // bound and registered without a connection (stream management's
  // resumption); the layer must end it later with closeWithError().
  virtual bool keepAfterConnectionLoss(ClientSession& /*session*/) { return false; }
};

class ClientSession : public Session {
 public:
  [[nodiscard]] Kind kind() const override { return Kind::client; }

  // Sends through the installed layers, then write().
  void send(const xml::Element& stanza) final;
  // Passes a stanza to the layers below `from`, then to the stream.
  void sendPast(const SessionLayer& from, const xml::Element& stanza);
  // Writes straight to the stream (a layer resending what it kept).
  void sendDirect(const xml::Element& stanza) { write(stanza); }
  // Layers run in ascending `order` (CSI 10 before stream management 20). The
  // session does not own them: keep them in data() and remove them before
  // they go away.
  void addLayer(SessionLayer& layer, int order);
  void removeLayer(const SessionLayer& layer);
  // Called by the transport for every stanza the client sent.
  void noteInbound(const xml::Element& stanza) {
    for (const auto& entry : layers_) entry.layer->inbound(*this, stanza);
  }
  // Called by the transport when the connection is lost: whether a layer
  // keeps the session alive without it.
  [[nodiscard]] bool keptAfterConnectionLoss();
  // Takes the connection of `fresh` (a newer, authenticated but unbound
  // session of the same account) into this detached session (stream
  // management resumption). Implemented by the transport; false when the two
  // cannot be joined (different transports).
  virtual bool resumeOnto(ClientSession& /*fresh*/) { return false; }

  // The bound full JID; invalid before resource binding.
  [[nodiscard]] const xmpp::Jid& jid() const { return jid_; }
  [[nodiscard]] bool bound() const { return jid_.valid(); }
  [[nodiscard]] bool authenticated() const { return !user_.empty(); }
  // Account localpart and host (prepared), set by authentication.
  [[nodiscard]] const std::string& user() const { return user_; }
  [[nodiscard]] const std::string& host() const { return host_; }
  [[nodiscard]] virtual bool secure() const = 0;
  // The domain the client's stream was opened to ('to' of the stream header),
  // known before authentication (in-band registration needs it).
  [[nodiscard]] const std::string& streamDomain() const { return streamDomain_; }

  PresenceState presence;

  // Per-session state owned by modules (carbons enabled, CSI state, ...), by
  // module name. Each module keeps its own type behind its own key.
  template <class T>
  T& data(std::string_view key) {
    auto it = data_.find(key);
    if (it == data_.end()) it = data_.emplace(std::string(key), std::any(T{})).first;
    return std::any_cast<T&>(it->second);
  }
  template <class T>
  T* findData(std::string_view key) {
    auto it = data_.find(key);
    return it == data_.end() ? nullptr : std::any_cast<T>(&it->second);
  }

 protected:
  // The transport's write of one stanza to the connection.
  virtual void write(const xml::Element& stanza) = 0;
  // Takes over the bound identity and every piece of per-session state of
  // `old` (JID, presence, module data, layers) for resumption; `old` is left
  // unbound and must already be out of the session registry.
  void adoptFrom(ClientSession& old);
  void setAccount(std::string user, std::string host) {
    user_ = std::move(user);
    host_ = std::move(host);
  }
  void setJid(xmpp::Jid jid) { jid_ = std::move(jid); }
  void setStreamDomain(std::string domain) { streamDomain_ = std::move(domain); }

 private:
  std::string user_;
  std::string host_;
  std::string streamDomain_;
  xmpp::Jid jid_;
  std::map<std::string, std::any, std::less<>> data_;
  struct LayerEntry {
    SessionLayer* layer;
    int order;
  };
  std::vector<LayerEntry> layers_;  // empty for most sessions
};

}  // namespace keyfed::server
