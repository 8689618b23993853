// keynote sigver AssertionFile
//
// Checks the signature of every assertion in the file (assertions separated
// by blank lines, numbered from 0) and says, per assertion, whether it
// verified, as keynote(1) does.

#include <cstdio>
#include <string>

#include "commands.hpp"
#include "keynote/assertion.hpp"
#include "keynote/keys.hpp"
#include "read_file.hpp"

namespace {

constexpr std::size_t kMaxFileBytes = std::size_t{16} * 1024 * 1024;

void usage() {
  std::fprintf(stderr, "Arguments:\n");
  std::fprintf(stderr, "\t<AssertionFile>\n");
}

}  // namespace

int runSigver(int argc, char** argv) {
  if (argc != 2) {
    usage();
    return 0;
  }
  std::string text;
  if (!readBoundedFile(argv[1], kMaxFileBytes, text)) return 1;
  if (text.empty()) {
    std::fprintf(stderr, "Error: zero-sized assertion-file.\n");
    return 1;
  }
  const auto pieces = keynote::splitAssertions(text);
  if (pieces.empty()) {
    std::fprintf(stderr, "No assertions found in %s.\n", argv[1]);
    return 1;
  }
  int j = 0;
  for (const auto& piece : pieces) {
    auto check = keynote::verifyCredential(piece.text);
    if (!check) {
      std::fprintf(stderr, "Syntax error while parsing assertion %d.\n", j);
    } else if (*check == keynote::SignatureCheck::Verified) {
      std::fprintf(stdout, "Signature on assertion %d verified.\n", j);
    } else {
      std::fprintf(stdout, "Signature on assertion %d did not verify!\n", j);
    }
    ++j;
  }
  std::fflush(stdout);
  return 0;
}
