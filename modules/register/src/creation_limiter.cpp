#include "creation_limiter.hpp"

namespace keyfed::modules::registration {

CreationLimiter::CreationLimiter(std::size_t perAddress, base::SteadyTime::duration window,
                                 std::size_t maxAddresses)
    : perAddress_(perAddress), window_(window), maxAddresses_(maxAddresses) {}

void CreationLimiter::expire(std::deque<base::SteadyTime>& stamps, base::SteadyTime now) const {
  while (!stamps.empty() && now - stamps.front() >= window_) stamps.pop_front();
}

void CreationLimiter::expireAll(base::SteadyTime now) {
  for (auto it = created_.begin(); it != created_.end();) {
    expire(it->second, now);
    it = it->second.empty() ? created_.erase(it) : std::next(it);
  }
}

bool CreationLimiter::allows(std::string_view address, base::SteadyTime now) {
  if (perAddress_ == 0) return false;
  auto it = created_.find(std::string(address));
  if (it == created_.end()) {
    if (created_.size() >= maxAddresses_) expireAll(now);
    return created_.size() < maxAddresses_;
  }
  expire(it->second, now);
  return it->second.size() < perAddress_;
}

void CreationLimiter::record(std::string_view address, base::SteadyTime now) {
  auto& stamps = created_[std::string(address)];
  expire(stamps, now);
  stamps.push_back(now);
}

}  // namespace keyfed::modules::registration
