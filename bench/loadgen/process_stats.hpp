#pragma once
// What the run samples from the operating system: the server's resident set
// (memory per idle authenticated connection) and CPU time, and the
// generator's own CPU time (was the generator, not the server, the limit?).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace keyfed::loadgen {

// VmRSS of a process in KiB from /proc/PID/status; nullopt when unreadable.
std::optional<std::uint64_t> residentKib(int pid);
// Parses the VmRSS line out of a /proc/PID/status text (exposed for tests).
std::optional<std::uint64_t> parseVmRss(std::string_view status);

// User + system CPU time used by this process so far.
std::chrono::microseconds ownCpuTime();
// The same for another process, from /proc/PID/stat; nullopt when unreadable.
// On a machine shared with other work, CPU time per message or per login is
// steadier than messages/s.
std::optional<std::chrono::microseconds> processCpuTime(int pid);
// utime + stime of a /proc/PID/stat line (exposed for tests).
std::optional<std::chrono::microseconds> parseStatCpu(std::string_view stat, long ticksPerSecond);

// Raises the soft open-file limit to at least `needed` (up to the hard
// limit); returns the resulting soft limit.
std::uint64_t raiseFileLimit(std::uint64_t needed);

}  // namespace keyfed::loadgen
