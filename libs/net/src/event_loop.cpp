#include "keyfed/net/event_loop.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <vector>

namespace keyfed::net {

namespace asio = boost::asio;

namespace {
// One handleSignals() registration. The pending wait refers to it by plain
// pointer: the loop owns it, and destroying it cancels the wait. (A handler
// holding a shared_ptr to itself would never be freed.)
struct SignalWatch {
  SignalWatch(asio::io_context& io, std::function<void(int)> callback)
      : set(io), onSignal(std::move(callback)) {}
  void wait() {
    set.async_wait([this](const boost::system::error_code& ec, int signo) {
      if (ec) return;  // cancelled at shutdown
      onSignal(signo);
      wait();
    });
  }
  asio::signal_set set;
  std::function<void(int)> onSignal;
};
}  // namespace

struct EventLoop::Impl {
  // Concurrency hint 1: one thread runs the loop, so Asio can skip its locks.
  asio::io_context io{1};
  std::vector<std::unique_ptr<SignalWatch>> signalWatches;  // destroyed before io
};

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {}
EventLoop::~EventLoop() = default;

void EventLoop::run() {
  // Keep running even when momentarily idle (no listener yet, tests).
  auto guard = asio::make_work_guard(impl_->io);
  impl_->io.run();
}

std::size_t EventLoop::poll() {
  impl_->io.restart();
  return impl_->io.poll();
}

void EventLoop::stop() {
  impl_->io.stop();
}
bool EventLoop::stopped() const {
  return impl_->io.stopped();
}

void EventLoop::post(std::function<void()> fn) {
  asio::post(impl_->io, std::move(fn));
}

void EventLoop::handleSignals(std::initializer_list<int> signals,
                              std::function<void(int)> onSignal) {
  auto watch = std::make_unique<SignalWatch>(impl_->io, std::move(onSignal));
  for (int s : signals) watch->set.add(s);
  watch->wait();
  impl_->signalWatches.push_back(std::move(watch));
}

void* EventLoop::nativeContext() {
  return &impl_->io;
}

// A timer's callback holds only a weak reference, and a generation number
// tells a stale completion (cancelled or restarted since) from a live one.
struct Timer::Impl {
  explicit Impl(asio::io_context& io) : timer(io) {}
  asio::steady_timer timer;
  std::function<void()> onExpiry;
  std::uint64_t generation = 0;
  bool armed = false;
};

Timer::Timer(EventLoop& loop)
    : impl_(std::make_shared<Impl>(*static_cast<asio::io_context*>(loop.nativeContext()))) {}

Timer::~Timer() {
  cancel();
}

void Timer::start(std::chrono::steady_clock::duration after, std::function<void()> onExpiry) {
  impl_->timer.expires_after(after);
  impl_->onExpiry = std::move(onExpiry);
  impl_->armed = true;
  const auto generation = ++impl_->generation;
  std::weak_ptr<Impl> weak = impl_;
  impl_->timer.async_wait([weak, generation](const boost::system::error_code& ec) {
    auto impl = weak.lock();
    if (!impl || ec || impl->generation != generation || !impl->armed) return;
    impl->armed = false;
    auto fn = std::move(impl->onExpiry);
    if (fn) fn();
  });
}

void Timer::cancel() {
  if (!impl_) return;
  ++impl_->generation;
  impl_->armed = false;
  impl_->onExpiry = nullptr;
  impl_->timer.cancel();
}

bool Timer::armed() const {
  return impl_->armed;
}

}  // namespace keyfed::net
