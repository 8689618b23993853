// XEP-0357 Push Notifications (docs/push.md).
//
// Registrations (<enable/>, <disable/>) are stored per account. A message
// that reached no online resource of the account fires "message/deferred"
// (the offline module after storing it, stream management while the session
// waits for resumption); when it is worth waking a device for, each of the
// account's registrations gets a notification, coalesced per registration.
// An app server that answers a notification with an error saying the
// registration is gone or refused (item-not-found, gone, not-authorized,
// forbidden...) no longer wants it: that registration is removed.
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "coalescer.hpp"
#include "enable_request.hpp"
#include "keyfed/base/log.hpp"
#include "keyfed/modules/push.hpp"
#include "keyfed/modules/push_config.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/scram.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "notification.hpp"
#include "wake_worthy.hpp"

namespace keyfed::modules {
namespace {

using push::Coalescer;
using xmpp::StanzaErrorCondition;

// Answers to our notifications are looked at before anything else on the
// account's bare JID: they are ours, not the account's.
constexpr int kAnswerPriority = 100;
// Notifications whose answer has not come after this long are forgotten.
constexpr auto kAnswerWait = std::chrono::seconds(120);
// At most this many unanswered notifications are remembered (the oldest go first).
constexpr std::size_t kMaxUnanswered = 10000;

// One registration of one account.
struct Target {
  std::string user;
  std::string host;
  std::string service;
  std::string node;

  [[nodiscard]] std::string key() const {
    // NUL appears in none of the parts (JIDs and nodes are checked UTF-8 without controls).
    std::string key;
    key.reserve(user.size() + host.size() + service.size() + node.size() + 3);
    key.append(user).push_back('\0');
    key.append(host).push_back('\0');
    key.append(service).push_back('\0');
    key.append(node);
    return key;
  }
};

class PushModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "push"; }

  base::Result<void> load(server::Server& server) override {
    if (!pushConfig(server.config()).enabled) {
      log_.info("push notifications disabled ([push] enabled = false)");
      return {};
    }
    server_ = &server;
    // The notifications' ids: unguessable across restarts, then a counter.
    idPrefix_ = "push-" + xmpp::base64Encode(xmpp::randomBytes(9)) + "-";
    server.disco().addAccountFeature(push::kPushNs);
    auto& stanzas = server.hooks().stanzas;
    stanzas.hook("iq-set/self/" + std::string(push::kPushNs),
                 [this](server::StanzaEvent& e) { return handleRequest(e); });
    stanzas.hook("message/deferred", [this](server::StanzaEvent& e) {
      onDeferred(e);
      return false;  // an observer: others may want it too
    });
    stanzas.hook(
        "iq/bare", [this](server::StanzaEvent& e) { return handleAnswer(e); }, kAnswerPriority);
    return {};
  }

 private:
  // Per registration that was notified within the last interval.
  struct Pending {
    Target target;
    Coalescer coalescer;
    std::unique_ptr<net::Timer> timer;
  };
  struct Unanswered {
    Target target;
    base::SteadyTime sentAt;
  };

  bool handleRequest(server::StanzaEvent& e) {
    server::ClientSession* client = e.client();
    const xml::Element* payload = xmpp::iqPayload(e.stanza);
    if (client == nullptr || payload == nullptr) return false;
    const auto& limits = e.server.storage().limits();
    const auto user = client->user();
    const auto host = client->host();
    if (payload->name() == "enable") {
      auto request = push::parseEnable(*payload, limits.pushNodeBytes, limits.pushOptionsBytes);
      if (!request) return refuse(e, request.error());
      const auto config = pushConfig(e.server.config());
      storage::PushRegistration registration{request->service.full(), request->node,
                                             request->publishOptions};
      auto stored =
          e.server.storage().push().put(user, host, registration, config.maxRegistrations);
      if (!stored) return storageFailed(e, stored.error());
      log_.debug("{}@{} enabled push to {} node {}", user, host, registration.service,
                 registration.node);
    } else if (payload->name() == "disable") {
      auto request = push::parseDisable(*payload, limits.pushNodeBytes);
      if (!request) return refuse(e, request.error());
      auto removed =
          e.server.storage().push().remove(user, host, request->service.full(), request->node);
      if (!removed) return storageFailed(e, removed.error());
      log_.debug("{}@{} disabled {} push registrations of {}", user, host, *removed,
                 request->service.full());
    } else {
      e.server.bounce(e.stanza, StanzaErrorCondition::badRequest,
                      "expected <enable/> or <disable/>");
      return true;
    }
    e.server.route(xmpp::makeIqResult(e.stanza));
    return true;
  }

  static bool refuse(server::StanzaEvent& e, const base::Error& error) {
    const auto condition = error.code == push::kJidMalformed ? StanzaErrorCondition::jidMalformed
                                                             : StanzaErrorCondition::badRequest;
    e.server.bounce(e.stanza, condition, error.message);
    return true;
  }

  bool storageFailed(server::StanzaEvent& e, const base::Error& error) {
    if (error.code == storage::errc::kQuota) {
      // Refused for good, not "try later": the client must disable one first.
      e.server.bounce(e.stanza, StanzaErrorCondition::notAllowed, error.message);
    } else if (error.code == storage::errc::kInvalid) {
      e.server.bounce(e.stanza, StanzaErrorCondition::badRequest, error.message);
    } else {
      log_.warn("push registration for {} failed: {}", xmpp::stanzaFrom(e.stanza),
                error.describe());
      e.server.bounce(e.stanza, StanzaErrorCondition::internalServerError);
    }
    return true;
  }

  void onDeferred(server::StanzaEvent& e) {
    auto facts = push::wakeFacts(e.stanza);
    if (!facts) return;
    const auto user = e.to.node();
    const auto host = e.to.domain();
    if (user.empty()) return;
    auto registrations = e.server.storage().push().list(user, host);
    if (!registrations) {
      if (registrations.error().code != storage::errc::kNotFound) {
        log_.warn("reading the push registrations of {} failed: {}", e.to.bareView(),
                  registrations.error().describe());
      }
      return;
    }
    const auto interval = pushConfig(e.server.config()).minInterval;
    const auto now = e.server.clock().steadyNow();
    for (const auto& registration : *registrations) {
      Target target{std::string(user), std::string(host), registration.service, registration.node};
      auto key = target.key();
      auto [it, fresh] =
          pending_.try_emplace(std::move(key), Pending{std::move(target), Coalescer(interval), {}});
      Pending& pending = it->second;
      if (pending.coalescer.add(now, *facts) == Coalescer::Verdict::held) continue;
      notify(pending.target, registration, pending.coalescer.take(now));
      if (interval.count() == 0) {
        pending_.erase(it);
        continue;
      }
      if (!pending.timer) pending.timer = std::make_unique<net::Timer>(e.server.loop());
      arm(it->first, pending, interval);
    }
  }

  void arm(const std::string& key, Pending& pending, std::chrono::seconds interval) {
    pending.timer->start(interval, [this, key] { intervalOver(key); });
  }

  // The interval after a notification is over: what was held goes now (and
  // starts a new interval), or the registration is forgotten until its next message.
  void intervalOver(const std::string& key) {
    auto it = pending_.find(key);
    if (it == pending_.end()) return;
    Pending& pending = it->second;
    if (!pending.coalescer.holding()) {
      pending_.erase(it);  // safe: the timer's callback was moved out before it ran
      return;
    }
    const Target& t = pending.target;
    auto registration = find(t);
    if (!registration) {  // disabled in the meantime
      pending_.erase(it);
      return;
    }
    notify(t, *registration, pending.coalescer.take(server_->clock().steadyNow()));
    arm(key, pending, pushConfig(server_->config()).minInterval);
  }

  std::optional<storage::PushRegistration> find(const Target& t) {
    auto registrations = server_->storage().push().list(t.user, t.host);
    if (!registrations) return std::nullopt;
    for (auto& r : *registrations) {
      if (r.service == t.service && r.node == t.node) return std::move(r);
    }
    return std::nullopt;
  }

  void notify(const Target& target, const storage::PushRegistration& registration,
              const push::Summary& summary) {
    const auto config = pushConfig(server_->config());
    const std::uint64_t seq = ++lastSeq_;
    const std::string account = target.user + "@" + target.host;
    auto iq = push::makeNotification(
        account, registration, summary, {config.includeSender, config.includeBody},
        idPrefix_ + std::to_string(seq), server_->storage().limits().pushOptionsBytes);
    if (!iq) {
      log_.warn("not notifying {} for {}: {}", registration.service, account,
                iq.error().describe());
      return;
    }
    remember(seq, target);
    log_.debug("notifying {} node {} for {} ({} messages)", registration.service, registration.node,
               account, summary.messageCount);
    server_->route(std::move(*iq));
  }

  void remember(std::uint64_t seq, const Target& target) {
    const auto now = server_->clock().steadyNow();
    // Sequence order is sending order: the oldest are at the front.
    while (!unanswered_.empty() && (unanswered_.size() >= kMaxUnanswered ||
                                    unanswered_.begin()->second.sentAt + kAnswerWait <= now)) {
      unanswered_.erase(unanswered_.begin());
    }
    unanswered_.emplace(seq, Unanswered{target, now});
  }

  // An answer to one of our notifications: taken here, never delivered to
  // the account's resources. Some errors disable the registration (XEP-0357
  // section 7 leaves it to the server; docs/push.md).
  bool handleAnswer(server::StanzaEvent& e) {
    const auto type = xmpp::stanzaType(e.stanza);
    if (type != "result" && type != "error") return false;
    const auto id = xmpp::stanzaId(e.stanza);
    if (!id.starts_with(idPrefix_)) return false;
    const auto digits = id.substr(idPrefix_.size());
    std::uint64_t seq = 0;
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
    if (ec != std::errc() || end != digits.data() + digits.size()) return false;
    auto it = unanswered_.find(seq);
    if (it == unanswered_.end()) return false;
    const Target target = it->second.target;
    // Only the app server answers for itself, and only to the account notified.
    if (e.from.full() != target.service || e.to.node() != target.user ||
        e.to.domain() != target.host) {
      return false;
    }
    unanswered_.erase(it);
    if (type == "error") disableOnError(target, e.stanza);
    return true;
  }

  // Errors that say the registration is gone or refused for good. Others
  // (service-unavailable or remote-server-not-found while the app server is
  // unreachable, anything of type wait) say nothing about the registration.
  static bool endsRegistration(const std::optional<xmpp::StanzaError>& error) {
    if (!error) return false;
    const auto type = error->effectiveType();
    if (type == xmpp::StanzaErrorType::auth) return true;
    if (type != xmpp::StanzaErrorType::cancel) return false;
    switch (error->condition) {
      case StanzaErrorCondition::itemNotFound:
      case StanzaErrorCondition::gone:
      case StanzaErrorCondition::notAuthorized:
      case StanzaErrorCondition::forbidden:
      case StanzaErrorCondition::registrationRequired:
      case StanzaErrorCondition::notAllowed: return true;
      default: return false;
    }
  }

  void disableOnError(const Target& target, const xml::Element& answer) {
    const auto error = xmpp::parseStanzaError(answer);
    const auto condition = error ? xmpp::conditionName(error->condition) : "an unreadable error";
    if (!endsRegistration(error)) {
      log_.info("{} answered a notification for {}@{} with {}: keeping the registration",
                target.service, target.user, target.host, condition);
      return;
    }
    auto removed =
        server_->storage().push().remove(target.user, target.host, target.service, target.node);
    if (!removed) {
      log_.warn("removing the push registration of {}@{} failed: {}", target.user, target.host,
                removed.error().describe());
      return;
    }
    pending_.erase(target.key());
    log_.info("{} answered a notification for {}@{} with {}: registration (node {}) disabled",
              target.service, target.user, target.host, condition, target.node);
  }

  server::Server* server_ = nullptr;
  std::string idPrefix_;
  std::uint64_t lastSeq_ = 0;
  std::unordered_map<std::string, Pending> pending_;
  std::map<std::uint64_t, Unanswered> unanswered_;
  base::Logger log_{"push"};
};

}  // namespace

std::unique_ptr<server::Module> makePushModule() {
  return std::make_unique<PushModule>();
}

}  // namespace keyfed::modules
