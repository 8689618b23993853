// Redirect mode of an incoming stream (docs/clearinghouse.md, "Redirection
// service"): the stream names a domain this server does not serve, and a
// redirector (the clearinghouse) answers for it. The originator authenticates
// as on any stream (SASL EXTERNAL, or dialback); instead of admitting the
// pair, the stream ends with <see-other-host/> or <policy-violation/>. No
// stanza is ever accepted on such a stream.

#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/jid.hpp"
#include "s2s_in_session.hpp"
#include "s2s_module.hpp"

namespace keyfed::modules::s2s {

bool S2sInSession::startRedirect(const xml::StreamHeader& header) {
  auto to = xmpp::Jid::parse(header.to);
  if (!to || !to->isDomain()) return false;
  server::RedirectEvent event{server_, {}, to->domain(), address(), {}, {}, {}, {}};
  if (!server_.hooks().redirects.fire("s2s-redirect-target", event)) return false;
  if (event.via.empty() || !server_.isLocalDomain(event.via)) return false;
  redirectTarget_ = std::string(to->domain());
  redirectVia_ = std::move(event.via);
  owner_.log().info("s2s stream {} from {}: redirect mode for {}", id(), address(),
                    redirectTarget_);
  return true;
}

void S2sInSession::answerRedirect(const std::string& originating, std::string_view method) {
  server::RedirectEvent event{
      server_, originating, redirectTarget_, address(), method, redirectVia_, {}, {}};
  if (!server_.hooks().redirects.fire("s2s-redirect", event)) {
    event.location.clear();
    event.reason = "no redirection for " + originating + " -> " + redirectTarget_;
  }
  if (!event.location.empty()) {
    closeStream(xmpp::StreamErrorCondition::seeOtherHost,
                redirectTarget_ + " is served at " + event.location, event.location);
    return;
  }
  closeStream(xmpp::StreamErrorCondition::policyViolation,
              event.reason.empty() ? "refused by the redirector" : event.reason);
}

}  // namespace keyfed::modules::s2s
