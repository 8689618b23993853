#include "keyfed/xmpp/scram.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace keyfed::xmpp {
namespace {

std::string b64(std::string_view s) {
  auto d = base64Decode(s);
  EXPECT_TRUE(d);
  return d ? *d : std::string();
}

ScramCredentials rfcCredentials(ScramHash h, std::string_view saltB64) {
  auto c = deriveScramCredentials(h, "pencil", b64(saltB64), 4096);
  EXPECT_TRUE(c);
  return *c;
}

SaslCondition conditionOf(const base::Error& e) {
  auto c = saslConditionOf(e);
  EXPECT_TRUE(c) << e.describe();
  return c.value_or(SaslCondition::aborted);
}

// RFC 5802 section 5.
struct Rfc5802 {
  static constexpr std::string_view clientFirst = "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL";
  static constexpr std::string_view serverFirst =
      "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
  static constexpr std::string_view clientFinal =
      "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=";
  static constexpr std::string_view serverFinal = "v=rmF9pqV8S7suAoZWja4dJRkFsKQ=";
};

// RFC 7677 section 3.
struct Rfc7677 {
  static constexpr std::string_view clientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
  static constexpr std::string_view serverFirst =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
  static constexpr std::string_view clientFinal =
      "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  static constexpr std::string_view serverFinal = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
};

template <class V>
void serverVector(ScramHash h, std::string_view salt, std::string_view serverNonce) {
  ScramServerConfig cfg;
  cfg.hash = h;
  cfg.nonce = [n = std::string(serverNonce)] { return n; };
  ScramServer server(cfg);
  auto creds = rfcCredentials(h, salt);
  auto first = server.handleClientFirst(V::clientFirst, [&](std::string_view user) {
    EXPECT_EQ(user, "user");
    return std::optional<ScramCredentials>(creds);
  });
  ASSERT_TRUE(first) << first.error().describe();
  EXPECT_EQ(*first, V::serverFirst);
  auto final = server.handleClientFinal(V::clientFinal);
  ASSERT_TRUE(final) << final.error().describe();
  EXPECT_EQ(*final, V::serverFinal);
  EXPECT_TRUE(server.succeeded());
  EXPECT_EQ(server.username(), "user");
}

template <class V>
void clientVector(ScramHash h, std::string_view clientNonce) {
  ScramClientConfig cfg;
  cfg.hash = h;
  cfg.username = "user";
  cfg.password = "pencil";
  cfg.nonce = [n = std::string(clientNonce)] { return n; };
  ScramClient client(cfg);
  EXPECT_EQ(client.clientFirst(), V::clientFirst);
  auto final = client.handleServerFirst(V::serverFirst);
  ASSERT_TRUE(final) << final.error().describe();
  EXPECT_EQ(*final, V::clientFinal);
  EXPECT_TRUE(client.handleServerFinal(V::serverFinal));
  EXPECT_FALSE(client.handleServerFinal("v=AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
}

TEST(Scram, Rfc5802Sha1ServerVector) {
  serverVector<Rfc5802>(ScramHash::sha1, "QSXCR+Q6sek8bf92", "3rfcNHYJY1ZVvWVs7j");
}
TEST(Scram, Rfc5802Sha1ClientVector) {
  clientVector<Rfc5802>(ScramHash::sha1, "fyko+d2lbbFgONRv9qkxdawL");
}
TEST(Scram, Rfc7677Sha256ServerVector) {
  serverVector<Rfc7677>(ScramHash::sha256,
                        "W22ZaJ0SNY7soEsUEjb6gQ==", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
}
TEST(Scram, Rfc7677Sha256ClientVector) {
  clientVector<Rfc7677>(ScramHash::sha256, "rOprNGfwEbeRWgbNEkqO");
}

TEST(Scram, MechanismNames) {
  EXPECT_EQ(scramMechanismName(ScramHash::sha1, false), "SCRAM-SHA-1");
  EXPECT_EQ(scramMechanismName(ScramHash::sha256, true), "SCRAM-SHA-256-PLUS");
  auto m = parseScramMechanism("SCRAM-SHA-1-PLUS");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->hash, ScramHash::sha1);
  EXPECT_TRUE(m->plus);
  EXPECT_FALSE(parseScramMechanism("SCRAM-SHA-512"));
  EXPECT_FALSE(parseScramMechanism("PLAIN"));
}

TEST(Scram, DeriveRefusesBadInput) {
  EXPECT_FALSE(deriveScramCredentials(ScramHash::sha256, "pw", "", 4096));
  EXPECT_FALSE(deriveScramCredentials(ScramHash::sha256, "pw", "salt", 0));
  EXPECT_FALSE(deriveScramCredentials(ScramHash::sha256, "pw", "salt", kScramMaxIterations + 1));
  EXPECT_FALSE(deriveScramCredentials(ScramHash::sha256, "\x07", "salt", 4096));
  EXPECT_FALSE(deriveScramCredentials(ScramHash::sha256, "\xC2\xAD", "salt", 4096));  // empty
  auto a = makeScramCredentials(ScramHash::sha256, "pw");
  auto b = makeScramCredentials(ScramHash::sha256, "pw");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->salt.size(), 16u);
  EXPECT_NE(a->salt, b->salt);
  EXPECT_NE(a->storedKey, b->storedKey);
  EXPECT_EQ(a->storedKey.size(), 32u);
  EXPECT_EQ(a->iterations, kScramMinIterations);
}

// A full exchange between ScramClient and ScramServer.
struct Exchange {
  ScramServerConfig server;
  ScramClientConfig client;
  std::optional<ScramCredentials> stored;
  std::optional<base::Error> error;  // first failure on either side
  bool serverOk = false;
  bool clientOk = false;

  void run() {
    ScramServer s(server);
    ScramClient c(client);
    auto first = s.handleClientFirst(c.clientFirst(), [&](std::string_view) { return stored; });
    if (!first) {
      error = first.error();
      return;
    }
    auto final = c.handleServerFirst(*first);
    if (!final) {
      error = final.error();
      return;
    }
    auto serverFinal = s.handleClientFinal(*final);
    if (!serverFinal) {
      error = serverFinal.error();
      return;
    }
    serverOk = s.succeeded();
    auto done = c.handleServerFinal(*serverFinal);
    if (!done) {
      error = done.error();
      return;
    }
    clientOk = true;
  }
};

Exchange exchange(ScramHash h, std::string password = "secret") {
  Exchange e;
  e.server.hash = h;
  e.client.hash = h;
  e.client.username = "juliet";
  e.client.password = std::move(password);
  e.stored = *makeScramCredentials(h, "secret");
  return e;
}

TEST(Scram, ClientAndServerAgree) {
  for (ScramHash h : {ScramHash::sha1, ScramHash::sha256}) {
    Exchange e = exchange(h);
    e.run();
    EXPECT_FALSE(e.error) << e.error->describe();
    EXPECT_TRUE(e.serverOk);
    EXPECT_TRUE(e.clientOk);
  }
}

TEST(Scram, WrongPasswordIsNotAuthorized) {
  Exchange e = exchange(ScramHash::sha256, "guess");
  e.run();
  ASSERT_TRUE(e.error);
  EXPECT_EQ(conditionOf(*e.error), SaslCondition::notAuthorized);
  EXPECT_FALSE(e.serverOk);
}

TEST(Scram, UnknownUserLooksLikeWrongPassword) {
  Exchange e = exchange(ScramHash::sha256);
  e.stored.reset();
  e.run();
  ASSERT_TRUE(e.error);
  EXPECT_EQ(conditionOf(*e.error), SaslCondition::notAuthorized);
  // The made-up salt is stable per user name, so probing twice reveals nothing.
  auto salt = [](std::string_view user) {
    ScramServer s({});
    auto first = s.handleClientFirst("n,,n=" + std::string(user) + ",r=abc",
                                     [](std::string_view) { return std::nullopt; });
    EXPECT_TRUE(first);
    auto attrs = first->substr(first->find(",s="));
    return attrs;
  };
  EXPECT_EQ(salt("ghost"), salt("ghost"));
  EXPECT_NE(salt("ghost"), salt("spirit"));
}

TEST(Scram, ChannelBindingSucceedsWithTheSameTlsSession) {
  for (std::string_view type : {kTlsExporter, kTlsServerEndPoint}) {
    Exchange e = exchange(ScramHash::sha256);
    ChannelBinding cb{std::string(type), std::string(32, '\x5A')};
    e.server.plus = true;
    e.server.plusOffered = true;
    e.server.channelBindings = {ChannelBinding{"tls-unique", "x"}, cb};
    e.client.binding = cb;
    e.run();
    EXPECT_FALSE(e.error) << e.error->describe();
    EXPECT_TRUE(e.clientOk);
  }
}

TEST(Scram, ChannelBindingMismatchIsRefused) {
  Exchange e = exchange(ScramHash::sha256);
  e.server.plus = true;
  e.server.plusOffered = true;
  e.server.channelBindings = {ChannelBinding{std::string(kTlsExporter), std::string(32, 'A')}};
  // The client's TLS session is a different one (a man in the middle).
  e.client.binding = ChannelBinding{std::string(kTlsExporter), std::string(32, 'B')};
  e.run();
  ASSERT_TRUE(e.error);
  EXPECT_EQ(conditionOf(*e.error), SaslCondition::notAuthorized);
  EXPECT_NE(e.error->message.find("channel binding"), std::string::npos);
}

TEST(Scram, UnavailableChannelBindingTypeIsRefused) {
  Exchange e = exchange(ScramHash::sha256);
  e.server.plus = true;
  e.server.channelBindings = {ChannelBinding{std::string(kTlsExporter), ""}};  // no TLS 1.3
  e.client.binding = ChannelBinding{std::string(kTlsExporter), std::string(32, 'A')};
  e.run();
  ASSERT_TRUE(e.error);
  EXPECT_EQ(conditionOf(*e.error), SaslCondition::notAuthorized);
}

TEST(Scram, DowngradeIsDetected) {
  // The client supports binding but saw no -PLUS offer ("y"); the server did offer it.
  Exchange e = exchange(ScramHash::sha256);
  e.server.plusOffered = true;
  e.client.serverOffersPlus = true;
  e.run();
  ASSERT_TRUE(e.error);
  EXPECT_EQ(conditionOf(*e.error), SaslCondition::notAuthorized);
  EXPECT_NE(e.error->message.find("downgrade"), std::string::npos);
  // Without a -PLUS offer, "y" is fine.
  Exchange ok = exchange(ScramHash::sha256);
  ok.client.serverOffersPlus = true;
  ok.run();
  EXPECT_FALSE(ok.error);
}

TEST(Scram, FlagsMustMatchTheMechanism) {
  Exchange plusWithoutBinding = exchange(ScramHash::sha1);
  plusWithoutBinding.server.plus = true;
  plusWithoutBinding.run();
  ASSERT_TRUE(plusWithoutBinding.error);
  EXPECT_EQ(conditionOf(*plusWithoutBinding.error), SaslCondition::malformedRequest);

  Exchange bindingWithoutPlus = exchange(ScramHash::sha1);
  bindingWithoutPlus.client.binding = ChannelBinding{std::string(kTlsExporter), "x"};
  bindingWithoutPlus.run();
  ASSERT_TRUE(bindingWithoutPlus.error);
  EXPECT_EQ(conditionOf(*bindingWithoutPlus.error), SaslCondition::malformedRequest);
}

TEST(Scram, AuthzidNeedsAuthorization) {
  Exchange refused = exchange(ScramHash::sha256);
  refused.client.authzid = "admin@example.com";
  refused.run();
  ASSERT_TRUE(refused.error);
  EXPECT_EQ(conditionOf(*refused.error), SaslCondition::invalidAuthzid);

  Exchange allowed = exchange(ScramHash::sha256);
  allowed.client.authzid = "juliet@example.com";
  allowed.server.authorize = [](std::string_view user, std::string_view authzid) {
    return authzid == std::string(user) + "@example.com";
  };
  allowed.run();
  EXPECT_FALSE(allowed.error);
}

TEST(Scram, EscapedUsernameAndAuthzid) {
  ScramServer s({});
  ASSERT_TRUE(s.receiveClientFirst("n,a=a=3Db=2Cc,n=we=2Cird=3Dname,r=abc"));
  EXPECT_EQ(s.username(), "we,ird=name");
  EXPECT_EQ(s.authzid(), "a=b,c");
  ScramClientConfig cfg;
  cfg.username = "we,ird=name";
  cfg.nonce = [] { return std::string("abc"); };
  EXPECT_EQ(ScramClient(cfg).clientFirst(), "n,,n=we=2Cird=3Dname,r=abc");
}

TEST(Scram, MalformedClientFirstMessages) {
  const std::vector<std::string> bad = {
      "",
      "n",
      "n,",
      "x,,n=user,r=abc",                        // unknown flag
      "p,,n=user,r=abc",                        // p without a name
      "n,b=x,n=user,r=abc",                     // authzid field not a=
      "n,a=,n=user,r=abc",                      // empty authzid
      "n,,r=abc,n=user",                        // order
      "n,,n=user",                              // no nonce
      "n,,n=,r=abc",                            // empty user
      "n,,n=us=41er,r=abc",                     // bad escape
      "n,,n=user,r=",                           // empty nonce
      "n,,n=user,r=a b",                        // non-printable nonce
      "n,,m=ext,n=user,r=abc",                  // mandatory extension
      "n,,n=user,r=abc,",                       // empty trailing attribute
      "n,,n=user,r=abc,1=x",                    // attribute name not a letter
      std::string("n,,n=us\0er,r=abc", 16),     // NUL
      "n,,n=\xC3,r=abc",                        // invalid UTF-8
      "n,,n=user,r=" + std::string(5000, 'a'),  // too long
  };
  for (const std::string& m : bad) {
    ScramServer s({});
    auto r = s.receiveClientFirst(m);
    ASSERT_FALSE(r) << testing::PrintToString(m);
    EXPECT_EQ(conditionOf(r.error()), SaslCondition::malformedRequest) << m;
    EXPECT_EQ(s.failure(), SaslCondition::malformedRequest);
  }
}

TEST(Scram, OptionalExtensionsAreIgnored) {
  ScramServer s({});
  EXPECT_TRUE(s.receiveClientFirst("n,,n=user,r=abc,x=future"));
}

TEST(Scram, MalformedAndForgedClientFinalMessages) {
  ScramServerConfig cfg;
  cfg.hash = ScramHash::sha1;
  cfg.nonce = [] { return std::string("3rfcNHYJY1ZVvWVs7j"); };
  auto creds = rfcCredentials(ScramHash::sha1, "QSXCR+Q6sek8bf92");
  const std::string nonce = "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j";
  struct Case {
    std::string message;
    SaslCondition expected;
  };
  const std::vector<Case> cases = {
      {"", SaslCondition::malformedRequest},
      {"c=biws," + nonce, SaslCondition::malformedRequest},  // no proof
      {nonce + ",c=biws,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=", SaslCondition::malformedRequest},
      {"c=biws," + nonce + ",p=AAAA", SaslCondition::malformedRequest},  // short proof
      {"c=bi!s," + nonce + ",p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=", SaslCondition::malformedRequest},
      {"c=eSws," + nonce + ",p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=", SaslCondition::notAuthorized},  // y,,
      {"c=biws,r=fyko+d2lbbFgONRv9qkxdawL,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
       SaslCondition::notAuthorized},  // nonce without the server part
      {"c=biws," + nonce + ",p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts4=", SaslCondition::malformedRequest},
      {"c=biws," + nonce + ",p=w0X8v3Bz2T0CJGbJQyF0X+HI4Ts=", SaslCondition::notAuthorized},
  };
  for (const Case& c : cases) {
    ScramServer s(cfg);
    ASSERT_TRUE(s.handleClientFirst(Rfc5802::clientFirst, [&](std::string_view) {
      return std::optional<ScramCredentials>(creds);
    }));
    auto r = s.handleClientFinal(c.message);
    ASSERT_FALSE(r) << c.message;
    EXPECT_EQ(conditionOf(r.error()), c.expected) << c.message << ": " << r.error().describe();
    EXPECT_FALSE(s.succeeded());
    // A failed exchange stays failed.
    EXPECT_FALSE(s.handleClientFinal(Rfc5802::clientFinal));
  }
}

TEST(Scram, StepsOutOfOrderFail) {
  ScramServer s({});
  EXPECT_FALSE(s.handleClientFinal(Rfc5802::clientFinal));
  ScramServer t({});
  ASSERT_TRUE(t.receiveClientFirst(Rfc5802::clientFirst));
  EXPECT_FALSE(t.receiveClientFirst(Rfc5802::clientFirst));
}

TEST(Scram, UnusableStoredCredentialsAreATemporaryFailure) {
  ScramServerConfig cfg;
  cfg.hash = ScramHash::sha256;
  ScramServer s(cfg);
  auto sha1 = *makeScramCredentials(ScramHash::sha1, "pw");  // wrong hash for the mechanism
  auto r = s.handleClientFirst(
      "n,,n=user,r=abc", [&](std::string_view) { return std::optional<ScramCredentials>(sha1); });
  ASSERT_FALSE(r);
  EXPECT_EQ(conditionOf(r.error()), SaslCondition::temporaryAuthFailure);
}

TEST(ScramClient, RefusesHostileServerFirstMessages) {
  const std::vector<std::string> bad = {
      "r=other,s=QSXCR+Q6sek8bf92,i=4096",         // nonce not extending ours
      "r=abc,s=QSXCR+Q6sek8bf92,i=4096",           // nonce not extended
      "r=abcdef,s=,i=4096",                        // empty salt
      "r=abcdef,s=QSXCR+Q6sek8bf92,i=0",           // zero iterations
      "r=abcdef,s=QSXCR+Q6sek8bf92,i=0100",        // leading zero
      "r=abcdef,s=QSXCR+Q6sek8bf92,i=4000000000",  // would make us spin
      "r=abcdef,s=QSXCR+Q6sek8bf92",               // missing i
      "m=x,r=abcdef,s=QSXCR+Q6sek8bf92,i=4096",    // mandatory extension
  };
  for (const std::string& m : bad) {
    ScramClientConfig cfg;
    cfg.username = "u";
    cfg.password = "p";
    cfg.nonce = [] { return std::string("abc"); };
    ScramClient c(cfg);
    c.clientFirst();
    EXPECT_FALSE(c.handleServerFirst(m)) << m;
  }
}

TEST(ScramClient, ServerErrorAttributeIsAFailure) {
  Exchange e = exchange(ScramHash::sha256);
  ScramClient c(e.client);
  ScramServer s(e.server);
  auto first = s.handleClientFirst(c.clientFirst(), [&](std::string_view) { return e.stored; });
  ASSERT_TRUE(first);
  ASSERT_TRUE(c.handleServerFirst(*first));
  auto r = c.handleServerFinal("e=invalid-proof");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("invalid-proof"), std::string::npos);
}

TEST(ScramClient, CachedSaltedPasswordSkipsDerivation) {
  Exchange e = exchange(ScramHash::sha256);
  ScramClient c(e.client);
  ScramServer s(e.server);
  auto first = s.handleClientFirst(c.clientFirst(), [&](std::string_view) { return e.stored; });
  ASSERT_TRUE(first);
  ASSERT_TRUE(c.handleServerFirst(*first));
  // Second login with the cache and a wrong password: the cache is used, so it succeeds.
  Exchange again = exchange(ScramHash::sha256, "not the password");
  again.stored = e.stored;
  again.client.cachedSalt = c.salt();
  again.client.cachedIterations = c.iterations();
  again.client.cachedSaltedPassword = c.saltedPassword();
  again.run();
  EXPECT_FALSE(again.error);
  EXPECT_TRUE(again.clientOk);
}

}  // namespace
}  // namespace keyfed::xmpp
