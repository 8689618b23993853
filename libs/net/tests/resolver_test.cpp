#include "keyfed/net/resolver.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <map>
#include <optional>
#include <set>

#include "dns_names.hpp"
#include "dns_responder_process.hpp"
#include "keyfed/net/event_loop.hpp"
#include "srv_order.hpp"
#include "stream_test_support.hpp"

namespace keyfed::net {
namespace {

using namespace std::chrono_literals;
using test_support::DnsResponderProcess;
using Endpoints = std::vector<PeerEndpoint>;

// A UDP socket on loopback that never answers: the DNS server of the
// timeout tests, and a witness that a lookup sent nothing.
class SilentServer {
 public:
  SilentServer() {
    fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof addr;
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
      return;
    }
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() {
    if (fd_ >= 0) close(fd_);
  }
  [[nodiscard]] std::string server() const { return "127.0.0.1:" + std::to_string(port_); }
  // Datagrams received so far (loopback delivery is synchronous with sendto).
  int drain() {
    int count = 0;
    char buffer[1500];
    while (recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT) >= 0) ++count;
    return count;
  }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

class ResolverTest : public ::testing::Test {
 protected:
  // Resolves on the loop; the callback must come, within 10 s.
  base::Result<Endpoints> resolve(Resolver& resolver, const std::string& domain) {
    std::optional<base::Result<Endpoints>> result;
    resolver.resolve(domain, [&](base::Result<Endpoints> r) { result.emplace(std::move(r)); });
    EXPECT_FALSE(result.has_value()) << "the callback ran inside resolve()";
    EXPECT_TRUE(test_support::runUntil(loop_, [&] { return result.has_value(); }));
    if (!result) return base::fail("test.no-callback", "no callback");
    return std::move(*result);
  }

  std::unique_ptr<Resolver> withServer(const std::string& server, ResolverOptions options = {}) {
    options.servers = {server};
    return Resolver::create(loop_, std::move(options));
  }

  EventLoop loop_;
};

// "address:port[tls]" per endpoint, for compact assertions.
std::vector<std::string> describe(const Endpoints& endpoints) {
  std::vector<std::string> out;
  for (const auto& e : endpoints) {
    out.push_back(e.address + ":" + std::to_string(e.port) + (e.directTls ? "[tls]" : ""));
  }
  return out;
}

using Strings = std::vector<std::string>;

TEST_F(ResolverTest, StaticTableAnswersWithoutAskingDns) {
  SilentServer dns;
  ResolverOptions options;
  options.staticRoutes["A.Test"] = {{"127.0.0.2", 5270, false}, {"::1", 5271, true}};
  auto resolver = withServer(dns.server(), options);
  auto endpoints = resolve(*resolver, "a.test.");
  ASSERT_TRUE(endpoints) << endpoints.error().describe();
  EXPECT_EQ(describe(*endpoints), (Strings{"127.0.0.2:5270", "::1:5271[tls]"}));
  EXPECT_EQ(endpoints->front().host, "127.0.0.2");
  EXPECT_EQ(dns.drain(), 0) << "a domain in the static table went to DNS";
}

TEST_F(ResolverTest, StaticHostNamesAreResolvedThroughTheConfiguredServer) {
  DnsResponderProcess dns(R"({"s2s.b.test": {"A": ["127.0.0.2"]},
                              "_xmpp-server._tcp.b.test": {"SRV": [[0, 0, 5269, "wrong.b.test"]]},
                              "wrong.b.test": {"A": ["127.0.0.9"]}})");
  ASSERT_TRUE(dns.ready());
  ResolverOptions options;
  options.staticRoutes["b.test"] = {{"s2s.b.test", 6000, false}};
  auto resolver = withServer(dns.server(), options);
  auto endpoints = resolve(*resolver, "b.test");
  ASSERT_TRUE(endpoints) << endpoints.error().describe();
  EXPECT_EQ(describe(*endpoints), (Strings{"127.0.0.2:6000"}));
  EXPECT_EQ(endpoints->front().host, "s2s.b.test");
}

TEST_F(ResolverTest, WithoutServersOnlyTheStaticTableAndIpLiteralsAnswer) {
  ResolverOptions options;
  options.staticRoutes["a.test"] = {{"127.0.0.2", 5269, false}};
  auto resolver = Resolver::create(loop_, options);
  EXPECT_TRUE(resolve(*resolver, "a.test"));
  auto literal = resolve(*resolver, "[::1]");
  ASSERT_TRUE(literal);
  EXPECT_EQ(describe(*literal), (Strings{"::1:5269"}));
  auto other = resolve(*resolver, "c.test");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, "dns.disabled");
  options.staticRoutes["d.test"] = {{"needs-dns.d.test", 5269, false}};
  auto resolver2 = Resolver::create(loop_, options);
  auto needsDns = resolve(*resolver2, "d.test");
  ASSERT_FALSE(needsDns);
  EXPECT_EQ(needsDns.error().code, "dns.disabled");
}

TEST_F(ResolverTest, SrvRecordsByPriorityWithDirectTlsFirstAtEqualPriority) {
  DnsResponderProcess dns(R"({
    "_xmpps-server._tcp.b.test": {"SRV": [[10, 0, 5223, "tls.b.test"], [20, 0, 5224, "late.b.test"]]},
    "_xmpp-server._tcp.b.test": {"SRV": [[10, 0, 5269, "plain.b.test"], [5, 0, 5300, "first.b.test"]]},
    "first.b.test": {"A": ["127.0.0.11"]},
    "tls.b.test": {"A": ["127.0.0.12"]},
    "plain.b.test": {"A": ["127.0.0.13"]},
    "late.b.test": {"A": ["127.0.0.14"]},
    "b.test": {"A": ["127.0.0.99"]}})");
  ASSERT_TRUE(dns.ready());
  auto resolver = withServer(dns.server());
  auto endpoints = resolve(*resolver, "B.TEST");
  ASSERT_TRUE(endpoints) << endpoints.error().describe();
  EXPECT_EQ(describe(*endpoints), (Strings{"127.0.0.11:5300", "127.0.0.12:5223[tls]",
                                           "127.0.0.13:5269", "127.0.0.14:5224[tls]"}));
  EXPECT_EQ((*endpoints)[1].host, "tls.b.test");
}

TEST_F(ResolverTest, AddressFamiliesAreInterleavedIpv6First) {
  DnsResponderProcess dns(R"({
    "_xmpp-server._tcp.b.test": {"SRV": [[0, 0, 5269, "s2s.b.test"]]},
    "s2s.b.test": {"A": ["127.0.0.2", "127.0.0.3"], "AAAA": ["::1"]}})");
  ASSERT_TRUE(dns.ready());
  auto resolver = withServer(dns.server());
  auto endpoints = resolve(*resolver, "b.test");
  ASSERT_TRUE(endpoints) << endpoints.error().describe();
  EXPECT_EQ(describe(*endpoints), (Strings{"::1:5269", "127.0.0.2:5269", "127.0.0.3:5269"}));
}

TEST_F(ResolverTest, WithoutSrvTheDomainItselfOnPort5269) {
  DnsResponderProcess dns(R"({"c.test": {"A": ["127.0.0.5"], "AAAA": ["::1"]}})");
  ASSERT_TRUE(dns.ready());
  auto resolver = withServer(dns.server());
  auto endpoints = resolve(*resolver, "c.test");
  ASSERT_TRUE(endpoints) << endpoints.error().describe();
  EXPECT_EQ(describe(*endpoints), (Strings{"::1:5269", "127.0.0.5:5269"}));
  EXPECT_EQ(endpoints->front().host, "c.test");
}

TEST_F(ResolverTest, ManyConcurrentLookupsAllComplete) {
  DnsResponderProcess dns(R"({"_xmpp-server._tcp.b.test": {"SRV": [[0, 0, 5269, "s2s.b.test"]]},
                              "s2s.b.test": {"A": ["127.0.0.2"]},
                              "c.test": {"A": ["127.0.0.5"]}})");
  ASSERT_TRUE(dns.ready());
  auto resolver = withServer(dns.server());
  constexpr int kLookups = 200;
  int good = 0;
  int done = 0;
  for (int i = 0; i < kLookups; ++i) {
    const bool srv = i % 2 == 0;
    resolver->resolve(srv ? "b.test" : "c.test", [&, srv](base::Result<Endpoints> r) {
      ++done;
      if (r && r->size() == 1 && r->front().address == (srv ? "127.0.0.2" : "127.0.0.5")) ++good;
    });
  }
  ASSERT_TRUE(test_support::runUntil(loop_, [&] { return done == kLookups; }));
  EXPECT_EQ(good, kLookups);
}

TEST_F(ResolverTest, FailingSrvLookupStillFallsBackToTheDomain) {
  DnsResponderProcess dns(R"({"_xmpp-server._tcp.c.test": {"RCODE": "SERVFAIL"},
                              "c.test": {"A": ["127.0.0.5"]}})");
  ASSERT_TRUE(dns.ready());
  auto resolver = withServer(dns.server());
  auto endpoints = resolve(*resolver, "c.test");
  ASSERT_TRUE(endpoints) << endpoints.error().describe();
  EXPECT_EQ(describe(*endpoints), (Strings{"127.0.0.5:5269"}));
}

TEST_F(ResolverTest, DotTargetMeansTheServiceIsUnavailable) {
  DnsResponderProcess dns(R"({"_xmpp-server._tcp.none.test": {"SRV": [[0, 0, 0, "."]]},
                              "none.test": {"A": ["127.0.0.5"]},
                              "_xmpp-server._tcp.mixed.test": {"SRV": [[0, 0, 0, "."]]},
                              "_xmpps-server._tcp.mixed.test": {"SRV": [[0, 0, 5223, "tls.mixed.test"]]},
                              "tls.mixed.test": {"A": ["127.0.0.6"]}})");
  ASSERT_TRUE(dns.ready());
  auto resolver = withServer(dns.server());
  auto none = resolve(*resolver, "none.test");
  ASSERT_FALSE(none) << "fell back to the A record despite the \".\" target";
  EXPECT_EQ(none.error().code, "dns.service-unavailable");
  // "." on one service does not hide the other service's records.
  auto mixed = resolve(*resolver, "mixed.test");
  ASSERT_TRUE(mixed) << mixed.error().describe();
  EXPECT_EQ(describe(*mixed), (Strings{"127.0.0.6:5223[tls]"}));
}

TEST_F(ResolverTest, UnknownDomainAndTargetsWithoutAddressesAreErrors) {
  DnsResponderProcess dns(
      R"({"_xmpp-server._tcp.b.test": {"SRV": [[0, 0, 5269, "gone.b.test"]]}})");
  ASSERT_TRUE(dns.ready());
  auto resolver = withServer(dns.server());
  auto unknown = resolve(*resolver, "unknown.test");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "dns.not-found");
  auto noAddress = resolve(*resolver, "b.test");
  ASSERT_FALSE(noAddress);
  EXPECT_EQ(noAddress.error().code, "dns.no-address");
  EXPECT_NE(noAddress.error().message.find("gone.b.test"), std::string::npos);
}

TEST_F(ResolverTest, BadDomainsAreRefusedBeforeAnyQuery) {
  SilentServer dns;
  auto resolver = withServer(dns.server());
  for (const std::string& domain :
       std::vector<std::string>{"", "a..test", "-", "a b.test", std::string(300, 'a'),
                                std::string(64, 'a') + ".test", "caf\xc3\xa9.test"}) {
    auto result = resolve(*resolver, domain);
    ASSERT_FALSE(result) << domain;
    EXPECT_EQ(result.error().code, "dns.bad-domain") << domain;
  }
  EXPECT_EQ(dns.drain(), 0);
}

TEST_F(ResolverTest, SilentServerTimesOutWithinTheConfiguredTime) {
  SilentServer dns;
  ResolverOptions options;
  options.timeout = 300ms;
  auto resolver = withServer(dns.server(), options);
  const auto start = std::chrono::steady_clock::now();
  auto result = resolve(*resolver, "b.test");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "dns.timeout");
  EXPECT_GE(elapsed, 150ms);  // c-ares retried rather than giving up at once
  EXPECT_LT(elapsed, 3s);
  EXPECT_GT(dns.drain(), 0) << "the configured server was never asked";
}

TEST_F(ResolverTest, HugeAnswersAreRefused) {
  // ~31 bytes per record: 1000 records are ~31 KiB over TCP, above the 16 KiB limit;
  // 40 records (~1.3 KiB) exceed one EDNS datagram and come over TCP too, and are fine.
  std::string huge = R"({"_xmpp-server._tcp.huge.test": {"SRV": [)";
  std::string many = R"(, "_xmpp-server._tcp.many.test": {"SRV": [)";
  std::string hosts;
  for (int i = 0; i < 1000; ++i) {
    huge += (i ? "," : "") + std::string("[0, 1, 5269, \"h") + std::to_string(i) + ".huge.test\"]";
    if (i < 40) {
      many +=
          (i ? "," : "") + std::string("[0, 1, 5269, \"h") + std::to_string(i) + ".many.test\"]";
      hosts += ", \"h" + std::to_string(i) + ".many.test\": {\"A\": [\"127.0.1." +
               std::to_string(i + 1) + "\"]}";
    }
  }
  DnsResponderProcess dns(huge + "]}" + many + "]}" + hosts +
                          ", \"huge.test\": {\"A\": [\"127.0.0.5\"]}}");
  ASSERT_TRUE(dns.ready());
  ResolverOptions options;
  options.maxEndpoints = 4;
  auto resolver = withServer(dns.server(), options);
  auto refused = resolve(*resolver, "huge.test");
  ASSERT_FALSE(refused) << "a 31 KiB answer was accepted (or fell back to A)";
  EXPECT_EQ(refused.error().code, "dns.answer-too-large");
  auto many40 = resolve(*resolver, "many.test");
  ASSERT_TRUE(many40) << many40.error().describe();
  EXPECT_EQ(many40->size(), 4u) << "maxEndpoints not applied";
}

TEST_F(ResolverTest, DnsServerOnIpv6Loopback) {
  DnsResponderProcess dns(R"({"c.test": {"A": ["127.0.0.5"]}})", "::1");
  ASSERT_TRUE(dns.ready());
  EXPECT_EQ(dns.server().front(), '[');
  auto resolver = withServer(dns.server());
  auto endpoints = resolve(*resolver, "c.test");
  ASSERT_TRUE(endpoints) << endpoints.error().describe();
  EXPECT_EQ(describe(*endpoints), (Strings{"127.0.0.5:5269"}));
}

TEST_F(ResolverTest, BadServerSettingFailsEveryLookupLoudly) {
  auto resolver = withServer("dns.example:53");
  auto result = resolve(*resolver, "b.test");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, "dns.bad-server");
}

TEST_F(ResolverTest, DestroyingTheResolverDropsPendingCallbacks) {
  SilentServer dns;
  auto resolver = withServer(dns.server());
  bool called = false;
  resolver->resolve("b.test", [&](const base::Result<Endpoints>&) { called = true; });
  resolver->resolve("[::1]",
                    [&](const base::Result<Endpoints>&) { called = true; });  // already posted
  resolver.reset();
  Timer settle(loop_);
  bool settled = false;
  settle.start(50ms, [&] { settled = true; });
  ASSERT_TRUE(test_support::runUntil(loop_, [&] { return settled; }));
  EXPECT_FALSE(called);
}

TEST(DnsNames, ServerListTakesAddressesWithOptionalPorts) {
  auto csv = aresServerList({"127.0.0.1", "127.0.0.2:5353", "::1", "[::1]:5300", "[fe80::1]"});
  ASSERT_TRUE(csv) << csv.error().describe();
  EXPECT_EQ(*csv, "127.0.0.1:53,127.0.0.2:5353,[::1]:53,[::1]:5300,[fe80::1]:53");
  for (const char* bad : {"dns.example", "127.0.0.1:0", "127.0.0.1:65536", "[127.0.0.1]:53", "[::1",
                          "[::1]x", "1.2.3.4:", ""}) {
    auto result = aresServerList({bad});
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().code, "dns.bad-server");
  }
}

TEST(DnsNames, NormalizesCaseAndTrailingDot) {
  EXPECT_EQ(normalizeDnsName("Example.ORG.").value_or(""), "example.org");
  EXPECT_EQ(normalizeDnsName("_xmpp-server._tcp.a.test").value_or(""), "_xmpp-server._tcp.a.test");
  EXPECT_FALSE(normalizeDnsName("."));
  EXPECT_FALSE(normalizeDnsName("a.test.."));
  EXPECT_EQ(ipLiteral("[::0001]").value_or(""), "::1");
  EXPECT_EQ(ipLiteral("127.0.0.1").value_or(""), "127.0.0.1");
  EXPECT_FALSE(ipLiteral("a.test"));
}

// RFC 2782 selection, with the random numbers from a seeded generator: the
// same on every run and platform (std::mt19937 is fully specified).
TEST(SrvOrder, PrioritiesAscendDirectTlsFirstAndWeightsDecideWithinAGroup) {
  const std::vector<SrvRecord> records = {{20, 0, 1, "low", false},     {10, 60, 1, "w60", false},
                                          {10, 30, 1, "w30", false},    {10, 10, 1, "w10", false},
                                          {10, 0, 1, "w0", false},      {10, 1, 1, "tls", true},
                                          {30, 65535, 1, "last", false}};
  std::mt19937 rng(2782);
  std::map<std::string, int> firstAmongPlain;
  constexpr int kRuns = 20000;
  for (int run = 0; run < kRuns; ++run) {
    auto ordered = orderSrvRecords(records, rng);
    ASSERT_EQ(ordered.size(), records.size());
    EXPECT_EQ(ordered[0].target, "tls");  // same priority as the plain ones, direct TLS
    for (std::size_t i = 1; i < ordered.size(); ++i) {
      ASSERT_LE(ordered[i - 1].priority, ordered[i].priority);
    }
    EXPECT_EQ(ordered[5].target, "low");
    EXPECT_EQ(ordered[6].target, "last");
    ++firstAmongPlain[ordered[1].target];
  }
  // Expected shares 60/101, 30/101, 10/101 and 1/101 (weight 0 wins only on a draw of 0).
  // Bounds are ten standard deviations wide: a correct ordering never fails them.
  auto share = [&](const char* t) { return static_cast<double>(firstAmongPlain[t]) / kRuns; };
  EXPECT_NEAR(share("w60"), 60.0 / 101, 0.035);
  EXPECT_NEAR(share("w30"), 30.0 / 101, 0.033);
  EXPECT_NEAR(share("w10"), 10.0 / 101, 0.021);
  EXPECT_NEAR(share("w0"), 1.0 / 101, 0.008);
}

TEST(SrvOrder, AllZeroWeightsStillYieldEveryRecordOnce) {
  std::vector<SrvRecord> records;
  records.reserve(8);
  for (int i = 0; i < 8; ++i) records.push_back({5, 0, 1, "t" + std::to_string(i), false});
  std::mt19937 rng(1);
  auto ordered = orderSrvRecords(records, rng);
  std::set<std::string> targets;
  for (const auto& r : ordered) targets.insert(r.target);
  EXPECT_EQ(targets.size(), 8u);
}

}  // namespace
}  // namespace keyfed::net
