#include "read_file.hpp"

#include <cstdio>
#include <utility>

bool readBoundedFile(const char* path, std::size_t maxBytes, std::string& out) {
  std::FILE* fp = std::fopen(path, "rb");
  if (fp == nullptr) {
    std::perror(path);
    return false;
  }
  std::string data;
  char buf[8192];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, fp)) > 0) {
    data.append(buf, n);
    if (data.size() > maxBytes) {
      std::fclose(fp);
      std::fprintf(stderr, "%s: file larger than %zu bytes\n", path, maxBytes);
      return false;
    }
  }
  const bool failed = std::ferror(fp) != 0;
  std::fclose(fp);
  if (failed) {
    std::perror(path);
    return false;
  }
  out = std::move(data);
  return true;
}
