#pragma once
// The server side of SASL negotiation on one stream (RFC 6120 section 6):
// <auth/>, <challenge/>/<response/>, <abort/>, <success/> or <failure/>.
// SCRAM-SHA-1/256 with and without -PLUS (tls-exporter binding, XEP-0440) and
// PLAIN, all verified against the stored SCRAM keys (docs/sasl.md).

#include <optional>
#include <string>
#include <vector>

#include "keyfed/base/log.hpp"
#include "keyfed/storage/stores.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/sasl.hpp"
#include "keyfed/xmpp/scram.hpp"

namespace keyfed::modules::c2s {

struct SaslStep {
  enum class Kind { challenge, success, failure };
  Kind kind = Kind::failure;
  xml::Element reply;  // what to send
  std::string user;    // success: the prepared localpart
  std::string reason;  // failure: why, for the log (never sent to the client)
  // failure: a password or proof was checked and was wrong (or the user is
  // unknown). Only these count toward per-address throttling: a client that
  // tries a mechanism or binding we cannot do is not guessing passwords.
  bool guess = false;
};

class SaslNegotiator {
 public:
  // `offered`: the mechanism names advertised on this stream; `bindings`: the
  // channel bindings this connection can provide (empty without TLS).
  SaslNegotiator(storage::AccountStore& accounts, std::string host,
                 std::vector<std::string> offered, std::vector<xmpp::ChannelBinding> bindings);

  // Handles <auth/>, <response/> or <abort/> (SASL namespace).
  SaslStep handle(const xml::Element& element);
  [[nodiscard]] bool inProgress() const { return scram_.has_value(); }

 private:
  SaslStep start(const xml::Element& auth);
  SaslStep plain(const std::string& message);
  SaslStep scramFirst(const xmpp::ScramMechanism& mechanism, const std::string& message);
  SaslStep scramFinal(const std::string& message);
  std::optional<storage::Credentials> lookup(const std::string& user);
  SaslStep failure(xmpp::SaslCondition condition, std::string_view text = {});
  SaslStep success(std::string user, std::string_view additionalData);

  storage::AccountStore& accounts_;
  std::string host_;
  std::vector<std::string> offered_;
  std::vector<xmpp::ChannelBinding> bindings_;
  std::optional<xmpp::ScramServer> scram_;
  std::string scramUser_;  // prepared localpart of the current SCRAM exchange
  base::Logger log_{"c2s"};
};

}  // namespace keyfed::modules::c2s
