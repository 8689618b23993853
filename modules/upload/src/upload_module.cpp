#include "keyfed/modules/upload.hpp"

#include "keyfed/http/limits.hpp"
#include "keyfed/http/router.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "slot_request.hpp"

namespace keyfed::modules {
namespace {

using namespace std::chrono_literals;
using upload::kUploadNs;

// How often expired files and slots are swept: a tenth of the lifetime,
// between a minute and an hour.
std::chrono::seconds sweepInterval(std::chrono::seconds expireAfter) {
  if (expireAfter.count() == 0) return 1h;
  return std::clamp<std::chrono::seconds>(expireAfter / 10, 60s, 3600s);
}

class UploadModule final : public server::Module {
 public:
  UploadModule(http::Router* routes, std::optional<UploadConfig> config)
      : routes_(routes), given_(std::move(config)) {}

  [[nodiscard]] std::string_view name() const override { return "upload"; }

  base::Result<void> load(server::Server& server) override {
    server_ = &server;
    config_ = given_ ? *given_ : uploadConfig(server.config());
    if (!config_.enabled) return {};
    if (auto r = checkConfig(server.config()); !r) return r;
    auto store = upload::FileStore::open(uploadDirectory(config_, server.config()));
    if (!store) return base::fail(store.error());
    store_ = std::move(*store);
    slots_ = std::make_unique<upload::SlotTable>(config_.maxPendingSlots);
    state_ = std::make_unique<upload::UploadState>(
        upload::UploadState{*slots_, *store_, server.clock(), config_.expireAfter});
    if (auto r = upload::addUploadRoutes(*routes_, *state_, config_.maxFileSize); !r) return r;

    // The service is the host itself: the identity lets clients that look
    // for a "store/file" entity (slixmpp, older Gajim) find it there.
    server.disco().addServerIdentity({"store", "file", "HTTP File Upload"});
    server.disco().addServerFeature(kUploadNs);
    server.disco().addServerForm(
        {std::string(kUploadNs), {{"max-file-size", std::to_string(config_.maxFileSize)}}});
    server.hooks().stanzas.hook("iq-get/host/" + std::string(kUploadNs),
                                [this](server::StanzaEvent& e) { return onSlotRequest(e); });
    sweepTimer_ = std::make_unique<net::Timer>(server.loop());
    sweep();
    server.log().info("upload: files up to {} bytes in {} ({} stored)", config_.maxFileSize,
                      uploadDirectory(config_, server.config()).string(), store_->count());
    return {};
  }

  void shutdown() override {
    if (sweepTimer_) sweepTimer_->cancel();
  }

 private:
  base::Result<void> checkConfig(const config::Config& config) {
    if (routes_ == nullptr) return base::fail("upload.no-https", "no https routes to serve on");
    for (const auto& listener : config.listeners) {
      if (listener.type != config::ListenerType::https) continue;
      httpsPort_ = listener.port;
      break;
    }
    if (!httpsPort_) {
      return base::fail("upload.no-https",
                        "[upload] enabled needs an https [[listener]] to serve the files");
    }
    if (config_.publicUrl.empty() && *httpsPort_ == 0) {
      return base::fail("upload.public-url",
                        "[upload] needs public_url when the https listener's port is 0");
    }
    const auto* http = config.section<http::Limits>("http");
    const std::size_t bodyLimit = http != nullptr ? http->bodyBytes : http::Limits{}.bodyBytes;
    if (config_.maxFileSize > bodyLimit) {
      return base::fail("upload.max-file-size",
                        "[upload] max_file_size (" + std::to_string(config_.maxFileSize) +
                            ") is larger than [http] max_body_bytes (" + std::to_string(bodyLimit) +
                            "): raise max_body_bytes");
    }
    return {};
  }

  // Slots are for the host's own users: anyone else is refused, so the
  // server's disk is not a free file host for the federation.
  bool onSlotRequest(server::StanzaEvent& e) {
    const std::string_view host = e.to.domain();
    if (!e.from.hasNode() || e.from.domain() != host || e.client() == nullptr) {
      e.server.bounce(e.stanza, xmpp::StanzaErrorCondition::forbidden,
                      "upload slots are for this server's own users");
      return true;
    }
    const std::string base = config_.publicUrl.empty() ? "https://" + std::string(host) + ":" +
                                                             std::to_string(*httpsPort_)
                                                       : config_.publicUrl;
    e.server.route(upload::answerSlotRequest(*state_, config_, e.stanza, e.from, base));
    return true;
  }

  void sweep() {
    slots_->prune(server_->clock().steadyNow());
    if (config_.expireAfter.count() != 0) {
      const std::size_t removed =
          store_->removeCreatedBefore(server_->clock().now() - config_.expireAfter);
      if (removed > 0) server_->log().info("upload: {} expired files removed", removed);
    }
    sweepTimer_->start(sweepInterval(config_.expireAfter), [this] { sweep(); });
  }

  http::Router* routes_;
  std::optional<UploadConfig> given_;
  UploadConfig config_;
  server::Server* server_ = nullptr;
  std::optional<std::uint16_t> httpsPort_;
  std::unique_ptr<upload::FileStore> store_;
  std::unique_ptr<upload::SlotTable> slots_;
  std::unique_ptr<upload::UploadState> state_;
  std::unique_ptr<net::Timer> sweepTimer_;
};

}  // namespace

std::unique_ptr<server::Module> makeUploadModule(http::Router* routes,
                                                 std::optional<UploadConfig> config) {
  return std::make_unique<UploadModule>(routes, std::move(config));
}

}  // namespace keyfed::modules
