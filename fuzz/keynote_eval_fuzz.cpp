// libFuzzer target: the KeyNote evaluator. The input holds, separated by NUL
// bytes: assertions (blank-line separated; even ones trusted, odd ones
// untrusted), an action attribute file, requesting principals (one per
// line) and compliance values (comma separated). The query and its
// explanation must finish in bounded time without a crash, and agree.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "keynote/keynote.hpp"

namespace {

// Keys are "fuzzkey:<text>" (case-insensitive text: two spellings of one key);
// a signature "sig-fuzz:ok" verifies, anything else does not.
class FuzzCrypto : public keynote::CryptoProvider {
 public:
  std::optional<std::string> canonicalKey(std::string_view principal) const override {
    if (principal.substr(0, 8) != "fuzzkey:") return std::nullopt;
    std::string out = "fuzz:";
    for (char c : principal.substr(8)) out.push_back(c >= 'A' && c <= 'Z' ? c + 32 : c);
    return out;
  }
  keynote::SignatureCheck verify(std::string_view, std::string_view authorizer,
                                 std::string_view signature) const override {
    if (!canonicalKey(authorizer)) return keynote::SignatureCheck::Malformed;
    return signature == "sig-fuzz:ok" ? keynote::SignatureCheck::Verified
                                      : keynote::SignatureCheck::BadSignature;
  }
};

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    std::size_t at = text.find(separator, start);
    out.push_back(
        text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > std::size_t{128} * 1024) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto parts = split(input, '\0');
  parts.resize(4);

  static FuzzCrypto crypto;
  keynote::Limits limits;
  limits.maxAssertions = 256;
  keynote::Session session(crypto, limits);

  const auto pieces = keynote::splitAssertions(parts[0]);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    (void)session.addAssertion(pieces[i].text,
                               i % 2 == 0 ? keynote::Trust::Trusted : keynote::Trust::Untrusted);
  }
  if (auto attributes = keynote::parseAttributeFile(parts[1])) {
    for (const auto& [name, value] : *attributes) (void)session.setAction(name, value);
  }
  for (std::string_view line : split(parts[2], '\n')) {
    if (!line.empty()) (void)session.addAuthorizer(line);
  }
  std::vector<std::string_view> values;
  for (std::string_view v : split(parts[3], ',')) {
    if (values.size() < 8) values.push_back(v);
  }
  if (parts[3].empty()) values = {"false", "maybe", "true"};

  auto result = session.query(std::span<const std::string_view>(values));
  auto again = session.query(std::span<const std::string_view>(values));
  auto explained = session.explain(std::span<const std::string_view>(values));
  if (result.ok() != again.ok() || result.ok() != explained.ok()) __builtin_trap();
  if (result) {
    // Deterministic, in range, and the explanation agrees with the query.
    if (*result >= values.size() || *again != *result || explained->value != *result) {
      __builtin_trap();
    }
    (void)explained->text();
  }
  (void)session.failures();
  // Removing assertions never raises the answer (monotonicity).
  if (result && !session.assertionIds().empty()) {
    session.removeAssertion(session.assertionIds().back());
    auto after = session.query(std::span<const std::string_view>(values));
    if (!after || *after > *result) __builtin_trap();
  }
  return 0;
}
