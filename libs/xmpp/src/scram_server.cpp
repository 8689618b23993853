#include "keyfed/xmpp/scram.hpp"

#include "scram_crypto.hpp"
#include "scram_message.hpp"

namespace keyfed::xmpp {

namespace {

std::string defaultNonce() {
  return base64Encode(randomBytes(18));  // 24 characters, none of them ','
}

// Made-up but stable credentials for an unknown user, so that the
// server-first-message looks the same whether or not the account exists.
ScramCredentials fakeCredentials(ScramHash hash, std::string_view username) {
  static const std::string secret = randomBytes(32);
  ScramCredentials c;
  c.hash = hash;
  c.salt = detail::hmac(ScramHash::sha256, secret, username).substr(0, 16);
  c.iterations = kScramMinIterations;
  c.storedKey = randomBytes(scramHashSize(hash));
  c.serverKey = randomBytes(scramHashSize(hash));
  return c;
}

}  // namespace

ScramServer::ScramServer(ScramServerConfig config) : config_(std::move(config)) {}

base::Failure ScramServer::failWith(SaslCondition condition, std::string message) {
  state_ = State::failed;
  failure_ = condition;
  return saslFail(condition, std::move(message));
}

base::Result<void> ScramServer::receiveClientFirst(std::string_view message) {
  using enum SaslCondition;
  if (state_ != State::start) return failWith(malformedRequest, "unexpected client-first-message");
  if (message.size() > config_.maxMessageBytes) {
    return failWith(malformedRequest, "client-first-message too long");
  }
  // gs2-header: cbind-flag "," [authzid] ","
  std::size_t c1 = message.find(',');
  std::size_t c2 = c1 == std::string_view::npos ? c1 : message.find(',', c1 + 1);
  if (c2 == std::string_view::npos) return failWith(malformedRequest, "missing GS2 header");
  std::string_view flag = message.substr(0, c1);
  std::string_view authzField = message.substr(c1 + 1, c2 - c1 - 1);
  std::string_view bare = message.substr(c2 + 1);

  std::string cbName;
  if (flag == "n" || flag == "y") {
    if (config_.plus) {
      return failWith(malformedRequest, "-PLUS mechanism selected without channel binding");
    }
    // RFC 5802 6: 'y' means the client believes the server cannot bind.
    // If we advertised -PLUS, someone removed it on the way: a downgrade.
    if (flag == "y" && config_.plusOffered) {
      return failWith(notAuthorized, "channel binding downgrade detected");
    }
  } else if (flag.substr(0, 2) == "p=" && detail::isChannelBindingName(flag.substr(2))) {
    if (!config_.plus) {
      return failWith(malformedRequest, "channel binding requested with a non-PLUS mechanism");
    }
    cbName = std::string(flag.substr(2));
  } else {
    return failWith(malformedRequest, "bad GS2 channel binding flag");
  }
  if (!cbName.empty()) {
    const ChannelBinding* found = nullptr;
    for (const ChannelBinding& b : config_.channelBindings) {
      if (b.type == cbName && !b.data.empty()) found = &b;
    }
    if (found == nullptr) {
      return failWith(notAuthorized, "channel binding type '" + cbName + "' is not available");
    }
    cbData_ = found->data;
    cbType_ = cbName;
  }
  if (!authzField.empty()) {
    if (authzField.substr(0, 2) != "a=") return failWith(malformedRequest, "bad authzid field");
    auto authz = detail::decodeSaslName(authzField.substr(2));
    if (!authz) return failWith(malformedRequest, authz.error().message);
    authzid_ = std::move(*authz);
  }

  auto attrs = detail::splitAttributes(bare);
  if (!attrs) return failWith(malformedRequest, attrs.error().message);
  const auto& a = *attrs;
  if (a[0].name == 'm') return failWith(malformedRequest, "unsupported mandatory extension");
  if (a.size() < 2 || a[0].name != 'n' || a[1].name != 'r') {
    return failWith(malformedRequest, "expected n= and r= attributes");
  }
  auto user = detail::decodeSaslName(a[0].value);
  if (!user) return failWith(malformedRequest, user.error().message);
  if (!detail::isPrintableNonce(a[1].value)) return failWith(malformedRequest, "bad client nonce");
  username_ = std::move(*user);
  nonce_ = std::string(a[1].value);
  gs2Header_ = std::string(message.substr(0, c2 + 1));
  clientFirstBare_ = std::string(bare);
  state_ = State::firstReceived;
  return {};
}

base::Result<std::string> ScramServer::serverFirst(
    const std::optional<ScramCredentials>& credentials) {
  using enum SaslCondition;
  if (state_ != State::firstReceived) return failWith(malformedRequest, "unexpected state");
  std::size_t hashSize = scramHashSize(config_.hash);
  if (credentials.has_value()) {
    const ScramCredentials& c = *credentials;
    if (c.hash != config_.hash || c.salt.empty() || c.iterations == 0 ||
        c.iterations > kScramMaxIterations || c.storedKey.size() != hashSize ||
        c.serverKey.size() != hashSize) {
      return failWith(temporaryAuthFailure, "stored credentials are unusable for this mechanism");
    }
    credentials_ = c;
    knownUser_ = true;
  } else {
    credentials_ = fakeCredentials(config_.hash, username_);
    knownUser_ = false;
  }
  std::string serverNonce = config_.nonce ? config_.nonce() : defaultNonce();
  if (!detail::isPrintableNonce(serverNonce)) {
    return failWith(temporaryAuthFailure, "server nonce is not printable");
  }
  nonce_ += serverNonce;
  serverFirst_ = "r=" + nonce_ + ",s=" + base64Encode(credentials_.salt) +
                 ",i=" + std::to_string(credentials_.iterations);
  state_ = State::firstSent;
  return serverFirst_;
}

base::Result<std::string> ScramServer::handleClientFirst(std::string_view message,
                                                         const ScramCredentialLookup& lookup) {
  auto first = receiveClientFirst(message);
  if (!first) return base::fail(std::move(first).error());
  return serverFirst(lookup ? lookup(username_) : std::nullopt);
}

base::Result<std::string> ScramServer::handleClientFinal(std::string_view message) {
  using enum SaslCondition;
  if (state_ != State::firstSent)
    return failWith(malformedRequest, "unexpected client-final-message");
  if (message.size() > config_.maxMessageBytes) {
    return failWith(malformedRequest, "client-final-message too long");
  }
  auto attrs = detail::splitAttributes(message);
  if (!attrs) return failWith(malformedRequest, attrs.error().message);
  const auto& a = *attrs;
  if (a.size() < 3 || a[0].name != 'c' || a[1].name != 'r' || a.back().name != 'p') {
    return failWith(malformedRequest, "expected c=, r= and p= attributes");
  }
  auto cbind = base64Decode(a[0].value, config_.maxMessageBytes);
  if (!cbind) return failWith(malformedRequest, "channel binding attribute is not base64");
  auto proof = base64Decode(a.back().value, 64);
  if (!proof || proof->size() != scramHashSize(config_.hash)) {
    return failWith(malformedRequest, "bad client proof");
  }
  // The client repeats the GS2 header and, when binding, the channel binding
  // data of its own TLS session: a man in the middle has a different one.
  if (!detail::secretEqual(*cbind, gs2Header_ + cbData_)) {
    return failWith(notAuthorized, "channel binding mismatch");
  }
  if (!detail::secretEqual(a[1].value, nonce_)) return failWith(notAuthorized, "nonce mismatch");

  std::string_view withoutProof = message.substr(0, message.rfind(','));
  std::string authMessage = clientFirstBare_ + "," + serverFirst_ + "," + std::string(withoutProof);
  ScramHash h = config_.hash;
  std::string clientSignature = detail::hmac(h, credentials_.storedKey, authMessage);
  std::string clientKey = detail::xorBytes(*proof, clientSignature);
  bool proofOk = detail::secretEqual(detail::hashBytes(h, clientKey), credentials_.storedKey);
  if (!proofOk || !knownUser_) return failWith(notAuthorized, "authentication failed");
  // Authorization is only looked at once the client has proven who it is.
  if (!authzid_.empty() && !(config_.authorize && config_.authorize(username_, authzid_))) {
    return failWith(invalidAuthzid, "not allowed to act as the requested authzid");
  }
  state_ = State::done;
  return "v=" + base64Encode(detail::hmac(h, credentials_.serverKey, authMessage));
}

}  // namespace keyfed::xmpp
