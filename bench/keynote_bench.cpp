// KeyNote engine benchmarks (issue #3), queries per second on one core:
//  (a) POLICY + a chain of 5 signed credentials: warm (session loaded,
//      signatures already verified) and cold (a new session per query: parse
//      six assertions, verify five signatures with the signature cache
//      cleared, evaluate);
//  (b) 1000 unsigned POLICY assertions, each licensing a different principal
//      with a regex condition, queried by the last principal;
//  (c) the same with == conditions.

#include <benchmark/benchmark.h>

#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "keynote/keynote.hpp"
#include "keynote/keys.hpp"

namespace {

constexpr std::array<std::string_view, 2> kValues{"false", "true"};

struct Chain {
  std::string policy;
  std::vector<std::string> credentials;  // signed
  std::string requester;
};

// POLICY -> k0 -> k1 -> ... -> k5 (the requester), five signed credentials.
Chain makeChain(std::string_view keyAlgorithm, int bits, std::string_view sigAlgorithm) {
  std::vector<keynote::KeyPair> keys;
  for (int i = 0; i < 6; ++i) {
    auto k = keynote::generateKey(keyAlgorithm, bits);
    if (!k) {
      std::fprintf(stderr, "keygen: %s\n", k.error().describe().c_str());
      std::abort();
    }
    keys.push_back(*k);
  }
  Chain c;
  c.policy = "KeyNote-Version: 2\nAuthorizer: \"POLICY\"\nLicensees: \"" + keys[0].publicKey +
             "\"\nConditions: app_domain == \"XMPP\" && @size < 30000;\n";
  for (int i = 0; i < 5; ++i) {
    std::string text =
        "KeyNote-Version: 2\nAuthorizer: \"" + keys[i].publicKey + "\"\nLicensees: \"" +
        keys[i + 1].publicKey +
        "\"\nConditions: app_domain == \"XMPP\" && peer ~= \"\\\\.example\\\\.org$\";"
        "\nSignature:";
    auto sig = keynote::signAssertion(text, sigAlgorithm, keys[i].privateKey);
    if (!sig) {
      std::fprintf(stderr, "sign: %s\n", sig.error().describe().c_str());
      std::abort();
    }
    c.credentials.push_back(text + " \"" + *sig + "\"\n");
  }
  c.requester = keys[5].publicKey;
  return c;
}

void setFacts(keynote::Session& s) {
  (void)s.setAction("app_domain", "XMPP");
  (void)s.setAction("size", "4096");
  (void)s.setAction("peer", "server.example.org");
}

void loadChain(keynote::Session& s, const Chain& c) {
  (void)s.addAssertion(c.policy, keynote::Trust::Trusted);
  for (const std::string& cred : c.credentials)
    (void)s.addAssertion(cred, keynote::Trust::Untrusted);
  (void)s.addAuthorizer(c.requester);
  setFacts(s);
}

const Chain& chain(int which) {
  static const Chain rsa = makeChain("rsa-hex:", 2048, "sig-rsa-sha256-hex:");
  static const Chain ed = makeChain("ed25519-hex:", 256, "sig-ed25519-sha512-hex:");
  static const Chain rsa1 = makeChain("rsa-base64:", 1024, "sig-rsa-sha1-base64:");
  return which == 0 ? rsa : which == 1 ? ed : rsa1;
}

const char* chainName(int which) {
  return which == 0 ? "rsa2048-sha256" : which == 1 ? "ed25519" : "rsa1024-sha1";
}

void BM_ChainWarm(benchmark::State& state) {
  const Chain& c = chain(static_cast<int>(state.range(0)));
  keynote::Session s(keynote::defaultCryptoProvider());
  loadChain(s, c);
  if (*s.query(kValues) != 1) state.SkipWithError("chain does not grant");
  for (auto _ : state) {
    auto r = s.query(kValues);
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(chainName(static_cast<int>(state.range(0))));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ChainWarm)->Arg(0)->Arg(1)->Arg(2);

// A new session per query with every signature verified again; with
// `clearKeys` the decoded public keys are forgotten too (the first
// credentials a server ever sees from these authorizers).
void chainCold(benchmark::State& state, bool clearKeys) {
  const Chain& c = chain(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    keynote::clearSignatureCache();
    if (clearKeys) keynote::clearKeyCache();
    keynote::Session s(keynote::defaultCryptoProvider());
    loadChain(s, c);
    auto r = s.query(kValues);
    if (!r || *r != 1) state.SkipWithError("chain does not grant");
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(chainName(static_cast<int>(state.range(0))));
  state.SetItemsProcessed(state.iterations());
}
void BM_ChainCold(benchmark::State& state) {
  chainCold(state, false);
}
BENCHMARK(BM_ChainCold)->Arg(0)->Arg(1)->Arg(2);
void BM_ChainColdNoKeyCache(benchmark::State& state) {
  chainCold(state, true);
}
BENCHMARK(BM_ChainColdNoKeyCache)->Arg(0)->Arg(1)->Arg(2);

// Cold session, warm signature cache: a credential presented again.
void BM_ChainColdCachedSignatures(benchmark::State& state) {
  const Chain& c = chain(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    keynote::Session s(keynote::defaultCryptoProvider());
    loadChain(s, c);
    auto r = s.query(kValues);
    benchmark::DoNotOptimize(r);
  }
  state.SetLabel(chainName(static_cast<int>(state.range(0))));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ChainColdCachedSignatures)->Arg(0);

void manyPolicies(benchmark::State& state, bool regex) {
  keynote::Session s(keynote::defaultCryptoProvider());
  const int n = 1000;
  for (int i = 0; i < n; ++i) {
    const std::string id = std::to_string(i);
    std::string conditions =
        regex ? "app_domain == \"XMPP\" && peer ~= \"^server" + id + "\\\\.example\\\\.org$\";"
              : "app_domain == \"XMPP\" && peer == \"server" + id + ".example.org\";";
    std::string text = "Authorizer: \"POLICY\"\nLicensees: \"user" + id + "@example.org\"\n";
    text += "Conditions: ";
    text += conditions;
    text += "\n";
    (void)s.addAssertion(text, keynote::Trust::Trusted);
  }
  (void)s.addAuthorizer("user" + std::to_string(n - 1) + "@example.org");
  (void)s.setAction("app_domain", "XMPP");
  (void)s.setAction("peer", "server" + std::to_string(n - 1) + ".example.org");
  if (*s.query(kValues) != 1) state.SkipWithError("policy does not grant");
  for (auto _ : state) {
    auto r = s.query(kValues);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ThousandPoliciesRegex(benchmark::State& state) {
  manyPolicies(state, true);
}
void BM_ThousandPoliciesEquality(benchmark::State& state) {
  manyPolicies(state, false);
}
BENCHMARK(BM_ThousandPoliciesRegex);
BENCHMARK(BM_ThousandPoliciesEquality);

void BM_ParseCredential(benchmark::State& state) {
  const Chain& c = chain(0);
  for (auto _ : state) {
    auto a = keynote::parseAssertion(c.credentials[0]);
    benchmark::DoNotOptimize(a);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(c.credentials[0].size()));
}
BENCHMARK(BM_ParseCredential);

// The cost of one key principal's canonical identity (paid once per key
// spelling per session).
void BM_CanonicalKey(benchmark::State& state) {
  const Chain& c = chain(static_cast<int>(state.range(0)));
  const keynote::CryptoProvider& crypto = keynote::defaultCryptoProvider();
  for (auto _ : state) {
    auto k = crypto.canonicalKey(c.requester);
    benchmark::DoNotOptimize(k);
  }
  state.SetLabel(chainName(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_CanonicalKey)->Arg(0)->Arg(1)->Arg(2);

}  // namespace

BENCHMARK_MAIN();
