#pragma once
// The event loop every connection, timer and signal of the server runs on.
//
// keyfed runs its protocol logic on one thread (like Prosody, but without an
// interpreter in the way): sessions, the router and modules never lock. The
// loop hides Boost.Asio so that only libs/net's .cpp files pay for its headers.

#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>

namespace keyfed::net {

class Timer;

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Runs until stop() is called (from a handler or a signal callback).
  void run();
  // Runs ready handlers without blocking, for tests; returns how many ran.
  std::size_t poll();
  void stop();
  [[nodiscard]] bool stopped() const;

  // Runs fn on the loop thread after the current handler returns.
  void post(std::function<void()> fn);

  // Calls onSignal(signo) on the loop thread whenever one of signals arrives.
  void handleSignals(std::initializer_list<int> signals, std::function<void(int)> onSignal);

  // The underlying boost::asio::io_context, for libs/net internals only.
  [[nodiscard]] void* nativeContext();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A restartable one-shot timer bound to a loop. Destroying or cancelling it
// guarantees its callback will not run afterwards.
class Timer {
 public:
  explicit Timer(EventLoop& loop);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  void start(std::chrono::steady_clock::duration after, std::function<void()> onExpiry);
  void cancel();
  [[nodiscard]] bool armed() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace keyfed::net
