#pragma once
// The clearinghouse in the server (docs/clearinghouse.md):
//
// - makeClearinghouseModule(): reads [clearinghouse] and
//   [clearinghouse_member]; for the clearinghouse role, starts the Publisher
//   and answers subscribe/unsubscribe/items iqs to its JID (members only),
//   notifying the subscribers of each published table; for the member role,
//   starts the Member, takes event notifications and items results from the
//   configured clearinghouse. Applies reloaded configurations.
// - registerClearinghouseAdminCommands(): clearinghouse-set, -remove, -list
//   (the clearinghouse role), clearinghouse-table and -submit (the member
//   role) on the admin socket (docs/admin.md).
//
// Composition (apps/keyfed): register the sections with
// registerClearinghouseConfig() (config.hpp), add the module before s2s, and
// pass it to registerClearinghouseAdminCommands().

#include <memory>

#include "keyfed/clearinghouse/member.hpp"
#include "keyfed/clearinghouse/publisher.hpp"
#include "keyfed/server/module.hpp"

namespace keyfed::server {
class AdminService;
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

void registerClearinghouseAdminCommands(server::AdminService& admin, ClearinghouseModule& module);

}  // namespace keyfed::clearinghouse
