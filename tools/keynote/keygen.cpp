// keynote keygen AlgorithmName KeySize PublicKeyFile PrivateKeyFile [print-offset] [print-length]
//
// Messages, layout and exit codes follow keynote(1). keyfed additions: the
// algorithm may be omitted (or given as "default") for an Ed25519 key, and
// ed25519-*, ecdsa-p256-* and x509-* keys can be generated.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "keynote/keys.hpp"

namespace {

constexpr int kPrintOffset = 12;
constexpr int kPrintLength = 50;

void usage() {
  std::fprintf(stderr, "Arguments:\n");
  std::fprintf(stderr,
               "\t[<AlgorithmName>] <keysize> <PublicKeyFile> <PrivateKeyFile> "
               "[<print-offset>] [<print-length>]\n");
}

bool isNumber(const char* s) {
  if (*s == '\0') return false;
  for (; *s != '\0'; ++s) {
    if (std::isdigit(static_cast<unsigned char>(*s)) == 0) return false;
  }
  return true;
}

// Write `text` to `path` ("-" is standard output), reporting errors as
// perror() does. Private keys are created readable by their owner only.
bool writeOut(const std::string& path, const std::string& text, bool secret) {
  if (path == "-") {
    std::fputs(text.c_str(), stdout);
    return true;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, secret ? 0600 : 0644);
  if (fd < 0) {
    std::perror(path.c_str());
    return false;
  }
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) {
      std::perror(path.c_str());
      ::close(fd);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) {
    std::perror(path.c_str());
    return false;
  }
  return true;
}

}  // namespace

int runKeygen(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  // keyfed: `keynote keygen 256 pub priv` makes the default (Ed25519) key.
  if (args.size() >= 2 && isNumber(args[1].c_str())) args.insert(args.begin() + 1, "default:");
  if (args.size() != 5 && args.size() != 6 && args.size() != 7) {
    usage();
    return 0;
  }
  std::string algname = args[1];
  const bool isDefault = algname == "default" || algname == "default:" || algname.empty();
  if (isDefault) {
    algname = "ed25519-hex:";
  } else if (algname.back() != ':') {
    std::fprintf(stderr, "Algorithm name [%s] should be terminated with a colon, fixing.\n",
                 algname.c_str());
    algname.push_back(':');
  }

  int begin = kPrintOffset;
  int prlen = kPrintLength;
  if (args.size() > 5) {
    begin = std::atoi(args[5].c_str());
    if (begin <= -1) {
      std::fprintf(stderr, "Erroneous value for print-offset parameter.\n");
      return 1;
    }
  }
  if (args.size() > 6) {
    prlen = std::atoi(args[6].c_str());
    if (prlen <= 0) {
      std::fprintf(stderr, "Erroneous value for print-length parameter.\n");
      return 1;
    }
  }
  if (algname.size() + 2 > static_cast<std::size_t>(prlen)) {
    std::fprintf(stderr,
                 "Parameter ``print-length'' should be larger than the length of AlgorithmName "
                 "(%zu)\n",
                 algname.size());
    return 1;
  }
  const int bits = std::atoi(args[2].c_str());
  if (bits <= 0) {
    std::fprintf(stderr, "Invalid specified keysize %d\n", bits);
    return 1;
  }

  auto pair = keynote::generateKey(algname, bits);
  if (!pair) {
    if (pair.error().message.rfind("unknown key algorithm", 0) == 0) {
      std::fprintf(stderr, "Unknown/unsupported algorithm [%s]\n", algname.c_str());
    } else {
      std::fprintf(stderr, "%s\n", pair.error().message.c_str());
    }
    return 1;
  }
  // The bits after the library's own prefix, printed under the name as given.
  const std::string& pub = pair->publicKey;
  std::string& priv = pair->privateKey;
  const std::string pubBits = pub.substr(pub.find(':') + 1);
  std::string privText = keynote::formatQuoted(
      "private-" + algname, std::string_view(priv).substr(priv.find(':') + 1), begin, prlen);
  std::fill(priv.begin(), priv.end(), '\0');

  bool ok = writeOut(args[3], keynote::formatQuoted(algname, pubBits, begin, prlen), false);
  if (ok && args[4] == "-" && args[3] == "-") std::fputs("===========================\n", stdout);
  ok = ok && writeOut(args[4], privText, true);
  std::fill(privText.begin(), privText.end(), '\0');
  std::fflush(stdout);
  return ok ? 0 : 1;
}
