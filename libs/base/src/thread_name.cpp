#include "keyfed/base/thread_name.hpp"

#include <pthread.h>

#include <algorithm>
#include <array>

namespace keyfed::base {

bool nameCurrentThread(std::string_view name) {
  std::array<char, 16> shortName{};  // 15 bytes and the terminator
  std::copy_n(name.begin(), std::min(name.size(), shortName.size() - 1), shortName.begin());
  return pthread_setname_np(pthread_self(), shortName.data()) == 0;
}

}  // namespace keyfed::base
