// keynote verify [-h] [--explain] -e file -k file -l file -r retlist [file ...]
//
// Output, messages and exit codes of keynote(1): "Query result = VALUE" then
// one "Failed assertion N due to ..." line per failed assertion; errors in
// arguments or files go to stderr with exit status 1. Trusted (-l)
// assertions get ids first, in command-line order, then the credential
// operands from last to first, as the classic tool adds them.
// keyfed addition: --explain prints the explanation of the answer after the
// classic output.

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "keynote/environment.hpp"
#include "keynote/keynote.hpp"
#include "keynote/keys.hpp"
#include "read_file.hpp"

namespace {

constexpr std::size_t kMaxFileBytes = std::size_t{16} * 1024 * 1024;

void verifyUsage() {
  std::fprintf(stderr, "Arguments:\n");
  std::fprintf(stderr, "\t-h:             This message\n");
  std::fprintf(stderr, "\t-r <valuelist>: Comma separated, ordered return-value list\n");
  std::fprintf(stderr, "\t-e <filename>:  Environment settings\n");
  std::fprintf(stderr, "\t-l <filename>:  Trusted (local) assertion\n");
  std::fprintf(stderr, "\t-k <filename>:  File containing key\n");
  std::fprintf(stderr, "\t--explain:      Explain the result (keyfed extension)\n");
  std::fprintf(stderr, "Followed by a list of:\n");
  std::fprintf(stderr, "\t<filename>:     Non-local assertion\n");
}

struct Options {
  std::vector<std::string> values;
  bool haveValues = false;
  bool haveEnvironment = false;
  bool haveKey = false;
  bool haveTrusted = false;
  bool explain = false;
  std::vector<const char*> credentials;
};

int errnoOf(const keynote::Error& e) {
  return e.code == "limit" && e.line == 0 ? -1 /* ERROR_MEMORY */ : -2 /* ERROR_SYNTAX */;
}

}  // namespace

int runVerify(int argc, char** argv) {
  if (argc <= 1) {
    verifyUsage();
    return 1;
  }
  keynote::Session session(keynote::defaultCryptoProvider());
  Options o;
  bool optionsDone = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (optionsDone || arg.size() < 2 || arg[0] != '-') {
      o.credentials.push_back(argv[i]);
      continue;
    }
    if (arg == "--") {
      optionsDone = true;
      continue;
    }
    if (arg == "--explain") {
      o.explain = true;
      continue;
    }
    const char flag = arg[1];
    if (flag == 'h' && arg.size() == 2) {
      verifyUsage();
      return 0;
    }
    if (std::strchr("rekl", flag) == nullptr || (arg.size() > 2 && arg[1] == '-')) {
      verifyUsage();
      return 1;
    }
    const char* value = nullptr;
    if (arg.size() > 2) {
      value = argv[i] + 2;
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      verifyUsage();
      return 1;
    }
    switch (flag) {
      case 'r': {
        if (o.haveValues) {
          std::fprintf(stderr, "Do not define two sets of return values.\n");
          return 1;
        }
        o.haveValues = true;
        std::string_view list = value;
        std::size_t start = 0;
        while (true) {
          std::size_t comma = list.find(',', start);
          o.values.emplace_back(list.substr(
              start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
          if (comma == std::string_view::npos) break;
          start = comma + 1;
        }
        break;
      }
      case 'e': {
        std::string text;
        if (!readBoundedFile(value, kMaxFileBytes, text)) return 1;
        auto env = keynote::parseAttributeFile(text);
        if (!env) {
          std::fprintf(stderr, "Syntax error in environment file <%s>, %s\n", value,
                       env.error().describe().c_str());
          return 1;
        }
        for (const auto& [name, v] : *env) {
          auto st = session.setAction(name, v);
          if (!st) {
            std::fprintf(stderr, "Error adding action attribute %s from <%s>: %s\n", name.c_str(),
                         value, st.error().message.c_str());
            return 1;
          }
        }
        o.haveEnvironment = true;
        break;
      }
      case 'k': {
        std::string text;
        if (!readBoundedFile(value, kMaxFileBytes, text)) return 1;
        o.haveKey = true;
        auto key = keynote::parseQuotedKey(text);
        if (!key || key->empty() ||
            keynote::classifyPrincipal(*key) == keynote::PrincipalKind::MalformedKey ||
            !session.addAuthorizer(*key)) {
          std::fprintf(stderr, "Syntax error adding authorizer %s\n", value);
          return 1;
        }
        break;
      }
      case 'l': {
        std::string text;
        if (!readBoundedFile(value, kMaxFileBytes, text)) return 1;
        o.haveTrusted = true;
        auto id = session.addAssertion(text, keynote::Trust::Trusted);
        if (!id) {
          std::fprintf(stderr, "Error for assertion in file <%s>, errno %d.\n", value,
                       errnoOf(id.error()));
          std::fprintf(stderr, "  %s\n", id.error().describe().c_str());
        }
        break;
      }
      default: break;
    }
  }

  if (!o.haveValues) {
    std::fprintf(stderr, "Should set return values before evaluations begin.\n");
    return 1;
  }
  if (!o.haveEnvironment) {
    std::fprintf(stderr, "Should set environment before evaluations begin.\n");
    return 1;
  }
  if (!o.haveKey) {
    std::fprintf(stderr, "Should specify at least one action authorizer.\n");
    return 1;
  }
  if (!o.haveTrusted) {
    std::fprintf(stderr, "Should specify at least one trusted assertion (POLICY).\n");
    return 1;
  }

  // Credentials are added from the last operand to the first ([ref]).
  for (auto it = o.credentials.rbegin(); it != o.credentials.rend(); ++it) {
    std::string text;
    if (!readBoundedFile(*it, kMaxFileBytes, text)) return 1;
    auto id = session.addAssertion(text, keynote::Trust::Untrusted);
    if (!id) {
      std::fprintf(stderr, "Error for assertion in file <%s>, errno %d.\n", *it,
                   errnoOf(id.error()));
      std::fprintf(stderr, "  %s\n", id.error().describe().c_str());
    }
  }

  std::vector<std::string_view> values(o.values.begin(), o.values.end());
  std::printf("Query result = ");
  std::fflush(stdout);
  auto result = session.query(std::span<const std::string_view>(values));
  if (!result) {
    if (result.error().code == "not-found") {
      std::printf("<session or other information not found!>\n");
    } else {
      std::printf("<uninitialized authorizers or all POLICY assertions are malformed!>\n");
    }
    std::fprintf(stderr, "%s\n", result.error().describe().c_str());
    return 1;
  }
  std::printf("%s\n", o.values[*result].c_str());

  const auto failures = session.failures();
  for (const auto& f : failures) {
    if (f.kind == keynote::FailureKind::Syntax) {
      std::printf("Failed assertion %u due to syntax or semantic error.\n", f.id);
    }
  }
  for (const auto& f : failures) {
    if (f.kind == keynote::FailureKind::Signature) {
      std::printf("Failed assertion %u due to signature verification failure.\n", f.id);
    }
  }
  std::vector<keynote::AssertionId> reported;
  for (const auto& f : failures) {
    if (f.kind == keynote::FailureKind::Limit &&
        std::find(reported.begin(), reported.end(), f.id) == reported.end()) {
      reported.push_back(f.id);
      std::printf("Failed assertion %u due to unspecified error.\n", f.id);
    }
  }

  if (o.explain) {
    auto e = session.explain(std::span<const std::string_view>(values));
    if (e) std::printf("\n%s", e->text().c_str());
  }
  std::fflush(stdout);
  return 0;
}
