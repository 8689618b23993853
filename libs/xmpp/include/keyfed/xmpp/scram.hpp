#pragma once
// SCRAM-SHA-1 and SCRAM-SHA-256 (RFC 5802, RFC 7677), with -PLUS channel
// binding: tls-exporter (RFC 9266) and tls-server-end-point (RFC 5929).
// Built on OpenSSL PBKDF2/HMAC/digests (docs/sasl.md says why).
//
// The server side never sees a password: it is given stored credentials
// {salt, iterations, StoredKey, ServerKey}. Secrets are compared with
// CRYPTO_memcmp, nonces come from RAND_bytes, every message is parsed strictly
// and is length-limited. Failures are base::Error with code "sasl.<condition>"
// (see sasl.hpp: saslConditionOf).

#include "keyfed/base/result.hpp"
#include "keyfed/xmpp/sasl.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyfed::xmpp {

enum class ScramHash { sha1, sha256 };

// "SCRAM-SHA-1", "SCRAM-SHA-256-PLUS", ...
std::string_view scramMechanismName(ScramHash hash, bool plus);
struct ScramMechanism {
  ScramHash hash;
  bool plus;
};
std::optional<ScramMechanism> parseScramMechanism(std::string_view name);
std::size_t scramHashSize(ScramHash hash);  // 20 or 32

inline constexpr std::uint32_t kScramMinIterations = 4096;  // RFC 5802 / 7677 advice
inline constexpr std::uint32_t kScramMaxIterations = 10'000'000;

// What the server stores per account and mechanism hash. All byte strings are raw.
struct ScramCredentials {
  ScramHash hash = ScramHash::sha256;
  std::string salt;
  std::uint32_t iterations = 0;
  std::string storedKey;  // H(HMAC(SaltedPassword, "Client Key"))
  std::string serverKey;  // HMAC(SaltedPassword, "Server Key")
};

// SaltedPassword = Hi(SASLprep(password), salt, iterations), then the two keys.
// Errors: sasl.malformed-request (password fails SASLprep, empty salt,
// iterations outside [1, kScramMaxIterations]).
base::Result<ScramCredentials> deriveScramCredentials(ScramHash hash, std::string_view password,
                                                      std::string_view salt,
                                                      std::uint32_t iterations);
// As above with a fresh random 16-byte salt.
base::Result<ScramCredentials> makeScramCredentials(ScramHash hash, std::string_view password,
                                                    std::uint32_t iterations = kScramMinIterations);
std::string randomBytes(std::size_t n);  // RAND_bytes; aborts if the CSPRNG fails

// Channel binding data the TLS layer can provide for this connection.
struct ChannelBinding {
  std::string type;  // "tls-exporter" or "tls-server-end-point"
  std::string data;  // raw bytes (exporter output / certificate hash)
};
inline constexpr std::string_view kTlsExporter = "tls-exporter";
inline constexpr std::string_view kTlsServerEndPoint = "tls-server-end-point";

struct ScramServerConfig {
  ScramHash hash = ScramHash::sha256;
  bool plus = false;         // the client selected the -PLUS mechanism
  bool plusOffered = false;  // -PLUS mechanisms were advertised (downgrade detection)
  std::vector<ChannelBinding> channelBindings;  // usable on this connection
  std::size_t maxMessageBytes = 4096;
  // Produces the server nonce part (printable ASCII without ','); default:
  // 24 base64 characters from RAND_bytes. Tests inject fixed nonces.
  std::function<std::string()> nonce;
  // Decides whether `username` may act as non-empty `authzid`. Unset: every
  // non-empty authzid is refused with invalid-authzid (fail closed).
  std::function<bool(std::string_view username, std::string_view authzid)> authorize;
};

using ScramCredentialLookup =
    std::function<std::optional<ScramCredentials>(std::string_view username)>;

class ScramServer {
 public:
  explicit ScramServer(ScramServerConfig config);

  // Step 1: parse client-first-message. Afterwards username() and authzid()
  // are known, so the caller can fetch credentials (possibly asynchronously).
  base::Result<void> receiveClientFirst(std::string_view message);
  // Step 2: server-first-message from the account's stored credentials.
  // nullopt (unknown user) continues with made-up credentials and fails in
  // step 3 with not-authorized, so a client cannot probe for accounts.
  base::Result<std::string> serverFirst(const std::optional<ScramCredentials>& credentials);
  // Steps 1 and 2 with a synchronous lookup.
  base::Result<std::string> handleClientFirst(std::string_view message,
                                              const ScramCredentialLookup& lookup);
  // Step 3: verify client-final-message; returns server-final-message ("v=...").
  base::Result<std::string> handleClientFinal(std::string_view message);

  const std::string& username() const { return username_; }  // as sent (=2C/=3D decoded)
  const std::string& authzid() const { return authzid_; }
  const std::string& channelBindingType() const { return cbType_; }  // "" without binding
  bool succeeded() const { return state_ == State::done; }
  std::optional<SaslCondition> failure() const { return failure_; }

 private:
  enum class State { start, firstReceived, firstSent, done, failed };
  base::Failure failWith(SaslCondition condition, std::string message);

  ScramServerConfig config_;
  State state_ = State::start;
  std::optional<SaslCondition> failure_;
  std::string username_;
  std::string authzid_;
  std::string cbType_;
  std::string gs2Header_;
  std::string cbData_;
  std::string clientFirstBare_;
  std::string serverFirst_;
  std::string nonce_;  // client nonce + server nonce
  ScramCredentials credentials_;
  bool knownUser_ = false;
};

// Client side, for tests and the load generator.
struct ScramClientConfig {
  ScramHash hash = ScramHash::sha256;
  std::string username;
  std::string password;
  std::string authzid;
  // Set to bind (selects the -PLUS mechanism, flag "p=type").
  std::optional<ChannelBinding> binding;
  // When not binding: whether the server advertised -PLUS (flag "y" vs "n").
  bool serverOffersPlus = false;
  std::function<std::string()> nonce;  // default: random
  // Refuse a server asking for more iterations (a malicious server could make
  // the client spin).
  std::uint32_t maxIterations = 1'000'000;
  // Optional cache: SaltedPassword computed earlier for the same salt and
  // iterations skips PBKDF2 (the load generator logs in many times).
  std::string cachedSalt;
  std::uint32_t cachedIterations = 0;
  std::string cachedSaltedPassword;
};

class ScramClient {
 public:
  explicit ScramClient(ScramClientConfig config);

  std::string_view mechanism() const;  // e.g. "SCRAM-SHA-256-PLUS"
  std::string clientFirst();
  base::Result<std::string> handleServerFirst(std::string_view message);  // -> client-final
  base::Result<void> handleServerFinal(std::string_view message);         // verifies the server
  const std::string& saltedPassword() const { return saltedPassword_; }
  const std::string& salt() const { return salt_; }
  std::uint32_t iterations() const { return iterations_; }

 private:
  ScramClientConfig config_;
  std::string gs2Header_;
  std::string clientNonce_;
  std::string clientFirstBare_;
  std::string authMessage_;
  std::string saltedPassword_;
  std::string salt_;
  std::uint32_t iterations_ = 0;
  bool firstSent_ = false;
  bool finalSent_ = false;
};

}  // namespace keyfed::xmpp
