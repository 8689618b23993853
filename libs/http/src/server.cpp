// Connection bookkeeping: limits per address and in total, shutdown.

#include "keyfed/http/server.hpp"

#include "connection.hpp"
#include "keyfed/base/log.hpp"
#include "keyfed/net/byte_stream.hpp"
#include "keyfed/net/event_loop.hpp"

namespace keyfed::http {

HttpServer::HttpServer(net::EventLoop& loop, const Router& router, Limits limits)
    : loop_(loop), router_(router), limits_(limits) {}

HttpServer::~HttpServer() {
  *alive_ = false;
  connections_.clear();
}

void HttpServer::accept(std::unique_ptr<net::ByteStream> stream) {
  const std::string address = stream->remoteAddress();
  auto& count = perAddress_[address];
  if (shuttingDown_ || connections_.size() >= limits_.connections ||
      count >= limits_.connectionsPerAddress) {
    if (count == 0) perAddress_.erase(address);
    base::Logger("http").info("{}: connection refused (limit or shutdown)", address);
    return;  // dropping the stream closes it
  }
  ++count;
  auto connection = std::make_unique<Connection>(*this, std::move(stream));
  Connection* raw = connection.get();
  connections_.emplace(raw, std::move(connection));
  if (onCount_) onCount_(+1);
  raw->start();
}

void HttpServer::release(Connection* connection) {
  // The connection is inside its own callback: destroy it once that returns.
  loop_.post([this, alive = alive_, connection] {
    if (!*alive) return;
    auto it = connections_.find(connection);
    if (it == connections_.end()) return;
    auto address = perAddress_.find(it->second->remoteAddress());
    if (address != perAddress_.end() && --address->second == 0) perAddress_.erase(address);
    connections_.erase(it);
    if (onCount_) onCount_(-1);
  });
}

void HttpServer::shutdown() {
  shuttingDown_ = true;
  std::vector<Connection*> open;
  open.reserve(connections_.size());
  for (auto& [raw, owned] : connections_) open.push_back(raw);
  for (Connection* c : open) c->shutdown();
}

}  // namespace keyfed::http
