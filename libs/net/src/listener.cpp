#include "keyfed/net/listener.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>

#include "keyfed/net/event_loop.hpp"
#include "tcp_stream.hpp"

namespace keyfed::net {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

class TcpListener final : public Listener {
 public:
  TcpListener(asio::io_context& io, ListenOptions options, AcceptHandler onAccept)
      : acceptor_(io), options_(std::move(options)), onAccept_(std::move(onAccept)) {}

  base::Result<void> open() {
    error_code ec;
    const auto address = asio::ip::make_address(options_.address, ec);
    if (ec) {
      return base::fail("net.bad-address", "not an IP address: '" + options_.address + "'");
    }
    const tcp::endpoint endpoint(address, options_.port);
    const std::string where = options_.address + ":" + std::to_string(options_.port);
    if (acceptor_.open(endpoint.protocol(), ec); ec) {
      return base::fail("net.listen", ec.message(), where);
    }
    acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (address.is_v6()) acceptor_.set_option(asio::ip::v6_only(true), ec);
    if (acceptor_.bind(endpoint, ec); ec) return base::fail("net.listen", ec.message(), where);
    if (acceptor_.listen(options_.backlog, ec); ec) {
      return base::fail("net.listen", ec.message(), where);
    }
    return {};
  }

  void acceptLoop() {
    auto alive = alive_;
    acceptor_.async_accept([this, alive](const error_code& ec, tcp::socket socket) {
      if (!*alive) return;
      if (ec == asio::error::operation_aborted) return;
      if (!ec) onAccept_(std::make_unique<TcpStream>(std::move(socket), options_.directTls));
      // Out of file descriptors or similar: keep accepting; the error is transient.
      if (acceptor_.is_open()) acceptLoop();
    });
  }

  ~TcpListener() override {
    *alive_ = false;
    close();
  }

  std::uint16_t port() const override {
    error_code ec;
    auto ep = acceptor_.local_endpoint(ec);
    return ec ? 0 : ep.port();
  }
  std::string address() const override { return options_.address; }
  void close() override {
    error_code ec;
    acceptor_.close(ec);
  }

 private:
  tcp::acceptor acceptor_;
  ListenOptions options_;
  AcceptHandler onAccept_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace

base::Result<std::unique_ptr<Listener>> Listener::open(EventLoop& loop,
                                                       const ListenOptions& options,
                                                       AcceptHandler onAccept) {
  auto& io = *static_cast<asio::io_context*>(loop.nativeContext());
  auto listener = std::make_unique<TcpListener>(io, options, std::move(onAccept));
  if (auto opened = listener->open(); !opened) return base::fail(std::move(opened).error());
  listener->acceptLoop();
  return std::unique_ptr<Listener>(std::move(listener));
}

void connectTcp(EventLoop& loop, const std::string& address, std::uint16_t port,
                std::function<void(base::Result<std::unique_ptr<ByteStream>>)> onConnected) {
  connectTcp(loop, address, port, std::string(), std::move(onConnected));
}

void connectTcp(EventLoop& loop, const std::string& address, std::uint16_t port,
                const std::string& sourceAddress,
                std::function<void(base::Result<std::unique_ptr<ByteStream>>)> onConnected) {
  auto& io = *static_cast<asio::io_context*>(loop.nativeContext());
  const auto failLater = [&loop, &onConnected](base::Error error) {
    loop.post([onConnected, error = std::move(error)] { onConnected(base::fail(error)); });
  };
  error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) {
    failLater(base::Error{"net.bad-address", "not an IP address: '" + address + "'", {}});
    return;
  }
  const tcp::endpoint remote(ip, port);
  auto socket = std::make_shared<tcp::socket>(io);
  if (!sourceAddress.empty()) {
    const auto source = asio::ip::make_address(sourceAddress, ec);
    if (ec) {
      failLater(base::Error{"net.bad-address", "not an IP address: '" + sourceAddress + "'", {}});
      return;
    }
    if (source.is_v4() == ip.is_v4()) {
      socket->open(remote.protocol(), ec);
      if (!ec) socket->bind(tcp::endpoint(source, 0), ec);
      if (ec) {
        failLater(base::Error{"net.bind",
                              "cannot connect from " + sourceAddress + ": " + ec.message(),
                              address + ":" + std::to_string(port)});
        return;
      }
    }
  }
  socket->async_connect(remote, [socket, onConnected = std::move(onConnected), address,
                                 port](const error_code& error) {
    if (error) {
      onConnected(base::fail("net.connect", error.message(), address + ":" + std::to_string(port)));
      return;
    }
    onConnected(
        std::unique_ptr<ByteStream>(std::make_unique<TcpStream>(std::move(*socket), nullptr)));
  });
}

}  // namespace keyfed::net
