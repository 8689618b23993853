#include "ares_channel.hpp"

#include <ares.h>
#include <arpa/nameser.h>
#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <mutex>
#include <unordered_map>

namespace keyfed::net {

namespace asio = boost::asio;

namespace {

// Asio's epoll reactor is edge-triggered and does not re-check readiness when a
// wait starts: if c-ares left bytes in a socket, a fresh async_wait would sleep
// until the next packet. After processing we look again, a bounded number of times.
constexpr int kMaxDrainRounds = 16;

bool readableNow(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLERR | POLLHUP)) != 0;
}

void initLibraryOnce() {
  static std::once_flag once;
  std::call_once(once, [] { ares_library_init(ARES_LIB_INIT_ALL); });
}

class AsioAresChannel final : public AresChannel {
 public:
  AsioAresChannel(asio::io_context& io, std::size_t maxAnswerBytes)
      : io_(io), timer_(io), maxAnswerBytes_(maxAnswerBytes) {}

  ~AsioAresChannel() override {
    // Pending queries complete with ARES_EDESTRUCTION (dropped below) and every
    // socket is reported closed (its watch released) before our members go.
    if (channel_) ares_destroy(channel_);
    timer_.cancel();
  }

  base::Result<void> init(const AresSettings& settings) {
    ares_options options{};
    int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB |
               ARES_OPT_EDNSPSZ;
    // No search list, no domain appended; EDNS so that ordinary answers fit in
    // one UDP datagram (1232: the DNS flag day 2020 size); TC still falls back to TCP.
    options.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES | ARES_FLAG_EDNS;
    options.timeout = static_cast<int>(settings.tryTimeout.count());
    options.tries = settings.tries;
    options.ednspsz = 1232;
    options.sock_state_cb = &AsioAresChannel::onSocketState;
    options.sock_state_cb_data = this;
    std::string noResolvConf = "/dev/null";
    if (!settings.serversCsv.empty()) {
      // Configured servers only: do not even read the system's resolv.conf.
      options.resolvconf_path = noResolvConf.data();
      mask |= ARES_OPT_RESOLVCONF;
    }
    if (int rc = ares_init_options(&channel_, &options, mask); rc != ARES_SUCCESS) {
      channel_ = nullptr;
      return base::fail("dns.init", std::string("c-ares: ") + ares_strerror(rc));
    }
    if (!settings.serversCsv.empty()) {
      if (int rc = ares_set_servers_ports_csv(channel_, settings.serversCsv.c_str());
          rc != ARES_SUCCESS) {
        return base::fail("dns.bad-server",
                          "c-ares refused '" + settings.serversCsv + "': " + ares_strerror(rc));
      }
    }
    return {};
  }

  void query(const std::string& name, int type, Callback callback) override {
    auto* pending = new Pending{weak_from_this(), std::move(callback), maxAnswerBytes_, &io_};
    ares_query(channel_, name.c_str(), ns_c_in, type, &AsioAresChannel::onAnswer, pending);
    rearmTimer();
  }

 private:
  struct Pending {
    std::weak_ptr<AresChannel> owner;
    Callback callback;
    std::size_t maxAnswerBytes;
    asio::io_context* io;
  };

  // One socket c-ares asked us to watch.
  struct Watch {
    Watch(asio::io_context& io, ares_socket_t s) : descriptor(io), fd(s) {}
    asio::posix::stream_descriptor descriptor;
    ares_socket_t fd;
    bool wantRead = false;
    bool wantWrite = false;
    bool reading = false;
    bool writing = false;
    bool closed = false;
  };

  static void onAnswer(void* arg, int status, int /*timeouts*/, unsigned char* abuf, int alen) {
    std::unique_ptr<Pending> pending(static_cast<Pending*>(arg));
    if (status == ARES_EDESTRUCTION) return;  // the channel is going away: nobody to tell
    AresAnswer answer;
    answer.status = status;
    if (status == ARES_SUCCESS && abuf && alen > 0) {
      answer.size = static_cast<std::size_t>(alen);
      if (answer.size > pending->maxAnswerBytes)
        answer.tooLarge = true;
      else
        answer.bytes.assign(abuf, abuf + alen);
    }
    // Always later, on the loop: c-ares may call back from inside ares_query().
    asio::post(*pending->io,
               [owner = std::move(pending->owner), callback = std::move(pending->callback),
                answer = std::move(answer)]() mutable {
                 if (owner.expired()) return;
                 callback(std::move(answer));
               });
  }

  static void onSocketState(void* data, ares_socket_t fd, int readable, int writable) {
    static_cast<AsioAresChannel*>(data)->handleSocketState(fd, readable != 0, writable != 0);
  }

  void handleSocketState(ares_socket_t fd, bool readable, bool writable) {
    auto it = watches_.find(fd);
    if (!readable && !writable) {
      // c-ares closes the socket right after this call: stop watching it, and
      // leave the descriptor to c-ares (release, not close).
      if (it == watches_.end()) return;
      it->second->closed = true;
      it->second->descriptor.release();
      watches_.erase(it);
      return;
    }
    if (it == watches_.end()) {
      auto watch = std::make_shared<Watch>(io_, fd);
      boost::system::error_code ec;
      watch->descriptor.assign(fd, ec);
      if (ec) return;  // the query on it will time out
      it = watches_.emplace(fd, std::move(watch)).first;
    }
    it->second->wantRead = readable;
    it->second->wantWrite = writable;
    arm(it->second);
  }

  void arm(const std::shared_ptr<Watch>& watch) {
    if (watch->closed) return;
    std::weak_ptr<AresChannel> weak = weak_from_this();
    if (watch->wantRead && !watch->reading) {
      watch->reading = true;
      watch->descriptor.async_wait(
          asio::posix::descriptor_base::wait_read,
          [weak, watch](const boost::system::error_code& ec) {
            watch->reading = false;
            auto self = weak.lock();
            if (!self || watch->closed || ec == asio::error::operation_aborted) return;
            static_cast<AsioAresChannel&>(*self).onReady(watch, true);
          });
    }
    if (watch->wantWrite && !watch->writing) {
      watch->writing = true;
      watch->descriptor.async_wait(
          asio::posix::descriptor_base::wait_write,
          [weak, watch](const boost::system::error_code& ec) {
            watch->writing = false;
            auto self = weak.lock();
            if (!self || watch->closed || ec == asio::error::operation_aborted) return;
            static_cast<AsioAresChannel&>(*self).onReady(watch, false);
          });
    }
  }

  void onReady(const std::shared_ptr<Watch>& watch, bool read) {
    const ares_socket_t fd = watch->fd;
    ares_process_fd(channel_, read ? fd : ARES_SOCKET_BAD, read ? ARES_SOCKET_BAD : fd);
    for (int round = 0;
         round < kMaxDrainRounds && !watch->closed && watch->wantRead && readableNow(fd); ++round) {
      ares_process_fd(channel_, fd, ARES_SOCKET_BAD);
    }
    arm(watch);
    rearmTimer();
  }

  void rearmTimer() {
    timeval tv{};
    if (!ares_timeout(channel_, nullptr, &tv)) {
      timer_.cancel();
      return;
    }
    timer_.expires_after(std::chrono::seconds(tv.tv_sec) + std::chrono::microseconds(tv.tv_usec));
    std::weak_ptr<AresChannel> weak = weak_from_this();
    timer_.async_wait([weak](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (!self || ec == asio::error::operation_aborted) return;
      auto& channel = static_cast<AsioAresChannel&>(*self);
      ares_process_fd(channel.channel_, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
      channel.rearmTimer();
    });
  }

  asio::io_context& io_;
  asio::steady_timer timer_;
  std::size_t maxAnswerBytes_;
  std::unordered_map<ares_socket_t, std::shared_ptr<Watch>> watches_;
  ares_channel channel_ = nullptr;  // last: destroyed (in the destructor body) first
};

}  // namespace

base::Result<std::shared_ptr<AresChannel>> AresChannel::create(asio::io_context& io,
                                                               const AresSettings& settings) {
  initLibraryOnce();
  auto channel = std::make_shared<AsioAresChannel>(io, settings.maxAnswerBytes);
  if (auto ok = channel->init(settings); !ok) return base::fail(std::move(ok).error());
  return std::shared_ptr<AresChannel>(std::move(channel));
}

}  // namespace keyfed::net
