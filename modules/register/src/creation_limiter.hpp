#pragma once
// How many accounts each remote address created recently: a sliding window
// per address, so that one host cannot mint accounts by the thousand.
//
// Memory is bounded: at most `maxAddresses` addresses are tracked; when that
// many created accounts within the window, further creations are refused
// until the window moves on (failing closed under a distributed flood).

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>

#include "keyfed/base/clock.hpp"

namespace keyfed::modules::registration {

class CreationLimiter {
 public:
  CreationLimiter(std::size_t perAddress, base::SteadyTime::duration window,
                  std::size_t maxAddresses = 10000);

  // Whether `address` may create one more account at `now`.
  [[nodiscard]] bool allows(std::string_view address, base::SteadyTime now);
  // Counts an account created by `address` at `now`.
  void record(std::string_view address, base::SteadyTime now);

  [[nodiscard]] std::size_t trackedAddresses() const { return created_.size(); }

 private:
  void expire(std::deque<base::SteadyTime>& stamps, base::SteadyTime now) const;
  void expireAll(base::SteadyTime now);

  std::size_t perAddress_;
  base::SteadyTime::duration window_;
  std::size_t maxAddresses_;
  std::unordered_map<std::string, std::deque<base::SteadyTime>> created_;
};

}  // namespace keyfed::modules::registration
