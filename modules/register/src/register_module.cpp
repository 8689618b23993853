// XEP-0077 In-Band Registration.
//
// Before authentication (iq-preauth, the unauthenticated session answers
// itself): the form and account creation, only where the virtual host allows
// registration and, when [c2s] require_tls, only over TLS. After
// authentication (iq-<get|set>/<self|host>): the account's registration,
// password change and account removal.
#include <optional>
#include <string>
#include <vector>

#include "creation_limiter.hpp"
#include "keyfed/modules/register.hpp"
#include "keyfed/server/credentials.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

using xmpp::StanzaErrorCondition;
namespace ns = xmpp::ns;

// Longer passwords are refused rather than hashed: PBKDF2 input is unbounded.
constexpr std::size_t kMaxPasswordBytes = 1024;

void reply(server::ClientSession& client, const xml::Element& request,
           StanzaErrorCondition condition, std::string_view text = {},
           std::optional<xmpp::StanzaErrorType> type = std::nullopt) {
  xmpp::StanzaError error;
  error.condition = condition;
  error.type = type;
  error.text = std::string(text);
  client.send(xmpp::makeIqError(request, error));
}

xml::Element query() {
  return xml::Element("query", std::string(ns::registerIq));
}

class RegisterModule final : public server::Module {
 public:
  explicit RegisterModule(RegisterOptions options)
      : limiter_(options.accountsPerAddress, options.window) {}

  std::string_view name() const override { return "register"; }

  base::Result<void> load(server::Server& server) override {
    server_ = &server;
    server.disco().addServerFeature(ns::registerIq);
    server.hooks().features.hook("c2s-features", [this](server::FeaturesEvent& e) {
      if (!e.authenticated && registrationOpen(e.session)) {
        e.features.addChild("register", std::string(ns::registerFeature));
      }
      return false;
    });
    auto& stanzas = server.hooks().stanzas;
    const std::string nsName(ns::registerIq);
    stanzas.hook("iq-preauth/" + nsName, [this](server::StanzaEvent& e) { return preAuth(e); });
    for (const char* to : {"self", "host"}) {
      stanzas.hook(std::string("iq-get/") + to + "/" + nsName,
                   [this](server::StanzaEvent& e) { return registered(e); });
      stanzas.hook(std::string("iq-set/") + to + "/" + nsName,
                   [this](server::StanzaEvent& e) { return changeOrRemove(e); });
    }
    return {};
  }

 private:
  [[nodiscard]] bool registrationOpen(const server::ClientSession& session) const {
    const auto& config = server_->config();
    const config::VirtualHost* host = config.findHost(session.streamDomain());
    return host != nullptr && host->registrationAllowed(config.c2s) &&
           (session.secure() || !config.c2s.requireTls);
  }

  // --- before authentication ---------------------------------------------------------------

  bool preAuth(server::StanzaEvent& e) {
    server::ClientSession* client = e.client();
    if (client == nullptr || client->authenticated() || !xmpp::isIqRequest(e.stanza)) return false;
    const auto& config = server_->config();
    const config::VirtualHost* host = config.findHost(client->streamDomain());
    if (host == nullptr || !host->registrationAllowed(config.c2s)) {
      // As if the feature did not exist: it is not advertised either.
      reply(*client, e.stanza, StanzaErrorCondition::serviceUnavailable);
      return true;
    }
    if (config.c2s.requireTls && !client->secure()) {
      reply(*client, e.stanza, StanzaErrorCondition::notAllowed, "use TLS first");
      return true;
    }
    const xml::Element& payload = *xmpp::iqPayload(e.stanza);
    if (payload.name() != "query") {
      reply(*client, e.stanza, StanzaErrorCondition::badRequest);
      return true;
    }
    if (xmpp::stanzaType(e.stanza) == "get") {
      auto form = query();
      form.addChild("instructions", std::string(ns::registerIq))
          .addText("Choose a username and password to register with this server.");
      form.addChild("username", std::string(ns::registerIq));
      form.addChild("password", std::string(ns::registerIq));
      client->send(xmpp::makeIqResult(e.stanza, std::move(form)));
      return true;
    }
    if (payload.child("remove", ns::registerIq) != nullptr) {
      reply(*client, e.stanza, StanzaErrorCondition::notAllowed, "authenticate first");
      return true;
    }
    createAccount(*client, e.stanza, payload, host->domain);
    return true;
  }

  void createAccount(server::ClientSession& client, const xml::Element& request,
                     const xml::Element& payload, const std::string& host) {
    auto user = xmpp::nodeprep(payload.childText("username", ns::registerIq), /*strict=*/true);
    if (!user || user->empty() || !xmpp::Jid::make(*user, host)) {
      reply(client, request, StanzaErrorCondition::notAcceptable, "the username is not valid");
      return;
    }
    const std::string password = payload.childText("password", ns::registerIq);
    if (password.empty() || password.size() > kMaxPasswordBytes) {
      reply(client, request, StanzaErrorCondition::notAcceptable,
            "a password of 1 to " + std::to_string(kMaxPasswordBytes) + " bytes is required");
      return;
    }
    auto& accounts = server_->storage().accounts();
    // Before deriving credentials: a taken name costs no PBKDF2 work.
    if (auto exists = accounts.exists(*user, host); exists && *exists) {
      reply(client, request, StanzaErrorCondition::conflict);
      return;
    }
    const std::string address = client.remoteAddress();
    const auto now = server_->clock().steadyNow();
    if (!limiter_.allows(address, now)) {
      log_.info("registration refused for {}: too many accounts from this address", address);
      reply(client, request, StanzaErrorCondition::policyViolation,
            "too many accounts were created from your address; try again later",
            xmpp::StanzaErrorType::wait);
      return;
    }
    auto credentials = server::makeAccountCredentials(password);
    if (!credentials) {
      reply(client, request, StanzaErrorCondition::notAcceptable, "the password is not acceptable");
      return;
    }
    auto created = accounts.create(*user, host, *credentials);
    if (!created) {
      const auto& code = created.error().code;
      if (code == storage::errc::kConflict) {
        reply(client, request, StanzaErrorCondition::conflict);
      } else if (code == storage::errc::kInvalid) {
        reply(client, request, StanzaErrorCondition::notAcceptable);
      } else {
        log_.warn("creating {}@{}: {}", *user, host, created.error().describe());
        reply(client, request, StanzaErrorCondition::internalServerError);
      }
      return;
    }
    limiter_.record(address, now);
    log_.info("account {}@{} registered from {}", *user, host, address);
    client.send(xmpp::makeIqResult(request));
  }

  // --- after authentication ----------------------------------------------------------------

  // Addressed to the user's own server (or without 'to'); other hosts are not ours to answer.
  [[nodiscard]] static server::ClientSession* ownAccountRequest(server::StanzaEvent& e) {
    server::ClientSession* client = e.client();
    if (client == nullptr || !client->authenticated()) return nullptr;
    if (e.to.isDomain() && e.to.domain() != client->host()) return nullptr;
    return client;
  }

  bool registered(server::StanzaEvent& e) {
    server::ClientSession* client = ownAccountRequest(e);
    if (client == nullptr) return false;
    auto answer = query();
    answer.addChild("registered", std::string(ns::registerIq));
    answer.addChild("username", std::string(ns::registerIq)).addText(client->user());
    client->send(xmpp::makeIqResult(e.stanza, std::move(answer)));
    return true;
  }

  bool changeOrRemove(server::StanzaEvent& e) {
    server::ClientSession* client = ownAccountRequest(e);
    if (client == nullptr) return false;
    const xml::Element& payload = *xmpp::iqPayload(e.stanza);
    if (payload.name() != "query") {
      reply(*client, e.stanza, StanzaErrorCondition::badRequest);
    } else if (payload.child("remove", ns::registerIq) != nullptr) {
      removeAccount(*client, e.stanza);
    } else if (payload.child("password", ns::registerIq) != nullptr) {
      changePassword(*client, e.stanza, payload);
    } else {
      reply(*client, e.stanza, StanzaErrorCondition::badRequest);
    }
    return true;
  }

  void changePassword(server::ClientSession& client, const xml::Element& request,
                      const xml::Element& payload) {
    if (payload.child("username", ns::registerIq) != nullptr) {
      auto user = xmpp::nodeprep(payload.childText("username", ns::registerIq));
      if (!user || *user != client.user()) {
        reply(client, request, StanzaErrorCondition::notAllowed,
              "only the password of the own account can be changed");
        return;
      }
    }
    const std::string password = payload.childText("password", ns::registerIq);
    if (password.empty() || password.size() > kMaxPasswordBytes) {
      reply(client, request, StanzaErrorCondition::notAcceptable,
            "a password of 1 to " + std::to_string(kMaxPasswordBytes) + " bytes is required");
      return;
    }
    auto credentials = server::makeAccountCredentials(password);
    if (!credentials) {
      reply(client, request, StanzaErrorCondition::notAcceptable, "the password is not acceptable");
      return;
    }
    auto changed =
        server_->storage().accounts().setCredentials(client.user(), client.host(), *credentials);
    if (!changed) {
      log_.warn("changing the password of {}: {}", client.jid().bareView(),
                changed.error().describe());
      reply(client, request, StanzaErrorCondition::internalServerError);
      return;
    }
    log_.info("password of {} changed", client.jid().bareView());
    client.send(xmpp::makeIqResult(request));
  }

  void removeAccount(server::ClientSession& client, const xml::Element& request) {
    auto removed = server_->storage().accounts().remove(client.user(), client.host());
    if (!removed) {
      log_.warn("removing {}: {}", client.jid().bareView(), removed.error().describe());
      reply(client, request, StanzaErrorCondition::internalServerError);
      return;
    }
    log_.info("account {} removed by its owner", client.jid().bareView());
    client.send(xmpp::makeIqResult(request));
    server::SessionEvent event{*server_, client};
    server_->hooks().sessions.fire("account-removed", event);
    // A copy: closing a session removes it from the registry's list. The
    // requester goes last, after its result (already queued above).
    const std::vector<server::ClientSession*> sessions =
        server_->sessions().resources(client.jid().bareView());
    for (server::ClientSession* s : sessions) {
      if (s != &client)
        s->closeWithError(xmpp::StreamErrorCondition::notAuthorized, "account removed");
    }
    client.closeWithError(xmpp::StreamErrorCondition::notAuthorized, "account removed");
  }

  server::Server* server_ = nullptr;
  registration::CreationLimiter limiter_;
  base::Logger log_{"register"};
};

}  // namespace

std::unique_ptr<server::Module> makeRegisterModule(RegisterOptions options) {
  return std::make_unique<RegisterModule>(options);
}

}  // namespace keyfed::modules
