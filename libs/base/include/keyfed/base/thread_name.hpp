#pragma once
// Names the calling thread, so that top -H, ps -L, perf and gdb show what a
// server thread is for.

#include <string_view>

namespace keyfed::base {

// At most 15 bytes are kept (the kernel's limit). False when refused.
bool nameCurrentThread(std::string_view name);

}  // namespace keyfed::base
