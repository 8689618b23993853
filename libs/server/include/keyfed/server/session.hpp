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

class ClientSession : public Session {
 public:
  [[nodiscard]] Kind kind() const override { return Kind::client; }

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
};

}  // namespace keyfed::server
