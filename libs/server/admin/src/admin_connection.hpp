#pragma once
// One admin socket connection: splits the byte stream into request lines,
// enforces the line limit and the idle timeout, and writes one reply per line.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/server/admin_service.hpp"

namespace keyfed::server {

class AdminService::Connection final : public net::ByteStreamHandler {
 public:
  // `counted`: the connection is served (within maxConnections); one that is
  // not only gets the admin.busy reply.
  Connection(AdminService& service, std::uint64_t id, std::unique_ptr<net::ByteStream> stream,
             bool counted);
  ~Connection() override;

  void serve();
  // Sends an error reply, then closes (after flushing it).
  void refuse(std::string_view code, std::string_view message);
  // Closes after the queued replies.
  void close();

  void onBytes(std::string_view bytes) override;
  void onTlsEstablished() override {}
  void onClosed(std::string_view reason) override;

 private:
  void handleLines();

  AdminService& service_;
  std::uint64_t id_;
  std::unique_ptr<net::ByteStream> stream_;
  net::Timer idle_;
  std::string buffer_;
  std::size_t scanned_ = 0;  // bytes of buffer_ known to hold no newline
  bool counted_;
  bool running_ = false;          // inside a command
  bool closeAfterReply_ = false;  // close() was called by that command
  bool closing_ = false;
  bool closed_ = false;
};

}  // namespace keyfed::server
