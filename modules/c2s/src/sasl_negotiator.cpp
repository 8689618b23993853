#include "sasl_negotiator.hpp"

#include <algorithm>

#include "keyfed/server/credentials.hpp"
#include "keyfed/xmpp/jid.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/plain.hpp"

namespace keyfed::modules::c2s {
namespace {

using xmpp::SaslCondition;

xml::Element saslElement(std::string_view name) {
  return xml::Element(std::string(name), std::string(xmpp::ns::sasl));
}

}  // namespace

SaslNegotiator::SaslNegotiator(storage::AccountStore& accounts, std::string host,
                               std::vector<std::string> offered,
                               std::vector<xmpp::ChannelBinding> bindings)
    : accounts_(accounts),
      host_(std::move(host)),
      offered_(std::move(offered)),
      bindings_(std::move(bindings)) {}

SaslStep SaslNegotiator::failure(SaslCondition condition, std::string_view text) {
  scram_.reset();
  SaslStep step;
  step.kind = SaslStep::Kind::failure;
  step.reply = saslElement("failure");
  step.reply.addChild(std::string(xmpp::conditionName(condition)), std::string(xmpp::ns::sasl));
  if (!text.empty()) {
    step.reply.addChild("text", std::string(xmpp::ns::sasl)).addText(text);
  }
  step.reason = text.empty() ? std::string(xmpp::conditionName(condition)) : std::string(text);
  return step;
}

SaslStep SaslNegotiator::success(std::string user, std::string_view additionalData) {
  scram_.reset();
  SaslStep step;
  step.kind = SaslStep::Kind::success;
  step.reply = saslElement("success");
  if (!additionalData.empty()) step.reply.addText(xmpp::base64Encode(additionalData));
  step.user = std::move(user);
  return step;
}

SaslStep SaslNegotiator::handle(const xml::Element& element) {
  if (element.name() == "auth") {
    if (scram_) return failure(SaslCondition::malformedRequest, "an exchange is in progress");
    return start(element);
  }
  if (element.name() == "abort") return failure(SaslCondition::aborted);
  if (element.name() == "response") {
    if (!scram_) return failure(SaslCondition::malformedRequest, "no exchange in progress");
    auto data = xmpp::decodeSaslPayload(element.text());
    if (!data) return failure(SaslCondition::incorrectEncoding);
    return scramFinal(data->value_or(""));
  }
  return failure(SaslCondition::malformedRequest);
}

SaslStep SaslNegotiator::start(const xml::Element& auth) {
  const std::string mechanism(auth.attr("mechanism"));
  if (std::find(offered_.begin(), offered_.end(), mechanism) == offered_.end()) {
    return failure(SaslCondition::invalidMechanism);
  }
  auto data = xmpp::decodeSaslPayload(auth.text());
  if (!data) return failure(SaslCondition::incorrectEncoding);
  if (!data->has_value()) {
    // Every mechanism we offer is client-first: ask for the initial response.
    return failure(SaslCondition::malformedRequest, "an initial response is required");
  }
  if (mechanism == "PLAIN") return plain(**data);
  auto scram = xmpp::parseScramMechanism(mechanism);
  if (!scram) return failure(SaslCondition::invalidMechanism);
  return scramFirst(*scram, **data);
}

std::optional<storage::Credentials> SaslNegotiator::lookup(const std::string& user) {
  auto credentials = accounts_.credentials(user, host_);
  if (!credentials) {
    if (credentials.error().code != storage::errc::kNotFound) {
      log_.error("cannot read the credentials of {}@{}: {}", user, host_,
                 credentials.error().describe());
    }
    return std::nullopt;
  }
  return std::move(*credentials);
}

SaslStep SaslNegotiator::plain(const std::string& message) {
  auto parsed = xmpp::parsePlain(message);
  if (!parsed) return failure(SaslCondition::malformedRequest);
  auto user = xmpp::nodeprep(parsed->authcid);
  if (!user) return failure(SaslCondition::notAuthorized);
  if (!parsed->authzid.empty() && parsed->authzid != *user + "@" + host_) {
    return failure(SaslCondition::invalidAuthzid);
  }
  auto stored = lookup(*user);
  // Unknown users cost the same PBKDF2 as known ones, so timing does not tell them apart.
  const auto credentials =
      stored ? server::toScram(stored->sha256, xmpp::ScramHash::sha256)
             : xmpp::ScramCredentials{xmpp::ScramHash::sha256, std::string(16, '\0'),
                                      server::kDefaultScramIterations, std::string(32, '\0'),
                                      std::string(32, '\0')};
  const bool ok = xmpp::verifyPlain(parsed->password, credentials);
  if (!ok || !stored) {
    auto step = failure(SaslCondition::notAuthorized);
    step.reason = (stored ? "wrong password for " : "unknown user ") + *user;
    step.guess = true;
    return step;
  }
  return success(std::move(*user), {});
}

SaslStep SaslNegotiator::scramFirst(const xmpp::ScramMechanism& mechanism,
                                    const std::string& message) {
  xmpp::ScramServerConfig config;
  config.hash = mechanism.hash;
  config.plus = mechanism.plus;
  // RFC 5802's 'y' check assumes the one binding every client had (tls-unique),
  // which we never offer; a tls-unique-only client (slixmpp) says 'y' honestly.
  // docs/sasl.md, "The y flag on c2s".
  config.plusOffered =
      std::any_of(bindings_.begin(), bindings_.end(),
                  [](const xmpp::ChannelBinding& b) { return b.type == "tls-unique"; });
  config.channelBindings = bindings_;
  const std::string bareSuffix = "@" + host_;
  config.authorize = [bareSuffix](std::string_view user, std::string_view authzid) {
    auto prepared = xmpp::nodeprep(user);
    return prepared && authzid == *prepared + bareSuffix;
  };
  scram_.emplace(std::move(config));
  if (auto first = scram_->receiveClientFirst(message); !first) {
    auto step =
        failure(xmpp::saslConditionOf(first.error()).value_or(SaslCondition::malformedRequest));
    step.reason = first.error().message;
    return step;
  }
  std::optional<xmpp::ScramCredentials> credentials;
  scramUser_.clear();
  if (auto user = xmpp::nodeprep(scram_->username())) {
    scramUser_ = std::move(*user);
    if (auto stored = lookup(scramUser_)) {
      credentials = server::toScram(
          mechanism.hash == xmpp::ScramHash::sha1 ? stored->sha1 : stored->sha256, mechanism.hash);
      if (credentials->iterations == 0) credentials.reset();  // no key for this hash
    }
  }
  auto serverFirst = scram_->serverFirst(credentials);
  if (!serverFirst) {
    return failure(
        xmpp::saslConditionOf(serverFirst.error()).value_or(SaslCondition::malformedRequest));
  }
  SaslStep step;
  step.kind = SaslStep::Kind::challenge;
  step.reply = saslElement("challenge");
  step.reply.addText(xmpp::base64Encode(*serverFirst));
  return step;
}

SaslStep SaslNegotiator::scramFinal(const std::string& message) {
  auto serverFinal = scram_->handleClientFinal(message);
  if (!serverFinal) {
    auto step =
        failure(xmpp::saslConditionOf(serverFinal.error()).value_or(SaslCondition::notAuthorized));
    step.reason = serverFinal.error().message + " (user " + scramUser_ + ")";
    step.guess = true;
    return step;
  }
  return success(std::move(scramUser_), *serverFinal);
}

}  // namespace keyfed::modules::c2s
