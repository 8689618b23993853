#include "tcp_stream.hpp"

#include <openssl/ssl.h>

#include <array>
#include <boost/asio/post.hpp>
#include <type_traits>

#include "keyfed/net/tls.hpp"

namespace keyfed::net {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// One TLS record's plaintext, so a read never leaves decrypted bytes behind.
constexpr std::size_t kReadBufferSize = std::size_t{16} * 1024;
// Reads per readiness event before other connections get their turn.
constexpr int kReadsPerWakeup = 4;
constexpr auto kTlsShutdownGrace = std::chrono::seconds(2);

// The read buffer, one per thread and shared by all of its streams: a read
// lands here and goes to the handler at once, so no connection needs a buffer
// of its own while it waits. `inUse` guards the one case of sharing: a handler
// that makes another stream of the same thread read while it handles bytes.
struct SharedReadBuffer {
  std::array<char, kReadBufferSize> bytes;
  bool inUse = false;
};

SharedReadBuffer& sharedReadBuffer() {
  thread_local SharedReadBuffer buffer;
  return buffer;
}

class BufferLease {
 public:
  explicit BufferLease(SharedReadBuffer& buffer) : buffer_(buffer) { buffer_.inUse = true; }
  ~BufferLease() { buffer_.inUse = false; }
  BufferLease(const BufferLease&) = delete;
  BufferLease& operator=(const BufferLease&) = delete;

 private:
  SharedReadBuffer& buffer_;
};

// Marks a call that came from the stream's owner (send, close, ...), not from
// the loop. Such a call never calls the handler back: a handler must not find
// itself closed or switched to TLS in the middle of its own send().
class CallerScope {
 public:
  explicit CallerScope(int& depth) : depth_(depth) { ++depth_; }
  ~CallerScope() { --depth_; }
  CallerScope(const CallerScope&) = delete;
  CallerScope& operator=(const CallerScope&) = delete;

 private:
  int& depth_;
};

std::string endpointAddress(const asio::ip::tcp::endpoint& ep) {
  return ep.address().to_string();
}
// The peer of an accepted Unix-domain connection is unnamed: "unix".
std::string endpointAddress(const asio::local::stream_protocol::endpoint& ep) {
  std::string path = ep.path();
  return path.empty() ? "unix" : path;
}

// Releases a string's heap block, which clear() keeps.
void release(std::string& s) {
  std::string().swap(s);
}

}  // namespace

template <class Protocol>
StreamCore<Protocol>::StreamCore(Socket socket) : socket_(std::move(socket)) {
  error_code ec;
  auto remote = socket_.remote_endpoint(ec);
  if (!ec) remote_ = endpointAddress(remote);
  auto local = socket_.local_endpoint(ec);
  if (!ec) local_ = endpointAddress(local);
  if constexpr (std::is_same_v<Protocol, asio::ip::tcp>) {
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  }
  // Reads and writes are attempted directly and report would_block; Asio
  // only tells when to try again.
  socket_.non_blocking(true, ec);
}

template <class Protocol>
void StreamCore<Protocol>::start(ByteStreamHandler* handler,
                                 std::shared_ptr<TlsServerContext> directTls) {
  auto self = this->shared_from_this();
  const CallerScope scope(callerDepth_);
  handler_ = handler;
  started_ = true;
  if (directTls) {
    serverCtx_ = std::move(directTls);
    tlsAsServer_ = true;
    phase_ = Phase::tlsPending;
    plainEnd_ = 0;
  }
  drive(false);
}

template <class Protocol>
void StreamCore<Protocol>::send(std::string_view bytes) {
  if (phase_ == Phase::closed || closing_ || bytes.empty()) return;
  out_.append(bytes);
  if (writeWaiting_) return;  // the socket's writability drives the queue
  if (phase_ == Phase::plain || phase_ == Phase::tls) {
    // Coalesce: everything queued during this turn of the loop (a burst of
    // stanzas to one recipient, a reply and its pushes) leaves in one TLS
    // record and one send() when the turn ends, instead of one each.
    postFlush();
    return;
  }
  auto self = this->shared_from_this();
  const CallerScope scope(callerDepth_);
  drive(false);
}

template <class Protocol>
void StreamCore<Protocol>::postFlush() {
  if (flushPosted_) return;
  flushPosted_ = true;
  asio::post(socket_.get_executor(), [self = this->shared_from_this()] {
    self->flushPosted_ = false;
    if (!self->writeWaiting_) self->drive(false);
  });
}

template <class Protocol>
void StreamCore<Protocol>::startTls(std::shared_ptr<TlsServerContext> context) {
  if (phase_ != Phase::plain) return;
  serverCtx_ = std::move(context);
  tlsAsServer_ = true;
  phase_ = Phase::tlsPending;
  plainEnd_ = out_.size();  // e.g. <proceed/>: plaintext, before the handshake
  auto self = this->shared_from_this();
  const CallerScope scope(callerDepth_);
  drive(false);
}

template <class Protocol>
void StreamCore<Protocol>::startTlsClient(std::shared_ptr<TlsClientContext> context,
                                          std::string serverName) {
  if (phase_ != Phase::plain) return;
  clientCtx_ = std::move(context);
  serverName_ = std::move(serverName);
  tlsAsServer_ = false;
  phase_ = Phase::tlsPending;
  plainEnd_ = out_.size();
  auto self = this->shared_from_this();
  const CallerScope scope(callerDepth_);
  drive(false);
}

template <class Protocol>
void StreamCore<Protocol>::close() {
  if (phase_ == Phase::closed || closing_) return;
  closing_ = true;
  auto self = this->shared_from_this();
  const CallerScope scope(callerDepth_);
  drive(false);
}

// abort() reports onClosed at once, as it always did: the caller asked for it.
template <class Protocol>
void StreamCore<Protocol>::abort(std::string_view reason) {
  const int depth = callerDepth_;
  callerDepth_ = 0;
  finish(reason);
  callerDepth_ = depth;
}

template <class Protocol>
void StreamCore<Protocol>::detach() {
  handler_ = nullptr;
  // What the owner sent last (a stream error before dropping the stream)
  // still gets the socket's one chance to take it.
  if (phase_ == Phase::plain || phase_ == Phase::tls) writeQueued();
  finish("detached");
}

// Makes all the progress the socket allows, then waits for what is missing.
// `mayRead` is false when called from the caller's side (send, close, ...):
// reading there would hand bytes to a handler that is still inside a call.
template <class Protocol>
void StreamCore<Protocol>::drive(bool mayRead) {
  if (phase_ == Phase::closed) return;
  unsigned need = writeQueued();
  if (phase_ == Phase::tlsPending && outSent_ == plainEnd_) {
    if (closing_) {
      beginShutdown();  // closed before TLS started: no handshake just to close
      return;
    }
    need = beginHandshake(mayRead);
  } else if (phase_ == Phase::handshaking && mayRead) {
    need |= continueHandshake();
  }
  if (phase_ == Phase::closed) return;
  if (closing_ && (phase_ == Phase::plain || phase_ == Phase::tls) && out_.empty()) {
    beginShutdown();
  }
  if (phase_ == Phase::tlsClosing) {
    need |= continueShutdown(mayRead);
  } else if (readsWanted()) {
    need |= mayRead ? readAvailable() : kRead;
  }
  waitFor(need);
}

template <class Protocol>
bool StreamCore<Protocol>::readsWanted() const {
  return started_ && handler_ != nullptr && !closing_ &&
         (phase_ == Phase::plain || phase_ == Phase::tls);
}

template <class Protocol>
std::size_t StreamCore<Protocol>::sendableEnd() const {
  switch (phase_) {
    case Phase::plain:
    case Phase::tls: return out_.size();
    case Phase::tlsPending: return plainEnd_;
    default: return outSent_;
  }
}

template <class Protocol>
unsigned StreamCore<Protocol>::writeQueued() {
  unsigned need = kNone;
  const std::size_t end = sendableEnd();
  if (outSent_ < end) outSent_ += writeSome(out_.data() + outSent_, end - outSent_, need);
  if (phase_ == Phase::closed) return kNone;
  if (outSent_ == out_.size() && !out_.empty()) {
    // Drained after a burst: give the memory back, an idle queue holds none.
    release(out_);
    outSent_ = 0;
    plainEnd_ = 0;
  }
  return need;
}

template <class Protocol>
std::size_t StreamCore<Protocol>::writeSome(const char* data, std::size_t size, unsigned& need) {
  std::size_t done = 0;
  while (done < size) {
    if (phase_ == Phase::tls) {
      const TlsResult r = tls_->write(data + done, size - done);
      if (r.status == TlsStatus::ok) {
        done += r.bytes;
        continue;
      }
      if (r.status == TlsStatus::wantWrite) need |= kWrite;
      if (r.status == TlsStatus::wantRead) need |= kRead;
      if (r.status == TlsStatus::closed || r.status == TlsStatus::failed) {
        finish("write failed: " + tls_->error());
      }
      break;
    }
    error_code ec;
    const std::size_t n = socket_.write_some(asio::buffer(data + done, size - done), ec);
    if (ec == asio::error::would_block) {
      need |= kWrite;
      break;
    }
    if (ec) {
      finish("write failed: " + ec.message());
      break;
    }
    done += n;
  }
  stats_.bytesOut += done;
  return done;
}

template <class Protocol>
unsigned StreamCore<Protocol>::readAvailable() {
  SharedReadBuffer& buffer = sharedReadBuffer();
  if (buffer.inUse) {
    postRead();  // another stream's bytes are in the buffer, still being handled
    return kNone;
  }
  for (int i = 0; i < kReadsPerWakeup; ++i) {
    if (!readsWanted()) return kNone;  // the handler closed, or started TLS
    std::size_t n = 0;
    if (phase_ == Phase::tls) {
      const TlsResult r = tls_->read(buffer.bytes.data(), buffer.bytes.size());
      switch (r.status) {
        case TlsStatus::ok: n = r.bytes; break;
        case TlsStatus::wantRead: return kRead;
        case TlsStatus::wantWrite: return kWrite;  // e.g. answering a KeyUpdate
        case TlsStatus::closed: finish("peer closed the connection"); return kNone;
        case TlsStatus::failed: finish("TLS read failed: " + tls_->error()); return kNone;
      }
    } else {
      error_code ec;
      n = socket_.read_some(asio::buffer(buffer.bytes), ec);
      if (ec == asio::error::would_block) return kRead;
      if (ec) {
        finish(ec == asio::error::eof ? "peer closed the connection" : ec.message());
        return kNone;
      }
    }
    stats_.bytesIn += n;
    const BufferLease lease(buffer);
    handler_->onBytes(std::string_view(buffer.bytes.data(), n));
    if (phase_ == Phase::closed) return kNone;
  }
  postRead();  // there may be more; let the other connections go first
  return kNone;
}

template <class Protocol>
unsigned StreamCore<Protocol>::beginHandshake(bool fromLoop) {
  out_.erase(0, outSent_);  // what is left was queued for after the handshake
  if (out_.empty()) release(out_);
  outSent_ = 0;
  plainEnd_ = 0;
  auto* context =
      static_cast<SSL_CTX*>(tlsAsServer_ ? serverCtx_->nativeHandle() : clientCtx_->nativeHandle());
  tls_ = TlsConnection::create(context, socket_.native_handle(), tlsAsServer_, serverName_);
  release(serverName_);
  if (!tls_) {
    finish("TLS handshake failed: cannot set up the connection");
    return kNone;
  }
  phase_ = Phase::handshaking;
  if (fromLoop) return continueHandshake();
  // From the owner's call (typically inside its onBytes): the handshake may
  // finish at once on loopback, and onTlsEstablished must not run nested.
  postRead();
  return kNone;
}

template <class Protocol>
unsigned StreamCore<Protocol>::continueHandshake() {
  const TlsResult r = tls_->handshake();
  switch (r.status) {
    case TlsStatus::ok: break;
    case TlsStatus::wantRead: return kRead;
    case TlsStatus::wantWrite: return kWrite;
    case TlsStatus::closed:
    case TlsStatus::failed: finish("TLS handshake failed: " + tls_->error()); return kNone;
  }
  phase_ = Phase::tls;
  tlsUp_ = true;
  if (handler_ != nullptr) handler_->onTlsEstablished();
  if (phase_ != Phase::tls) return kNone;  // the handler closed
  return writeQueued();
}

template <class Protocol>
void StreamCore<Protocol>::beginShutdown() {
  if (phase_ == Phase::tls) {
    // close_notify, then wait briefly for the peer's: closing at once with
    // unread bytes would make the kernel reset the connection, and the peer
    // could lose what we sent last.
    phase_ = Phase::tlsClosing;
    shutdownTimer_.emplace(socket_.get_executor());
    shutdownTimer_->expires_after(kTlsShutdownGrace);
    auto self = this->shared_from_this();
    shutdownTimer_->async_wait([self](const error_code& ec) {
      if (!ec) self->finish("closed (TLS shutdown timed out)");
    });
    return;
  }
  error_code ec;
  socket_.shutdown(Socket::shutdown_both, ec);
  finish("closed");
}

template <class Protocol>
unsigned StreamCore<Protocol>::continueShutdown(bool mayRead) {
  if (!closeNotifySent_) {
    const TlsResult r = tls_->shutdown();
    switch (r.status) {
      case TlsStatus::ok: break;
      case TlsStatus::wantRead: return kRead;
      case TlsStatus::wantWrite: return kWrite;
      case TlsStatus::closed:
      case TlsStatus::failed: finish("closed"); return kNone;
    }
    closeNotifySent_ = true;
    error_code ec;
    socket_.shutdown(Socket::shutdown_send, ec);
  }
  if (!mayRead) return kRead;
  SharedReadBuffer& buffer = sharedReadBuffer();
  if (buffer.inUse) {
    postRead();
    return kNone;
  }
  // Read (and drop: the caller asked to close) until the peer's close_notify.
  for (int i = 0; i < kReadsPerWakeup; ++i) {
    const TlsResult r = tls_->read(buffer.bytes.data(), buffer.bytes.size());
    switch (r.status) {
      case TlsStatus::ok: continue;
      case TlsStatus::wantRead: return kRead;
      case TlsStatus::wantWrite: return kWrite;
      case TlsStatus::closed:
      case TlsStatus::failed: finish("closed"); return kNone;
    }
  }
  postRead();
  return kNone;
}

template <class Protocol>
void StreamCore<Protocol>::waitFor(unsigned need) {
  if (phase_ == Phase::closed) return;
  if ((need & kRead) != 0 && tls_ && tls_->hasPendingPlaintext()) {
    postRead();  // already decrypted: the socket will not say so
    need &= ~static_cast<unsigned>(kRead);
  }
  if ((need & kRead) != 0 && !readWaiting_) {
    readWaiting_ = true;
    socket_.async_wait(Socket::wait_read, [self = this->shared_from_this()](const error_code& ec) {
      self->readWaiting_ = false;
      self->onReady(ec);
    });
  }
  if ((need & kWrite) != 0 && !writeWaiting_) {
    writeWaiting_ = true;
    socket_.async_wait(Socket::wait_write, [self = this->shared_from_this()](const error_code& ec) {
      self->writeWaiting_ = false;
      self->onReady(ec);
    });
  }
}

template <class Protocol>
void StreamCore<Protocol>::onReady(const error_code& ec) {
  if (phase_ == Phase::closed || ec == asio::error::operation_aborted) return;
  if (ec) {
    finish(ec.message());
    return;
  }
  drive(true);
}

template <class Protocol>
void StreamCore<Protocol>::postRead() {
  if (readPosted_) return;
  readPosted_ = true;
  asio::post(socket_.get_executor(), [self = this->shared_from_this()] {
    self->readPosted_ = false;
    self->drive(true);
  });
}

template <class Protocol>
void StreamCore<Protocol>::finish(std::string_view reason) {
  if (phase_ == Phase::closed) return;
  phase_ = Phase::closed;
  if (shutdownTimer_) shutdownTimer_->cancel();
  error_code ec;
  socket_.close(ec);
  release(out_);
  outSent_ = 0;
  if (callerDepth_ > 0) {
    // Inside the owner's call: report from the loop (the owner may drop the
    // stream meanwhile; detach() then clears handler_ and nothing is reported).
    asio::post(socket_.get_executor(),
               [self = this->shared_from_this(), why = std::string(reason)] {
                 auto* handler = self->handler_;
                 self->handler_ = nullptr;
                 if (handler != nullptr) handler->onClosed(why);
               });
    return;
  }
  auto* handler = handler_;
  handler_ = nullptr;
  if (handler != nullptr) handler->onClosed(reason);
}

template <class Protocol>
std::string StreamCore<Protocol>::tlsExporter() const {
  return tls_ && tlsUp_ ? tls_->exporter() : std::string();
}

template <class Protocol>
std::string StreamCore<Protocol>::tlsUnique() const {
  return tls_ && tlsUp_ ? tls_->unique() : std::string();
}

template <class Protocol>
std::string StreamCore<Protocol>::tlsVersion() const {
  return tls_ && tlsUp_ ? tls_->version() : std::string();
}

template <class Protocol>
std::string StreamCore<Protocol>::sniName() const {
  return tls_ ? tls_->sniName() : std::string();
}

template <class Protocol>
std::vector<std::string> StreamCore<Protocol>::peerCertificateChain() const {
  return tls_ && tlsUp_ ? tls_->peerCertificateChain() : std::vector<std::string>();
}

template class StreamCore<asio::ip::tcp>;
template class StreamCore<asio::local::stream_protocol>;

}  // namespace keyfed::net
