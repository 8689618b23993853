#include "admin_connection.hpp"

#include "admin_protocol.hpp"

namespace keyfed::server {

AdminService::Connection::Connection(AdminService& service, std::uint64_t id,
                                     std::unique_ptr<net::ByteStream> stream, bool counted)
    : service_(service),
      id_(id),
      stream_(std::move(stream)),
      idle_(service.loop_),
      counted_(counted) {}

AdminService::Connection::~Connection() = default;

void AdminService::Connection::serve() {
  stream_->start(this);
  if (closed_) return;
  idle_.start(service_.limits_.idleTimeout, [this] {
    refuse(admin_errc::kIdleTimeout, "no complete request within the idle timeout; closing");
  });
}

void AdminService::Connection::refuse(std::string_view code, std::string_view message) {
  if (closing_ || closed_) return;
  stream_->send(admin_protocol::errorReply(code, message) + "\n");
  close();
}

void AdminService::Connection::close() {
  if (closing_ || closed_) return;
  if (running_) {
    // Called by the command being run (it closes the service): its reply goes first.
    closeAfterReply_ = true;
    return;
  }
  closing_ = true;
  idle_.cancel();
  stream_->close();
}

void AdminService::Connection::onBytes(std::string_view bytes) {
  if (closing_ || closed_) return;
  // Idle means "sends nothing": any bytes restart the clock.
  idle_.start(service_.limits_.idleTimeout, [this] {
    refuse(admin_errc::kIdleTimeout, "no complete request within the idle timeout; closing");
  });
  buffer_.append(bytes);
  handleLines();
}

void AdminService::Connection::handleLines() {
  const std::size_t limit = service_.limits_.maxRequestBytes;
  std::size_t start = 0;
  while (!closing_ && !closed_) {
    const std::size_t newline = buffer_.find('\n', std::max(start, scanned_));
    if (newline == std::string::npos) break;
    std::string_view line(buffer_.data() + start, newline - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > limit) {
      refuse(admin_errc::kTooLarge,
             "request longer than " + std::to_string(limit) + " bytes; closing");
      return;
    }
    start = newline + 1;
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    running_ = true;
    std::string reply = service_.handleRequest(line);
    running_ = false;
    stream_->send(reply + "\n");
    if (closeAfterReply_) close();
  }
  if (closing_ || closed_) return;
  buffer_.erase(0, start);
  scanned_ = buffer_.size();
  // Without a newline in sight the line can only grow: refuse it now rather
  // than buffer up to the limit of memory.
  if (buffer_.size() > limit) {
    refuse(admin_errc::kTooLarge,
           "request longer than " + std::to_string(limit) + " bytes; closing");
  }
}

void AdminService::Connection::onClosed(std::string_view reason) {
  if (closed_) return;
  closed_ = true;
  idle_.cancel();
  service_.log_.debug("connection {} closed: {}", id_, reason);
  service_.connectionClosed(id_, counted_);
}

}  // namespace keyfed::server
