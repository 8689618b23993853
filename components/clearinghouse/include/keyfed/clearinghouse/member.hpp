#pragma once
// The member role (docs/clearinghouse.md, "Members"): follows one
// clearinghouse's table. A document (pushed, fetched, or handed over by the
// administrator) is accepted only when it is signed by the configured key
// for the configured clearinghouse JID, its version is above the one held
// (lower or equal: a replay), and it is not already stale. The accepted
// document is stored first (it survives a restart), then the "clearinghouse"
// decider is replaced and PolicyPoint::changed() makes s2s re-decide every
// live stream at once. Every acceptance and refusal is audited.
//
// When the held table goes stale the member warns, and under fail_closed the
// decider refuses every peer but the clearinghouse (its own check at
// facts.now; the timer only re-asks the live streams).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "keyfed/base/log.hpp"
#include "keyfed/clearinghouse/bootstrap.hpp"
#include "keyfed/clearinghouse/config.hpp"
#include "keyfed/clearinghouse/deciders.hpp"
#include "keyfed/clearinghouse/document.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::net {
class Timer;
}

namespace keyfed::clearinghouse {

// What accept() did with a valid document: stored it, or already held it.
enum class Acceptance { accepted, unchanged };

class Member {
 public:
  Member(server::Server& server, MemberConfig config);
  ~Member();
  Member(const Member&) = delete;
  Member& operator=(const Member&) = delete;

  // Loads the stored table, installs the decider and asks the clearinghouse
  // for a subscription and the latest table (again every `refresh`).
  base::Result<void> start();
  // A reloaded configuration (new POLICY assertions, key, stale mode).
  void reconfigure(MemberConfig next);
  [[nodiscard]] const MemberConfig& config() const { return view_->config; }

  // A document received from `via` ("pubsub", "fetch", "https", "admin").
  base::Result<Acceptance> accept(std::string_view documentText, std::string_view via);
  [[nodiscard]] const std::optional<TableDocument>& table() const { return view_->table; }
  [[nodiscard]] bool stale() const;

  // Asks the clearinghouse for a subscription and the latest item now; and,
  // with a bootstrap_url, fetches over HTTPS while no fresh table is held
  // (at start and every `refresh`: the fallback while s2s cannot reach it).
  void fetch();
  // Fetches over HTTPS now (`keyfedctl clearinghouse fetch`); the attempt
  // number, or clearinghouse.no-bootstrap-url.
  base::Result<std::uint64_t> fetchOverHttps(std::string_view why);
  [[nodiscard]] const BootstrapOutcome& lastBootstrap() const { return bootstrap_.last(); }
  // An iq result or error addressed to one of our hosts: true when it
  // answered a request the member sent.
  bool handleAnswer(const xml::Element& iq);

 private:
  void install(std::shared_ptr<const MemberView> view);
  void armStaleTimer();
  [[nodiscard]] std::string localJid() const;

  server::Server& server_;
  std::shared_ptr<const MemberView> view_;
  std::unique_ptr<net::Timer> staleTimer_;
  std::unique_ptr<net::Timer> refreshTimer_;
  Bootstrap bootstrap_;
  std::string pendingItems_;  // id of the items request in flight
  std::uint64_t nextId_ = 0;
  base::Logger log_{"clearinghouse"};
};

}  // namespace keyfed::clearinghouse
