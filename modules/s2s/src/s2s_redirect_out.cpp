// An outgoing attempt that meets <see-other-host/> (docs/clearinghouse.md,
// "Redirection service"). A redirect is only followed from a server that
// proved, with its certificate, the target domain or a configured redirector:
// an unauthenticated redirect would let anyone on the path send our streams
// wherever they like. The server it leads to must then prove the target
// domain with its certificate, whatever the trust ladder would accept
// otherwise: the address came from the redirector, not from the target's DNS.

#include "keyfed/server/server.hpp"
#include "s2s_module.hpp"
#include "s2s_out_session.hpp"

namespace keyfed::modules::s2s {

using xmpp::StanzaErrorCondition;

void S2sOutSession::startRedirected(RedirectHandover handover) {
  trail_ = std::move(handover.trail);
  redirectedBy_ = std::move(handover.redirector);
  verifyQueue_ = std::move(handover.verifies);
  const auto& location = handover.location;
  endpoints_ = {net::PeerEndpoint{location.address, location.port, false, location.text()}};
  nextEndpoint_ = 0;
  tryNextEndpoint();
}

std::string S2sOutSession::provenRedirector() {
  if (owner_.acceptable(certificate_, remote_)) return remote_;
  for (const auto& domain : owner_.settings().redirect.redirectors) {
    const auto check = owner_.checkCertificate(stream().peerCertificateChain(), domain);
    if (owner_.acceptable(check, domain)) return domain;
  }
  return {};
}

bool S2sOutSession::followRedirect() {
  auto own = pairs_.find(local_);
  const bool pending = own != pairs_.end() && !own->second.ready;
  if (!pending && verifyQueue_.empty() && verifying_.empty()) return false;
  auto refuse = [this](const std::string& why) {
    const std::string text = "refused " + remote_ + "'s redirect from " + address() + ": " + why;
    owner_.log().warn("s2s out {}: {}", id(), text);
    failPending(StanzaErrorCondition::remoteServerNotFound, text);
    return true;
  };
  if (redirector_.empty()) {
    return refuse("the server did not prove " + remote_ +
                  (owner_.settings().redirect.redirectors.empty()
                       ? std::string()
                       : " or a redirector (s2s.redirect.redirectors)") +
                  " with its certificate");
  }
  auto location = xmpp::parseSeeOtherHost(peerSeeOtherHost_);
  if (!location) return refuse(location.error().message);
  if (auto followed = trail_.follow(*location); !followed) return refuse(followed.error().message);

  RedirectHandover handover;
  handover.location = *location;
  handover.trail = trail_;
  handover.redirector = redirector_;
  handover.verifies = std::move(verifyQueue_);
  for (auto& request : verifying_) handover.verifies.push_back(std::move(request));
  verifyQueue_.clear();
  verifying_.clear();
  if (pending) pairs_.erase(own);
  owner_.log().info("s2s out {}: {} ({}) redirects {} -> {} to {} (redirect {} of at most {})",
                    id(), redirector_, address(), local_, remote_, location->text(),
                    trail_.redirects(), trail_.maxRedirects());
  owner_.redirected(*this, std::move(handover));
  return true;
}

bool S2sOutSession::fallbackRefused() const {
  if (owner_.settings().redirect.fallback || !redirectedBy_.empty()) return false;
  if (nextEndpoint_ == 0 || nextEndpoint_ >= endpoints_.size()) return false;
  const auto& next = endpoints_[nextEndpoint_];
  return next.host != endpoints_.front().host || next.port != endpoints_.front().port;
}

bool S2sOutSession::redirectedWithoutTls() {
  if (redirectedBy_.empty() || isTls()) return false;
  const std::string text = "the server at " + address() + " that " + redirectedBy_ +
                           " redirected to does not offer TLS: it cannot prove " + remote_;
  owner_.log().warn("s2s out {}: {}", id(), text);
  failPending(StanzaErrorCondition::remoteServerNotFound, text);
  closeStream(xmpp::StreamErrorCondition::policyViolation, "TLS is required");
  return true;
}

void S2sModule::redirected(S2sOutSession& from, RedirectHandover handover) {
  const std::string local = from.streamDomain();
  const std::string remote = from.remoteDomain();
  S2sOutSession& next = newOutgoing(local, remote, &handover);
  auto& route = routes_[{local, remote}];
  if (route.session == &from) {
    route.session = &next;
    route.state = Route::State::pending;
  }
}

}  // namespace keyfed::modules::s2s
