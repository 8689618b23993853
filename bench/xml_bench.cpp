// Per-stanza costs of the xml and xmpp libraries: parse and serialise
// throughput for typical stanzas, heap allocations per stanza, JID
// preparation, and the server side of a SCRAM login.
//
//   build-rel/bin/bench/xml_bench --benchmark_counters_tabular=true

#include "keyfed/xml/stream_parser.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/jid.hpp"
#include "keyfed/xmpp/scram.hpp"

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

// Counting allocator: every operator new in this binary goes through here, so
// the benchmarks can report allocations per stanza.
namespace {
std::atomic<std::uint64_t> gAllocations{0};
}

// noinline: inlined into callers, g++ would see malloc/free pairs where the
// code says new/delete and warn (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t n) {
  gAllocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
  std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using keyfed::xml::Element;

constexpr std::string_view kHeader =
    "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
    "xmlns:stream='http://etherx.jabber.org/streams' to='capulet.example' version='1.0'>";

// About 200 bytes: the one-to-one chat message of the load test.
constexpr std::string_view kMessage =
    "<message to='juliet@capulet.example/balcony' type='chat' id='8f3c2a1b-4d5e'>"
    "<body>Art thou not Romeo, and a Montague?</body>"
    "<active xmlns='http://jabber.org/protocol/chatstates'/></message>";

constexpr std::string_view kPresence =
    "<presence><show>away</show><status>In the orchard</status><priority>5</priority>"
    "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://dino.im' "
    "ver='YEG4bUX4VqAx1CjBNVH9J5QThZw='/></presence>";

constexpr std::string_view kRosterPush =
    "<iq type='set' id='push1'><query xmlns='jabber:iq:roster' ver='ver11'>"
    "<item jid='nurse@capulet.example' name='Nurse' subscription='both'><group>Servants</group>"
    "</item></query></iq>";

struct Sink : keyfed::xml::StreamHandler {
  Element last;
  std::size_t count = 0;
  void onStreamOpen(const keyfed::xml::StreamHeader&) override {}
  void onStanza(Element&& e) override {
    last = std::move(e);
    ++count;
  }
  void onStreamClose() override {}
};

void parse(benchmark::State& state, std::string_view stanza) {
  Sink sink;
  keyfed::xml::StreamParser parser(sink);
  if (!parser.feed(kHeader)) state.SkipWithError("header refused");
  std::uint64_t before = gAllocations.load();
  for (auto _ : state) {
    if (!parser.feed(stanza)) state.SkipWithError("stanza refused");
    benchmark::DoNotOptimize(sink.last);
  }
  std::uint64_t allocs = gAllocations.load() - before;
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(stanza.size()));
  state.counters["allocs/stanza"] =
      static_cast<double>(allocs) / static_cast<double>(state.iterations());
}

Element parsed(std::string_view stanza) {
  Sink sink;
  keyfed::xml::StreamParser parser(sink);
  (void)parser.feed(kHeader);
  (void)parser.feed(stanza);
  return sink.last;
}

void serialize(benchmark::State& state, std::string_view stanza) {
  Element e = parsed(stanza);
  std::string out;
  keyfed::xml::WriteContext ctx{"jabber:client", {}};
  std::uint64_t before = gAllocations.load();
  for (auto _ : state) {
    out.clear();
    keyfed::xml::serialize(e, out, ctx);
    benchmark::DoNotOptimize(out.data());
  }
  std::uint64_t allocs = gAllocations.load() - before;
  state.SetItemsProcessed(state.iterations());
  state.counters["allocs/stanza"] =
      static_cast<double>(allocs) / static_cast<double>(state.iterations());
}

// What a router does per message: parse, then write into another stream.
void BM_ParseAndSerializeMessage(benchmark::State& state) {
  Sink sink;
  keyfed::xml::StreamParser parser(sink);
  (void)parser.feed(kHeader);
  std::string out;
  keyfed::xml::WriteContext ctx{"jabber:client", {}};
  std::uint64_t before = gAllocations.load();
  for (auto _ : state) {
    (void)parser.feed(kMessage);
    sink.last.setAttr("from", "romeo@montague.example/orchard");
    out.clear();
    keyfed::xml::serialize(sink.last, out, ctx);
    benchmark::DoNotOptimize(out.data());
  }
  std::uint64_t allocs = gAllocations.load() - before;
  state.SetItemsProcessed(state.iterations());
  state.counters["allocs/stanza"] =
      static_cast<double>(allocs) / static_cast<double>(state.iterations());
}

void BM_ParseMessage(benchmark::State& s) {
  parse(s, kMessage);
}
void BM_ParsePresence(benchmark::State& s) {
  parse(s, kPresence);
}
void BM_ParseRosterPush(benchmark::State& s) {
  parse(s, kRosterPush);
}
void BM_SerializeMessage(benchmark::State& s) {
  serialize(s, kMessage);
}
void BM_SerializePresence(benchmark::State& s) {
  serialize(s, kPresence);
}
void BM_SerializeRosterPush(benchmark::State& s) {
  serialize(s, kRosterPush);
}

void BM_ParseMessageSplitIntoPackets(benchmark::State& state) {
  Sink sink;
  keyfed::xml::StreamParser parser(sink);
  (void)parser.feed(kHeader);
  const std::size_t piece = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    for (std::size_t i = 0; i < kMessage.size(); i += piece)
      (void)parser.feed(kMessage.substr(i, piece));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_JidParse(benchmark::State& state) {
  for (auto _ : state) {
    auto j = keyfed::xmpp::Jid::parse("Juliet@Capulet.example/balcony");
    benchmark::DoNotOptimize(j);
  }
  state.SetItemsProcessed(state.iterations());
}

// Server-side cost of one SCRAM-SHA-256 login (the client's PBKDF2 is cached,
// as the load generator does): no PBKDF2 on the server, only HMACs.
void BM_ScramServerLogin(benchmark::State& state) {
  using namespace keyfed::xmpp;
  ScramCredentials stored = *makeScramCredentials(ScramHash::sha256, "pencil", 4096);
  ScramClientConfig cc;
  cc.username = "juliet";
  cc.password = "pencil";
  cc.cachedSalt = stored.salt;
  cc.cachedIterations = stored.iterations;
  {
    ScramClientConfig warm = cc;
    ScramClient c(warm);
    ScramServer s({});
    auto first = s.handleClientFirst(c.clientFirst(), [&](std::string_view) { return stored; });
    (void)c.handleServerFirst(*first);
    cc.cachedSaltedPassword = c.saltedPassword();
  }
  for (auto _ : state) {
    ScramClient c(cc);
    ScramServer s({});
    auto first = s.handleClientFirst(c.clientFirst(), [&](std::string_view) { return stored; });
    auto final = c.handleServerFirst(*first);
    auto ok = s.handleClientFinal(*final);
    if (!ok) state.SkipWithError("login failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ScramDeriveCredentials4096(benchmark::State& state) {
  using namespace keyfed::xmpp;
  for (auto _ : state) {
    auto c = deriveScramCredentials(ScramHash::sha256, "pencil", "0123456789abcdef", 4096);
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_ParseMessage);
BENCHMARK(BM_ParsePresence);
BENCHMARK(BM_ParseRosterPush);
BENCHMARK(BM_SerializeMessage);
BENCHMARK(BM_SerializePresence);
BENCHMARK(BM_SerializeRosterPush);
BENCHMARK(BM_ParseAndSerializeMessage);
BENCHMARK(BM_ParseMessageSplitIntoPackets)->Arg(16)->Arg(64);
BENCHMARK(BM_JidParse);
BENCHMARK(BM_ScramServerLogin);
BENCHMARK(BM_ScramDeriveCredentials4096);

}  // namespace

BENCHMARK_MAIN();
