// The KeyNote conformance corpus against the library: each case of
// tests/keynote/corpus (format: corpus.py) is set up as `keynote verify`
// would set it up, through keynote::Session, and must print exactly the
// expected output.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "keynote/environment.hpp"
#include "keynote/keynote.hpp"
#include "keynote/keys.hpp"

namespace {

namespace fs = std::filesystem;

// The corpus directory (tests/keynote), known at build time.
fs::path corpusDir() {
  return fs::path(KEYNOTE_CORPUS_DIR);
}

struct Section {
  std::string kind;
  std::map<std::string, std::string> attrs;
  std::string body;
};

std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<Section> parseCase(const fs::path& p) {
  std::vector<Section> out;
  std::istringstream in(readFile(p));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("=== ", 0) == 0) {
      std::istringstream words(line.substr(4));
      Section s;
      words >> s.kind;
      for (std::string w; words >> w;) {
        auto eq = w.find('=');
        s.attrs[w.substr(0, eq)] = eq == std::string::npos ? "" : w.substr(eq + 1);
      }
      out.push_back(std::move(s));
    } else if (!out.empty()) {
      out.back().body += line + "\n";
    }
  }
  return out;
}

std::string keyOf(const std::string& name) {
  auto key = keynote::parseQuotedKey(readFile(corpusDir() / "keys" / (name + ".pub")));
  return key ? *key : "<bad key file " + name + ">";
}

std::string reencode(const std::string& key, const std::string& target) {
  const auto colon = key.find(':');
  const std::string prefix = key.substr(0, colon);
  const std::string family = prefix.substr(0, prefix.rfind('-'));
  const std::string encoding = prefix.substr(prefix.rfind('-') + 1);
  const std::string bits = key.substr(colon + 1);
  auto raw = encoding == "hex" ? keynote::decodeHex(bits) : keynote::decodeBase64(bits);
  if (!raw) return "<undecodable key>";
  return target == "hex" ? family + "-hex:" + keynote::encodeHex(*raw)
                         : family + "-base64:" + keynote::encodeBase64(*raw);
}

// @KEY(name), @KEYHEX(name), @KEYB64(name), as corpus.py substitutes them.
std::string substitute(const std::string& text) {
  std::string out;
  std::size_t i = 0;
  while (true) {
    const std::size_t at = text.find("@KEY", i);
    if (at == std::string::npos) break;
    out += text.substr(i, at - i);
    std::size_t p = at + 4;
    std::string variant;
    for (const char* v : {"HEX", "B64"}) {
      if (text.compare(p, 3, v) == 0) variant = v;
    }
    p += variant.size();
    const std::size_t close = text.find(')', p);
    if (p >= text.size() || text[p] != '(' || close == std::string::npos) {
      out += "@KEY";
      i = at + 4;
      continue;
    }
    std::string key = keyOf(text.substr(p + 1, close - p - 1));
    if (variant == "HEX") key = reencode(key, "hex");
    if (variant == "B64") key = reencode(key, "base64");
    out += key;
    i = close + 1;
  }
  return out + text.substr(i);
}

// Cases about the CLI's own argument and file handling (an exit status other
// than 0, options other than --explain, no query) are for run_corpus.py.
bool libraryCase(const std::vector<Section>& sections) {
  bool query = false;
  for (const Section& s : sections) {
    if (s.kind == "exit" && std::stoi(s.body) != 0) return false;
    if (s.kind == "args" && s.body != "--explain\n") return false;
    if (s.kind == "values") query = true;
  }
  return query;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, LibraryGivesTheExpectedOutput) {
  const auto sections = parseCase(corpusDir() / "corpus" / GetParam());
  std::string expected;
  std::vector<std::string> values;
  std::vector<std::string> policies;
  std::vector<std::string> credentials;
  std::vector<std::string> keys;
  std::vector<std::string> envs;
  bool explain = false;
  for (const Section& s : sections) {
    if (s.kind == "expect") expected = s.body;
    if (s.kind == "policy") policies.push_back(substitute(s.body));
    if (s.kind == "credential") credentials.push_back(substitute(s.body));
    if (s.kind == "env") envs.push_back(substitute(s.body));
    if (s.kind == "args") explain = true;  // libraryCase(): only --explain
    if (s.kind == "key") {
      if (s.attrs.count("file") != 0) {
        std::string key = keyOf(s.attrs.at("file"));
        if (s.attrs.count("as") != 0) key = reencode(key, s.attrs.at("as"));
        keys.push_back(key);
      } else {
        auto key = keynote::parseQuotedKey(substitute(s.body));
        ASSERT_TRUE(key) << key.error().describe();
        keys.push_back(*key);
      }
    }
    if (s.kind == "values") {
      std::string list = s.body.substr(0, s.body.find('\n'));
      std::size_t start = 0;
      for (std::size_t comma; (comma = list.find(',', start)) != std::string::npos;
           start = comma + 1) {
        values.push_back(list.substr(start, comma - start));
      }
      values.push_back(list.substr(start));
    }
  }

  keynote::Session session(keynote::defaultCryptoProvider());
  for (const std::string& env : envs) {
    auto assignments = keynote::parseAttributeFile(env);
    ASSERT_TRUE(assignments) << assignments.error().describe();
    for (const auto& [name, value] : *assignments) ASSERT_TRUE(session.setAction(name, value));
  }
  for (const std::string& k : keys) ASSERT_TRUE(session.addAuthorizer(k)) << k;
  for (const std::string& p : policies) (void)session.addAssertion(p, keynote::Trust::Trusted);
  for (auto c = credentials.rbegin(); c != credentials.rend(); ++c) {
    (void)session.addAssertion(*c, keynote::Trust::Untrusted);
  }
  std::vector<std::string_view> views(values.begin(), values.end());
  auto result = session.query(std::span<const std::string_view>(views));
  ASSERT_TRUE(result) << result.error().describe();

  std::string out = "Query result = " + values[*result] + "\n";
  const auto failures = session.failures();
  for (auto kind : {keynote::FailureKind::Syntax, keynote::FailureKind::Signature,
                    keynote::FailureKind::Limit}) {
    std::vector<keynote::AssertionId> seen;
    for (const auto& f : failures) {
      if (f.kind != kind || std::count(seen.begin(), seen.end(), f.id) != 0) continue;
      seen.push_back(f.id);
      out += "Failed assertion " + std::to_string(f.id) + " due to " +
             (kind == keynote::FailureKind::Syntax      ? "syntax or semantic error"
              : kind == keynote::FailureKind::Signature ? "signature verification failure"
                                                        : "unspecified error") +
             ".\n";
    }
  }
  if (explain) {
    auto e = session.explain(std::span<const std::string_view>(views));
    ASSERT_TRUE(e);
    out += "\n" + e->text();
  }
  EXPECT_EQ(out, expected);
}

std::vector<std::string> caseNames() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(corpusDir() / "corpus")) {
    if (entry.path().extension() == ".case" && libraryCase(parseCase(entry.path()))) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Cases, Corpus, ::testing::ValuesIn(caseNames()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(0, info.param.size() - 5);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
