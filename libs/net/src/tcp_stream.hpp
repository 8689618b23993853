#pragma once
// ByteStream over a stream socket (internal): TCP, which can be upgraded to TLS,
// and Unix-domain (the admin socket). One implementation serves both, templated
// on the Asio protocol and instantiated for the two in tcp_stream.cpp.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

#include "keyfed/net/byte_stream.hpp"

namespace keyfed::net {

// The part of a stream that asynchronous operations keep alive. The owner
// holds a SocketStream handle; dropping it detaches the handler and aborts.
template <class Protocol>
class StreamCore : public std::enable_shared_from_this<StreamCore<Protocol>> {
 public:
  using Socket = typename Protocol::socket;
  using TlsStream = boost::asio::ssl::stream<Socket>;

  explicit StreamCore(Socket socket);

  void start(ByteStreamHandler* handler, std::shared_ptr<TlsServerContext> directTls);
  void send(std::string_view bytes);
  void startTls(std::shared_ptr<TlsServerContext> context);
  void startTlsClient(std::shared_ptr<TlsClientContext> context, std::string serverName);
  void close();
  void abort(std::string_view reason);
  void detach();

  bool isTls() const { return tlsUp_; }
  std::string tlsExporter() const;
  std::string tlsUnique() const;
  std::string tlsVersion() const;
  std::string sniName() const;
  std::vector<std::string> peerCertificateChain() const;
  std::string remoteAddress() const { return remote_; }
  std::string localAddress() const { return local_; }
  StreamStats stats() const { return stats_; }

 private:
  enum class TlsRole { none, server, client };

  Socket& socket();
  void readMore();
  void onRead(const boost::system::error_code& ec, std::size_t n);
  void flush();
  void maybeHandshake();
  void handshake();
  void shutdown();
  void finish(std::string_view reason);

  Socket plain_;
  std::unique_ptr<TlsStream> tls_;
  std::shared_ptr<TlsServerContext> serverCtx_;  // kept alive while tls_ uses it
  std::shared_ptr<TlsClientContext> clientCtx_;
  std::string serverName_;
  ByteStreamHandler* handler_ = nullptr;
  std::string outQueue_;
  std::string outFlight_;
  std::unique_ptr<char[]> readBuffer_;
  boost::asio::steady_timer shutdownTimer_;
  std::string remote_;
  std::string local_;
  StreamStats stats_;
  TlsRole pendingTls_ = TlsRole::none;
  bool tlsUp_ = false;
  bool reading_ = false;
  bool writing_ = false;
  bool handshaking_ = false;
  bool closing_ = false;
  bool closed_ = false;
};

template <class Protocol>
class SocketStream final : public ByteStream {
 public:
  using Core = StreamCore<Protocol>;

  SocketStream(typename Core::Socket socket, std::shared_ptr<TlsServerContext> directTls)
      : core_(std::make_shared<Core>(std::move(socket))), directTls_(std::move(directTls)) {}
  ~SocketStream() override { core_->detach(); }

  void start(ByteStreamHandler* handler) override { core_->start(handler, directTls_); }
  void send(std::string_view bytes) override { core_->send(bytes); }
  void startTls(std::shared_ptr<TlsServerContext> context) override {
    core_->startTls(std::move(context));
  }
  void startTlsClient(std::shared_ptr<TlsClientContext> context, std::string serverName) override {
    core_->startTlsClient(std::move(context), std::move(serverName));
  }
  void close() override { core_->close(); }
  void abort() override { core_->abort("aborted"); }
  bool isTls() const override { return core_->isTls(); }
  std::string tlsExporter() const override { return core_->tlsExporter(); }
  std::string tlsUnique() const override { return core_->tlsUnique(); }
  std::string tlsVersion() const override { return core_->tlsVersion(); }
  std::string sniName() const override { return core_->sniName(); }
  std::vector<std::string> peerCertificateChain() const override {
    return core_->peerCertificateChain();
  }
  std::string remoteAddress() const override { return core_->remoteAddress(); }
  std::string localAddress() const override { return core_->localAddress(); }
  StreamStats stats() const override { return core_->stats(); }

 private:
  std::shared_ptr<Core> core_;
  std::shared_ptr<TlsServerContext> directTls_;
};

// Defined and instantiated once, in tcp_stream.cpp.
extern template class StreamCore<boost::asio::ip::tcp>;
extern template class StreamCore<boost::asio::local::stream_protocol>;

using TcpStreamCore = StreamCore<boost::asio::ip::tcp>;
using TcpStream = SocketStream<boost::asio::ip::tcp>;
using UnixStream = SocketStream<boost::asio::local::stream_protocol>;

}  // namespace keyfed::net
