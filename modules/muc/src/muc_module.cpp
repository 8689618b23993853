// The MUC module: one service per MUC domain ([muc] domain, or
// conference.<host> for every virtual host), each a component domain of the
// server (docs/modules.md): every stanza to it arrives here, never at s2s.
#include <string>
#include <vector>

#include "keyfed/modules/muc.hpp"
#include "keyfed/modules/muc_config.hpp"
#include "muc_service.hpp"
#include "room_archive.hpp"

namespace keyfed::modules {
namespace {

class MucModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "muc"; }

  base::Result<void> load(server::Server& server) override {
    const MucConfig config = mucConfig(server.config());
    if (!config.enabled) return {};
    std::vector<std::string> domains;
    if (!config.domain.empty()) {
      domains.push_back(config.domain);
    } else {
      for (const auto& host : server.config().virtualHosts)
        domains.push_back("conference." + host.domain);
    }
    auto archive = muc::RoomArchive::open(server.storage().mucArchive(), server.clock(),
                                          std::chrono::hours{24 * config.archiveExpireAfterDays});
    if (!archive) return base::fail(std::move(archive).error());
    archive_ = std::move(*archive);
    for (const auto& domain : domains) {
      if (auto r = server.addComponentDomain(domain); !r) return r;
      auto service = std::make_unique<muc::MucService>(server, domain, config, archive_.get());
      if (auto r = service->loadRooms(); !r) {
        auto error = std::move(r).error();
        error.message = "loading the rooms of " + domain + ": " + error.message;
        return base::fail(std::move(error));
      }
      muc::MucService* raw = service.get();
      server.hooks().stanzas.hook("component/" + domain, [raw](server::StanzaEvent& e) {
        raw->handle(e);
        return true;
      });
      server.disco().addServerItem({domain, "Chatrooms"});
      services_.push_back(std::move(service));
    }
    server.hooks().sessions.hook("resource-unbound", [this](server::SessionEvent& e) {
      for (auto& service : services_) service->sessionEnded(e.session.jid());
      return false;  // other modules clean up too
    });
    return {};
  }

  // Commits what the room archives' writer holds, then ends its thread.
  void shutdown() override {
    if (archive_) archive_->stop();
  }

 private:
  std::unique_ptr<muc::RoomArchive> archive_;
  std::vector<std::unique_ptr<muc::MucService>> services_;
};

}  // namespace

std::unique_ptr<server::Module> makeMucModule() {
  return std::make_unique<MucModule>();
}

}  // namespace keyfed::modules
