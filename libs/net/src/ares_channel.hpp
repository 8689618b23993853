#pragma once
// A c-ares channel driven by the event loop: c-ares owns its sockets and
// tells us (ARES_OPT_SOCK_STATE_CB) which ones to watch; Asio waits for them
// and for c-ares' next timeout, and calls ares_process_fd(). One thread, no
// locks, no extra resolver thread.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "keyfed/base/result.hpp"

namespace boost::asio {
class io_context;
}

namespace keyfed::net {

struct AresSettings {
  std::string serversCsv;  // empty: the system's resolv.conf
  std::chrono::milliseconds tryTimeout{1000};
  int tries = 2;
  std::size_t maxAnswerBytes = std::size_t{16} * 1024;
};

// What one query brought back: the ARES_* status and, on success, the raw
// answer (at most maxAnswerBytes; a longer one arrives as tooLarge).
struct AresAnswer {
  int status = 0;
  bool tooLarge = false;
  std::size_t size = 0;
  std::vector<unsigned char> bytes;
};

class AresChannel : public std::enable_shared_from_this<AresChannel> {
 public:
  using Callback = std::function<void(AresAnswer)>;

  static base::Result<std::shared_ptr<AresChannel>> create(boost::asio::io_context& io,
                                                           const AresSettings& settings);
  virtual ~AresChannel() = default;

  // Sends a class IN query of `type` (ns_t_srv, ns_t_a, ...). The callback is
  // posted to the loop, never run inside query(); it is dropped when the
  // channel is destroyed first.
  virtual void query(const std::string& name, int type, Callback callback) = 0;
};

}  // namespace keyfed::net
