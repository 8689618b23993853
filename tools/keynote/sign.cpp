// keynote sign [-v] AlgorithmName AssertionFile PrivateKeyFile [print-offset] [print-length]
//
// Prints the signature of the assertion (which must end with a possibly empty
// Signature field) as a quoted string, laid out as keynote(1) does. With -v
// the new signature is verified with the assertion's Authorizer key.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "commands.hpp"
#include "keynote/keys.hpp"
#include "read_file.hpp"

namespace {

constexpr int kPrintOffset = 12;
constexpr int kPrintLength = 50;
constexpr std::size_t kMaxFileBytes = std::size_t{4} * 1024 * 1024;

void usage() {
  std::fprintf(stderr, "Arguments:\n");
  std::fprintf(stderr,
               "\t[-v] <AlgorithmName> <AssertionFile> <PrivateKeyFile> [<print-offset>] "
               "[<print-length>]\n");
}

}  // namespace

int runSign(int argc, char** argv) {
  if (argc < 4 || argc > 7) {
    usage();
    return 1;
  }
  const int flg = std::strcmp(argv[1], "-v") == 0 ? 1 : 0;
  if (argc < 4 + flg || argc > 6 + flg) {
    usage();
    return 1;
  }
  int begin = kPrintOffset;
  int prlen = kPrintLength;
  if (argc > 4 + flg) {
    begin = std::atoi(argv[4 + flg]);
    if (begin <= -1) {
      std::fprintf(stderr, "Erroneous value for print-offset parameter.\n");
      return 1;
    }
  }
  if (argc > 5 + flg) {
    prlen = std::atoi(argv[5 + flg]);
    if (prlen <= 0) {
      std::fprintf(stderr, "Erroneous value for print-length parameter.\n");
      return 1;
    }
  }
  std::string algname = argv[1 + flg];
  if (algname.empty() || algname.back() != ':') {
    std::fprintf(stderr, "Algorithm name [%s] should be terminated with a colon, fixing.\n",
                 algname.c_str());
    algname.push_back(':');
  }

  std::string assertion;
  if (!readBoundedFile(argv[2 + flg], kMaxFileBytes, assertion)) return 1;
  if (assertion.empty()) {
    std::fprintf(stderr, "Error: zero-sized assertion-file.\n");
    return 1;
  }
  std::string key;
  if (!readBoundedFile(argv[3 + flg], kMaxFileBytes, key)) return 1;
  if (key.empty()) {
    std::fprintf(stderr, "Illegal key-file size 0\n");
    return 1;
  }

  auto sig = keynote::signCredential(assertion, algname, key, flg == 1);
  std::fill(key.begin(), key.end(), '\0');
  if (!sig) {
    if (sig.error().code == "internal") {
      std::fprintf(stderr, "Out of memory while creating signature.\n");
    } else {
      std::fprintf(stderr,
                   "Bad assertion or algorithm format, or unsupported algorithm while creating "
                   "signature.\n");
    }
    std::fprintf(stderr, "\t%s\n", sig.error().describe().c_str());
    return 1;
  }
  std::fputs(keynote::formatQuoted("", *sig, begin, prlen).c_str(), stdout);
  std::fflush(stdout);
  return 0;
}
