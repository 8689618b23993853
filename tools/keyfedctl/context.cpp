#include "context.hpp"

#include <cstdio>

namespace keyfed::ctl {

void printError(const std::string& message) {
  std::fprintf(stderr, "keyfedctl: %s\n", message.c_str());
}

void printError(const base::Error& error) {
  printError(error.describe());
}

int failure(const std::string& message) {
  printError(message);
  return kExitFailure;
}

int failure(const base::Error& error) {
  printError(error);
  return kExitFailure;
}

void printWarning(const std::string& message) {
  std::fprintf(stderr, "keyfedctl: warning: %s\n", message.c_str());
}

}  // namespace keyfed::ctl
