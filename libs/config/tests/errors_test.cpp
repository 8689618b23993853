// Every kind of configuration error, with the line, column and key it names.

#include <gtest/gtest.h>

#include <string>

#include "keyfed/config/config.hpp"

namespace keyfed::config {
namespace {

const char* const kHostAndListener = R"(
[[virtual_host]]
domain = "example.org"
[[listener]]
type = "c2s"
)";

std::vector<Problem> problemsOf(const std::string& text) {
  auto outcome = parseConfigText(text, "/etc/k.toml", SectionRegistry{});
  EXPECT_FALSE(outcome.config.has_value());
  return outcome.problems;
}

// Exactly one problem, returned for inspection.
Problem onlyProblem(const std::string& text) {
  auto problems = problemsOf(text);
  if (problems.size() != 1) {
    ADD_FAILURE() << "expected exactly one problem, got " << problems.size();
    for (const auto& p : problems)
      ADD_FAILURE() << "problem: " << p.format() << " [" << p.code << "]";
  }
  return problems.empty() ? Problem{} : problems.front();
}

void expectAt(const Problem& p, std::uint32_t line, std::uint32_t column, std::string_view key,
              std::string_view code) {
  EXPECT_EQ(p.line, line) << p.format();
  EXPECT_EQ(p.column, column) << p.format();
  EXPECT_EQ(p.key, key) << p.format();
  EXPECT_EQ(p.code, code) << p.format();
  EXPECT_EQ(p.file, "/etc/k.toml");
}

TEST(ConfigErrors, SyntaxErrorNamesLineAndColumn) {
  Problem p = onlyProblem("[server]\nlog_level = \n");
  EXPECT_EQ(p.line, 2U);
  EXPECT_EQ(p.code, "config.syntax");
  EXPECT_FALSE(p.message.empty());
}

TEST(ConfigErrors, DuplicateKeyIsASyntaxError) {
  Problem p = onlyProblem("[server]\nlog_level = \"info\"\nlog_level = \"debug\"\n");
  EXPECT_EQ(p.line, 3U);
  EXPECT_EQ(p.code, "config.syntax");
}

TEST(ConfigErrors, UnknownKeyInSection) {
  Problem p = onlyProblem(std::string("[server]\nlog_levle = \"info\"\n") + kHostAndListener);
  expectAt(p, 2, 1, "server.log_levle", "config.unknown-key");
  EXPECT_EQ(p.format(), "/etc/k.toml:2:1: server.log_levle: unknown key");
}

TEST(ConfigErrors, UnknownSection) {
  Problem p = onlyProblem(std::string(kHostAndListener) + "[srever]\nlog_level = \"info\"\n");
  expectAt(p, 6, 2, "srever", "config.unknown-section");
}

TEST(ConfigErrors, UnknownTopLevelKey) {
  Problem p = onlyProblem(std::string("log_level = \"info\"\n") + kHostAndListener);
  expectAt(p, 1, 1, "log_level", "config.unknown-key");
}

TEST(ConfigErrors, UnknownKeyInVirtualHostNamesTheEntry) {
  Problem p = onlyProblem(std::string(kHostAndListener) +
                          "[[virtual_host]]\ndomain = \"b.example\"\ncertificat = \"x\"\n");
  expectAt(p, 8, 1, "virtual_host[1].certificat", "config.unknown-key");
}

TEST(ConfigErrors, WrongTypePointsAtTheValue) {
  Problem p = onlyProblem(std::string("[limits]\nxml_depth = \"64\"\n") + kHostAndListener);
  expectAt(p, 2, 13, "limits.xml_depth", "config.type");
  EXPECT_EQ(p.message, "expected an integer, found a string");
}

TEST(ConfigErrors, FloatIsNotAnInteger) {
  Problem p = onlyProblem(std::string("[limits]\nauth_timeout = 2.5\n") + kHostAndListener);
  expectAt(p, 2, 16, "limits.auth_timeout", "config.type");
}

TEST(ConfigErrors, BooleanExpected) {
  Problem p = onlyProblem(std::string("[c2s]\nrequire_tls = \"yes\"\n") + kHostAndListener);
  expectAt(p, 2, 15, "c2s.require_tls", "config.type");
}

TEST(ConfigErrors, OutOfRange) {
  Problem p = onlyProblem(std::string("[limits]\nxml_depth = 100000\n") + kHostAndListener);
  expectAt(p, 2, 13, "limits.xml_depth", "config.range");
  EXPECT_EQ(p.message, "must be between 4 and 1024, found 100000");
}

TEST(ConfigErrors, NegativeTimeout) {
  Problem p = onlyProblem(std::string("[limits]\nc2s_idle_timeout = -1\n") + kHostAndListener);
  expectAt(p, 2, 20, "limits.c2s_idle_timeout", "config.range");
}

TEST(ConfigErrors, PortOutOfRange) {
  Problem p = onlyProblem("[[virtual_host]]\ndomain = \"a.example\"\n[[listener]]\nport = 70000\n");
  expectAt(p, 4, 8, "listener[0].port", "config.range");
}

TEST(ConfigErrors, UnknownChoice) {
  Problem p = onlyProblem(std::string("[server]\nlog_level = \"loud\"\n") + kHostAndListener);
  expectAt(p, 2, 13, "server.log_level", "config.value");
  EXPECT_NE(p.message.find("\"trace\""), std::string::npos);
  EXPECT_NE(p.message.find("found \"loud\""), std::string::npos);
}

TEST(ConfigErrors, UnknownListenerType) {
  Problem p =
      onlyProblem("[[virtual_host]]\ndomain = \"a.example\"\n[[listener]]\ntype = \"xmpp\"\n");
  expectAt(p, 4, 8, "listener[0].type", "config.value");
}

TEST(ConfigErrors, NulInAChoiceIsReportedOnce) {
  Problem p =
      onlyProblem(std::string("[server]\nlog_level = \"info\\u0000\"\n") + kHostAndListener);
  expectAt(p, 2, 13, "server.log_level", "config.value");
  EXPECT_EQ(p.message, "must not contain NUL");
}

TEST(ConfigErrors, NulInStringIsRefused) {
  Problem p = onlyProblem(std::string("[server]\nlog_file = \"a\\u0000b\"\n") + kHostAndListener);
  expectAt(p, 2, 12, "server.log_file", "config.value");
}

TEST(ConfigErrors, SectionThatIsNotATable) {
  Problem p = onlyProblem(std::string("limits = 5\n") + kHostAndListener);
  expectAt(p, 1, 10, "limits", "config.type");
}

TEST(ConfigErrors, VirtualHostMustBeAnArrayOfTables) {
  auto problems = problemsOf("[virtual_host]\ndomain = \"a.example\"\n[[listener]]\n");
  ASSERT_GE(problems.size(), 1U);
  EXPECT_EQ(problems[0].key, "virtual_host");
  EXPECT_EQ(problems[0].code, "config.type");
  EXPECT_EQ(problems[0].line, 1U);
}

TEST(ConfigErrors, DuplicateVirtualHostIgnoresCase) {
  Problem p =
      onlyProblem(std::string(kHostAndListener) + "\n[[virtual_host]]\ndomain = \"EXAMPLE.org\"\n");
  expectAt(p, 8, 10, "virtual_host[1].domain", "config.duplicate");
  EXPECT_EQ(p.message, "virtual host \"example.org\" is already defined by virtual_host[0]");
}

TEST(ConfigErrors, VirtualHostWithoutDomain) {
  Problem p = onlyProblem(
      "[[virtual_host]]\ncertificate = \"a.crt\"\nkey = \"a.key\"\n"
      "[[listener]]\n");
  expectAt(p, 1, 1, "virtual_host[0]", "config.missing");
}

TEST(ConfigErrors, InvalidDomains) {
  for (const char* bad : {"", "a..b", "-a.example", "a b", "a.example.", "x/y",
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b"}) {
    Problem p =
        onlyProblem(std::string("[[virtual_host]]\ndomain = \"") + bad + "\"\n[[listener]]\n");
    expectAt(p, 2, 10, "virtual_host[0].domain", "config.value");
  }
}

TEST(ConfigErrors, ListenersWithoutVirtualHost) {
  Problem p = onlyProblem("[[listener]]\ntype = \"c2s\"\n");
  EXPECT_EQ(p.line, 1U);
  EXPECT_EQ(p.key, "listener");
  EXPECT_EQ(p.code, "config.missing");
  EXPECT_EQ(p.message, "at least one [[virtual_host]] is required");
}

TEST(ConfigErrors, NoListener) {
  Problem p = onlyProblem("[[virtual_host]]\ndomain = \"a.example\"\n");
  EXPECT_EQ(p.code, "config.missing");
  EXPECT_EQ(p.message, "at least one [[listener]] is required");
}

TEST(ConfigErrors, EmptyFileNeedsHostsAndListeners) {
  auto problems = problemsOf("");
  ASSERT_EQ(problems.size(), 2U);
  EXPECT_EQ(problems[0].format(), "/etc/k.toml:1:1: at least one [[virtual_host]] is required");
  EXPECT_EQ(problems[1].format(), "/etc/k.toml:1:1: at least one [[listener]] is required");
}

TEST(ConfigErrors, InvalidListenerAddress) {
  for (const char* bad : {"localhost", "1.2.3", "::g", "127.0.0.1:5222", ""}) {
    Problem p = onlyProblem(std::string("[[virtual_host]]\ndomain = \"a.example\"\n"
                                        "[[listener]]\naddress = \"") +
                            bad + "\"\n");
    expectAt(p, 4, 11, "listener[0].address", "config.value");
  }
}

TEST(ConfigErrors, TwoListenersOnOnePort) {
  Problem p =
      onlyProblem(std::string(kHostAndListener) + "[[listener]]\ntype = \"s2s\"\nport = 5222\n");
  expectAt(p, 8, 8, "listener[1].port", "config.duplicate");
  EXPECT_EQ(p.message, "127.0.0.1 port 5222 is already used by listener[0]");
}

TEST(ConfigErrors, PortZeroMayRepeat) {
  auto r = loadConfigFromString(
      "[[virtual_host]]\ndomain = \"a.example\"\n[[listener]]\nport = 0\n[[listener]]\nport = 0\n",
      "/etc/k.toml");
  EXPECT_TRUE(r.has_value()) << r.error().message;
}

TEST(ConfigErrors, TooManyListeners) {
  std::string text = "[[virtual_host]]\ndomain = \"a.example\"\n";
  for (std::size_t i = 0; i <= kMaxListeners; ++i) text += "[[listener]]\nport = 0\n";
  Problem p = onlyProblem(text);
  EXPECT_EQ(p.key, "listener");
  EXPECT_EQ(p.code, "config.range");
}

TEST(ConfigErrors, UnknownAndDuplicateMechanisms) {
  auto problems =
      problemsOf(std::string("[c2s]\nmechanisms = [\"PLAIN\", \"DIGEST-MD5\", \"PLAIN\"]\n") +
                 kHostAndListener);
  ASSERT_EQ(problems.size(), 2U);
  expectAt(problems[0], 2, 14, "c2s.mechanisms", "config.value");
  EXPECT_NE(problems[0].message.find("DIGEST-MD5"), std::string::npos);
  expectAt(problems[1], 2, 14, "c2s.mechanisms", "config.duplicate");
}

TEST(ConfigErrors, EmptyMechanismList) {
  Problem p = onlyProblem(std::string("[c2s]\nmechanisms = []\n") + kHostAndListener);
  expectAt(p, 2, 14, "c2s.mechanisms", "config.value");
}

TEST(ConfigErrors, MechanismMustBeAString) {
  Problem p = onlyProblem(std::string("[c2s]\nmechanisms = [\"PLAIN\", 5]\n") + kHostAndListener);
  expectAt(p, 2, 24, "c2s.mechanisms[1]", "config.type");
}

TEST(ConfigErrors, CertificateWithoutKey) {
  Problem p = onlyProblem(
      "[c2s]\nrequire_tls = false\n[[virtual_host]]\ndomain = \"a.example\"\n"
      "certificate = \"a.crt\"\nkey = \"\"\n[[listener]]\n");
  expectAt(p, 6, 7, "virtual_host[0].key", "config.value");
}

TEST(ConfigErrors, TlsListenerNeedsCertificates) {
  Problem p = onlyProblem(
      "[c2s]\nrequire_tls = false\n[[virtual_host]]\ndomain = \"a.example\"\n"
      "certificate = \"\"\nkey = \"\"\n[[listener]]\ntype = \"c2s_direct_tls\"\n");
  expectAt(p, 5, 15, "virtual_host[0].certificate", "config.missing");
  EXPECT_EQ(p.message, "required: listener type c2s_direct_tls needs TLS");
}

TEST(ConfigErrors, RequiredStartTlsNeedsCertificates) {
  Problem p = onlyProblem(
      "[[virtual_host]]\ndomain = \"a.example\"\n"
      "certificate = \"\"\nkey = \"\"\n[[listener]]\ntype = \"c2s\"\n");
  expectAt(p, 3, 15, "virtual_host[0].certificate", "config.missing");
}

TEST(ConfigErrors, PostgresNeedsUrl) {
  Problem p = onlyProblem(std::string("[storage]\nbackend = \"postgres\"\n") + kHostAndListener);
  expectAt(p, 1, 1, "storage.url", "config.missing");
}

TEST(ConfigErrors, UrlOnlyForPostgres) {
  Problem p = onlyProblem(std::string("[storage]\nurl = \"postgresql://x\"\n") + kHostAndListener);
  expectAt(p, 2, 7, "storage.url", "config.value");
}

TEST(ConfigErrors, BadCipherList) {
  Problem p = onlyProblem(std::string("[tls]\nciphers = \"AES; rm -rf\"\n") + kHostAndListener);
  expectAt(p, 2, 11, "tls.ciphers", "config.value");
}

TEST(ConfigErrors, AdminSocketPathTooLong) {
  Problem p = onlyProblem(std::string("[server]\nadmin_socket = \"/") + std::string(120, 'a') +
                          "\"\n" + kHostAndListener);
  expectAt(p, 2, 16, "server.admin_socket", "config.range");
}

TEST(ConfigErrors, AllProblemsAreReportedInFileOrder) {
  const std::string text =
      "[server]\n"
      "log_level = 3\n"  // line 2: type
      "colour = true\n"  // line 3: unknown key
      "[limits]\n"
      "xml_depth = 0\n"  // line 5: range
      "[[virtual_host]]\n"
      "domain = \"a.example\"\n"
      "[[virtual_host]]\n"
      "domain = \"a.example\"\n"  // line 9: duplicate
      "[[listener]]\n"
      "address = \"nowhere\"\n";  // line 11: address
  auto r = loadConfigFromString(text, "/etc/k.toml");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, "config.invalid");
  EXPECT_EQ(r.error().where, "/etc/k.toml");
  EXPECT_EQ(r.error().message,
            "/etc/k.toml:2:13: server.log_level: expected a string, found an integer\n"
            "/etc/k.toml:3:1: server.colour: unknown key\n"
            "/etc/k.toml:5:13: limits.xml_depth: must be between 4 and 1024, found 0\n"
            "/etc/k.toml:9:10: virtual_host[1].domain: virtual host \"a.example\" is already "
            "defined by virtual_host[0]\n"
            "/etc/k.toml:11:11: listener[0].address: \"nowhere\" is not an IPv4 or IPv6 address "
            "literal");
}

}  // namespace
}  // namespace keyfed::config
