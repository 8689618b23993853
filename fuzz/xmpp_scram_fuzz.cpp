// The SASL parsers on arbitrary bytes: SCRAM server and client state
// machines, PLAIN, and base64. The input is split at the first 0xFF byte into
// two protocol messages.

#include "keyfed/xmpp/plain.hpp"
#include "keyfed/xmpp/scram.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using namespace keyfed::xmpp;

const ScramCredentials& credentials() {
  // One iteration keeps the fuzzer fast; the code path is the same.
  static const ScramCredentials c = *deriveScramCredentials(ScramHash::sha1, "pencil", "salt", 1);
  return c;
}

void server(std::string_view first, std::string_view final, bool plus) {
  ScramServerConfig cfg;
  cfg.hash = ScramHash::sha1;
  cfg.plus = plus;
  cfg.plusOffered = true;
  cfg.channelBindings = {ChannelBinding{std::string(kTlsExporter), "exporter-bytes"}};
  cfg.nonce = [] { return std::string("srv"); };
  ScramServer s(cfg);
  auto r = s.handleClientFirst(first, [](std::string_view user) {
    return user == "user" ? std::optional<ScramCredentials>(credentials()) : std::nullopt;
  });
  if (!r) return;
  (void)s.handleClientFinal(final);
}

void client(std::string_view first, std::string_view final) {
  ScramClientConfig cfg;
  cfg.hash = ScramHash::sha1;
  cfg.username = "user";
  cfg.password = "pencil";
  cfg.maxIterations = 16;
  cfg.nonce = [] { return std::string("cli"); };
  ScramClient c(cfg);
  c.clientFirst();
  if (!c.handleServerFirst(first)) return;
  (void)c.handleServerFinal(final);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  std::size_t split = in.find('\xFF');
  std::string_view a = in.substr(0, split);
  std::string_view b = split == std::string_view::npos ? std::string_view() : in.substr(split + 1);
  switch (data[0] % 5) {
    case 0: server(a, b, false); break;
    case 1: server(a, b, true); break;
    case 2: client(a, b); break;
    case 3: {
      auto m = parsePlain(in);
      if (m && (m->authcid.empty() || m->password.empty())) std::abort();
      break;
    }
    default: {
      auto d = base64Decode(in);
      if (d && base64Encode(*d) != in) std::abort();  // strict decoding is canonical
      break;
    }
  }
  return 0;
}
