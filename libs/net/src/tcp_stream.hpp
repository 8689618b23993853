#pragma once
// ByteStream over a stream socket (internal): TCP, which can be upgraded to TLS,
// and Unix-domain (the admin socket). One implementation serves both, templated
// on the Asio protocol and instantiated for the two in tcp_stream.cpp.
//
// Memory per connection is the point of this design (docs/performance.md): the
// socket is non-blocking and Asio only reports readiness (async_wait); reads go
// into one buffer per thread, writes go straight from the caller's bytes and
// only what the socket does not take is queued, and TLS is OpenSSL on the socket
// itself (TlsConnection) with its record buffers released whenever empty. An
// idle connection holds its socket, its SSL object and this small struct.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <optional>

#include "keyfed/net/byte_stream.hpp"
#include "tls_connection.hpp"

namespace keyfed::net {

// The part of a stream that asynchronous operations keep alive. The owner
// holds a SocketStream handle; dropping it detaches the handler and aborts.
template <class Protocol>
class StreamCore : public std::enable_shared_from_this<StreamCore<Protocol>> {
 public:
  using Socket = typename Protocol::socket;

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
  enum class Phase : unsigned char {
    plain,        // no TLS (yet)
    tlsPending,   // TLS asked for: the plaintext queued before that goes out first
    handshaking,  // TLS handshake in progress; nothing is read or written for the caller
    tls,          // TLS established
    tlsClosing,   // close_notify sent; waiting briefly for the peer's
    closed,
  };
  // What an attempt needs before it can go on (bit set).
  enum Need : unsigned { kNone = 0, kRead = 1, kWrite = 2 };

  void drive(bool mayRead);
  unsigned writeQueued();
  std::size_t writeSome(const char* data, std::size_t size, unsigned& need);
  unsigned readAvailable();
  unsigned beginHandshake(bool fromLoop);
  unsigned continueHandshake();
  unsigned continueShutdown(bool mayRead);
  void beginShutdown();
  void waitFor(unsigned need);
  void onReady(const boost::system::error_code& ec);
  void postRead();
  void postFlush();
  bool readsWanted() const;
  std::size_t sendableEnd() const;
  void finish(std::string_view reason);

  Socket socket_;
  std::unique_ptr<TlsConnection> tls_;
  std::shared_ptr<TlsServerContext> serverCtx_;
  std::shared_ptr<TlsClientContext> clientCtx_;
  std::string serverName_;  // SNI to send; dropped once the handshake starts
  ByteStreamHandler* handler_ = nullptr;
  // Bytes the socket has not taken yet (empty and unallocated when idle);
  // outSent_ of them are on the wire. Before TLS starts, the first plainEnd_
  // bytes go out in plaintext and the rest wait for the handshake.
  std::string out_;
  std::size_t outSent_ = 0;
  std::size_t plainEnd_ = 0;
  std::optional<boost::asio::steady_timer> shutdownTimer_;  // only while closing TLS
  std::string remote_;
  std::string local_;
  StreamStats stats_;
  Phase phase_ = Phase::plain;
  bool tlsAsServer_ = false;
  bool tlsUp_ = false;
  bool started_ = false;
  bool closing_ = false;  // close() asked: flush, then shut down
  bool closeNotifySent_ = false;
  bool readWaiting_ = false;   // an async_wait(read) is outstanding
  bool writeWaiting_ = false;  // an async_wait(write) is outstanding
  bool readPosted_ = false;    // a drive(true) is posted
  bool flushPosted_ = false;   // a drive(false) is posted to send what this turn queued
  int callerDepth_ = 0;        // inside send(), close(), ... (see CallerScope)
};

template <class Protocol>
class SocketStream final : public ByteStream {
 public:
  using Core = StreamCore<Protocol>;

  SocketStream(typename Core::Socket socket, std::shared_ptr<TlsServerContext> directTls)
      : core_(std::make_shared<Core>(std::move(socket))), directTls_(std::move(directTls)) {}
  ~SocketStream() override { core_->detach(); }

  void start(ByteStreamHandler* handler) override { core_->start(handler, std::move(directTls_)); }
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
