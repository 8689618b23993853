// Audit log caps (docs/policy.md, "Audit log caps"): every
// audit_prune_interval, the records older than audit_max_age_days and those
// beyond the newest audit_max_rows are removed, oldest first. The prune is
// audited first, as one record naming the bound, so the trail says what went
// even if the server stops half-way; then batches of kBatch records go, one
// short transaction each, with the loop free between them.
//
// It runs whether or not the agent is enabled: the records of an agent
// turned off still age out.

#include <algorithm>
#include <string>

#include "keyfed/agent/module.hpp"
#include "keyfed/net/event_loop.hpp"

namespace keyfed::agent {
namespace {

constexpr std::size_t kBatch = 1000;
constexpr auto kFirstPrune = std::chrono::seconds(5);  // after start, off the start-up path

class AuditCapsModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "audit-caps"; }

  base::Result<void> load(server::Server& server) override {
    server_ = &server;
    timer_ = std::make_unique<net::Timer>(server.loop());
    configure(server.config());
    server.hooks().config.hook("config-reloaded", [this](server::ConfigEvent& e) {
      configure(e.next);
      return false;
    });
    timer_->start(std::min<std::chrono::seconds>(kFirstPrune, caps_.auditPruneInterval),
                  [this] { prune(); });
    return {};
  }

  void shutdown() override {
    stopped_ = true;
    timer_->cancel();
  }

 private:
  void configure(const config::Config& config) {
    const AgentConfig* agent = config.section<AgentConfig>(kSectionName);
    caps_ = agent != nullptr ? *agent : AgentConfig{};
  }

  void prune() {
    if (stopped_) return;
    std::optional<base::SystemTime> olderThan;
    const base::SystemTime now = server_->clock().now();
    if (caps_.auditMaxAge.count() > 0) olderThan = now - caps_.auditMaxAge;
    auto& audit = server_->storage().audit();
    auto bound = audit.pruneBound(olderThan, caps_.auditMaxRows);
    if (!bound) {
      log_.error("audit log prune: {}", bound.error().describe());
      rearm();
      return;
    }
    if (bound->records == 0) {
      rearm();
      return;
    }
    storage::AuditRecord r;
    r.at = now;
    r.event = "prune";
    r.peer = "server";
    r.outcome = "pruned";
    r.detail = "removing " + std::to_string(bound->records) + " record(s) up to id " +
               std::to_string(bound->upTo) + " (audit_max_age_days " +
               std::to_string(caps_.auditMaxAge.count()) + ", audit_max_rows " +
               std::to_string(caps_.auditMaxRows) + ")";
    // Nothing is removed unless the prune itself is on record.
    if (auto appended = audit.append(r); !appended) {
      log_.error("audit log prune not started: {}", appended.error().describe());
      rearm();
      return;
    }
    log_.info("audit log: {}", r.detail);
    removeBatch(bound->upTo, 0);
  }

  void removeBatch(std::int64_t upTo, std::size_t removedSoFar) {
    if (stopped_) return;
    auto removed = server_->storage().audit().prune(upTo, kBatch);
    if (!removed) {
      log_.error("audit log prune stopped after {} record(s): {}", removedSoFar,
                 removed.error().describe());
      rearm();
      return;
    }
    if (*removed == kBatch) {
      server_->loop().post(
          [this, upTo, total = removedSoFar + *removed] { removeBatch(upTo, total); });
      return;
    }
    log_.debug("audit log prune done: {} record(s) removed", removedSoFar + *removed);
    rearm();
  }

  void rearm() {
    if (!stopped_) timer_->start(caps_.auditPruneInterval, [this] { prune(); });
  }

  server::Server* server_ = nullptr;
  std::unique_ptr<net::Timer> timer_;
  AgentConfig caps_;
  bool stopped_ = false;
  base::Logger log_{"agent"};
};

}  // namespace

std::unique_ptr<server::Module> makeAuditCapsModule() {
  return std::make_unique<AuditCapsModule>();
}

}  // namespace keyfed::agent
