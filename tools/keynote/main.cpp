// keynote: the command-line front of the KeyNote engine, with the verbs and
// behaviour of keynote(1): keygen, sign, sigver, verify.

#include <cstdio>
#include <cstring>

#include "commands.hpp"

namespace {

void usage() {
  std::fprintf(stderr,
               "Usage: keynote keygen|sign|sigver|verify <options>\n"
               "  keynote keygen [AlgorithmName] KeySize PublicKeyFile PrivateKeyFile "
               "[print-offset] [print-length]\n"
               "  keynote sign [-v] AlgorithmName AssertionFile PrivateKeyFile "
               "[print-offset] [print-length]\n"
               "  keynote sigver [AssertionFile]\n"
               "  keynote verify [-h] [--explain] -e file -k file -l file -r retlist "
               "[file ...]\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    usage();
    return 1;
  }
  const char* verb = argv[1];
  if (std::strcmp(verb, "keygen") == 0) return runKeygen(argc - 1, argv + 1);
  if (std::strcmp(verb, "sign") == 0) return runSign(argc - 1, argv + 1);
  if (std::strcmp(verb, "sigver") == 0) return runSigver(argc - 1, argv + 1);
  if (std::strcmp(verb, "verify") == 0) return runVerify(argc - 1, argv + 1);
  if (std::strcmp(verb, "-h") == 0 || std::strcmp(verb, "--help") == 0) {
    usage();
    return 0;
  }
  usage();
  return 1;
}
