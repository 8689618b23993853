#include "coalescer.hpp"

#include <utility>

namespace keyfed::modules::push {

Coalescer::Verdict Coalescer::add(base::SteadyTime now, WakeFacts facts) {
  ++pending_.messageCount;
  pending_.lastSender = std::move(facts.sender);
  pending_.lastBody = std::move(facts.body);
  return !lastSent_ || now >= nextAllowed() ? Verdict::sendNow : Verdict::held;
}

Summary Coalescer::take(base::SteadyTime now) {
  lastSent_ = now;
  return std::exchange(pending_, Summary{});
}

base::SteadyTime Coalescer::nextAllowed() const {
  return lastSent_ ? *lastSent_ + interval_ : base::SteadyTime{};
}

}  // namespace keyfed::modules::push
