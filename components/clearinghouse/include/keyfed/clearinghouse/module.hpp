#pragma once
// The clearinghouse in the server (docs/clearinghouse.md):
//
// - makeClearinghouseModule(): reads [clearinghouse] and
//   [clearinghouse_member]; for the clearinghouse role, starts the Publisher
//   and answers subscribe/unsubscribe/items iqs to its JID (members only),
//   notifying the subscribers of each published table; for the member role,
//   starts the Member, takes event notifications and items results from the
//   configured clearinghouse. Applies reloaded configurations.
// - makeTableHttpsModule(): GET kTablePath on the HTTPS listeners answers the
//   published table (the clearinghouse role; table_https.cpp).
// - registerClearinghouseAdminCommands(): clearinghouse-set, -remove, -list
//   (the clearinghouse role), clearinghouse-table, -submit and -fetch (the
//   member role) on the admin socket (docs/admin.md).
//
// Composition (apps/keyfed): register the sections with
// registerClearinghouseConfig() (config.hpp), add the module before s2s, add
// makeTableHttpsModule() with the https module's routes after it, and pass it
// to registerClearinghouseAdminCommands().

#include <memory>
#include <string_view>

#include "keyfed/clearinghouse/member.hpp"
#include "keyfed/clearinghouse/publisher.hpp"
#include "keyfed/server/module.hpp"

namespace keyfed::server {
class AdminService;
}
namespace keyfed::http {
class Router;
}

namespace keyfed::clearinghouse {

class ClearinghouseModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "clearinghouse"; }
  base::Result<void> load(server::Server& server) override;
  // nullptr while the role is not enabled.
  [[nodiscard]] Publisher* publisher() { return publisher_.get(); }
  [[nodiscard]] Member* member() { return member_.get(); }

 private:
  base::Result<void> loadPublisher(server::Server& server, const ClearinghouseConfig& config);
  base::Result<void> loadMember(server::Server& server, const MemberConfig& config);
  void notifySubscribers(server::Server& server, std::int64_t version, const std::string& text);

  std::unique_ptr<Publisher> publisher_;
  std::unique_ptr<Member> member_;
};

std::unique_ptr<ClearinghouseModule> makeClearinghouseModule();

// Where the clearinghouse serves its table over HTTPS.
inline constexpr std::string_view kTablePath = "/.well-known/keyfed/clearinghouse-table";
// Serves kTablePath while the clearinghouse role is on; nothing otherwise.
// Loaded after `clearinghouse`, before the https module.
std::unique_ptr<server::Module> makeTableHttpsModule(ClearinghouseModule& clearinghouse,
                                                     http::Router& routes);

void registerClearinghouseAdminCommands(server::AdminService& admin, ClearinghouseModule& module);

}  // namespace keyfed::clearinghouse
