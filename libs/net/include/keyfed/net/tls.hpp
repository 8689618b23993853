#pragma once
// TLS configuration: one server context holding a certificate per virtual
// host (chosen by SNI), TLS 1.2+ only, a modern cipher list. Owns OpenSSL
// objects; OpenSSL and Asio types stay out of this header.

#include <memory>
#include <string>
#include <vector>

#include "keyfed/base/result.hpp"

namespace keyfed::net {

struct TlsIdentity {
  std::string domain;           // SNI name it answers to ("" = default)
  std::string certificateFile;  // PEM chain
  std::string keyFile;          // PEM private key
};

struct TlsSettings {
  std::string minVersion = "1.2";  // "1.2" or "1.3"
  std::string ciphers;             // TLS 1.2 cipher list; empty = built-in modern list
  // Ask the peer for a certificate (s2s: the peer server's own certificate is
  // the evidence for SASL EXTERNAL and the "trusted" rung). Any certificate, or
  // none, is accepted during the handshake: the caller checks it afterwards
  // (CertificateVerifier), so a bad certificate becomes a fact, not a failure.
  bool requestPeerCertificate = false;
};

class TlsServerContext {
 public:
  // The first identity is the default when a client sends no or an unknown SNI.
  static base::Result<std::shared_ptr<TlsServerContext>> create(
      const std::vector<TlsIdentity>& identities, const TlsSettings& settings);
  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

  // The default SSL_CTX*, for libs/net internals.
  [[nodiscard]] void* nativeHandle() const;

 private:
  struct Impl;
  explicit TlsServerContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Client side (outgoing s2s, the load generator, tests). Peer verification
// is optional here: s2s gathers certificate facts and lets the policy decide.
struct TlsClientSettings {
  std::string caFile;       // CA bundle; empty = system default paths
  bool verifyPeer = false;  // fail the handshake when the chain does not verify
  std::string minVersion = "1.2";
  // Our own certificate, presented when the server asks (outgoing s2s: the
  // peer authenticates us with it). Both empty: none.
  std::string certificateFile;  // PEM chain
  std::string keyFile;          // PEM private key
};

class TlsClientContext {
 public:
  static base::Result<std::shared_ptr<TlsClientContext>> create(const TlsClientSettings& settings);
  ~TlsClientContext();
  TlsClientContext(const TlsClientContext&) = delete;
  TlsClientContext& operator=(const TlsClientContext&) = delete;
  [[nodiscard]] void* nativeHandle() const;  // SSL_CTX*, for libs/net internals

 private:
  struct Impl;
  explicit TlsClientContext(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace keyfed::net
