#pragma once
// The clearinghouse role (docs/clearinghouse.md): keeps the community table
// (domain -> level, addresses, expiry) in storage, edited by the
// administrator (every edit audited), and publishes it as a signed document
// whose version only goes up: on every edit, and again at half the
// document's validity so a running clearinghouse never lets its table go
// stale. Each published document is handed to the notifier (the
// publish-subscribe node sends it to the subscribers).
//
// It also puts the "clearinghouse-community" decider in front of the policy
// point: the members in the table may federate with the clearinghouse.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/log.hpp"
#include "keyfed/clearinghouse/config.hpp"
#include "keyfed/clearinghouse/document.hpp"
#include "keyfed/server/server.hpp"

namespace keyfed::net {
class Timer;
}

namespace keyfed::clearinghouse {

struct CommunityTable;

class Publisher {
 public:
  Publisher(server::Server& server, ClearinghouseConfig config);
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Loads the table and the last published document; publishes when there is
  // none yet or it no longer matches the table, else re-arms the refresh.
  base::Result<void> start();
  void reconfigure(ClearinghouseConfig config);
  [[nodiscard]] const ClearinghouseConfig& config() const { return config_; }
  // The server's clock (row validity is counted from it).
  [[nodiscard]] base::SystemTime now() const { return server_.clock().now(); }

  // Administrator edits (audited with `who`); each publishes a new version.
  base::Result<storage::CommunityRow> set(storage::CommunityRow row, std::string_view who);
  base::Result<bool> remove(std::string_view domain, std::string_view who);
  [[nodiscard]] const std::vector<storage::CommunityRow>& rows() const;

  // Signs and stores the table as the next version and notifies.
  base::Result<std::int64_t> publish(std::string_view why);
  // The last published document (version 0 and "" before the first).
  [[nodiscard]] std::int64_t version() const { return version_; }
  [[nodiscard]] const std::string& document() const { return document_; }

  // Whether `domain` is a member now (a row in force): members may subscribe
  // and fetch, and federate with the clearinghouse.
  [[nodiscard]] bool isMember(std::string_view domain) const;

  using Notifier = std::function<void(std::int64_t version, const std::string& document)>;
  void onPublish(Notifier notifier) { notifier_ = std::move(notifier); }

 private:
  void armRefresh();

  server::Server& server_;
  ClearinghouseConfig config_;
  std::shared_ptr<CommunityTable> table_;
  std::unique_ptr<net::Timer> refresh_;
  std::int64_t version_ = 0;
  std::int64_t expires_ = 0;
  std::string document_;
  Notifier notifier_;
  base::Logger log_{"clearinghouse"};
};

}  // namespace keyfed::clearinghouse
