#pragma once
// Following RFC 6120 <see-other-host/> (docs/clearinghouse.md, "Redirection
// service"): the trail of hosts one outgoing attempt has been sent to, which
// bounds the number of redirects and refuses loops. No I/O.

#include <cstddef>
#include <vector>

#include "keyfed/base/result.hpp"
#include "keyfed/xmpp/see_other_host.hpp"

namespace keyfed::modules::s2s {

// The hosts one attempt has been sent to, the first connection included.
class RedirectTrail {
 public:
  explicit RedirectTrail(std::size_t maxRedirects) : max_(maxRedirects) {}

  // The endpoint the attempt first connected to.
  void begin(const xmpp::SeeOtherHost& first);
  // Whether one more redirect, to `next`, may be followed: refused
  // (s2s.redirect-limit) past the bound, or (s2s.redirect-loop) to a host
  // already on the trail. Followed: `next` is recorded.
  base::Result<void> follow(const xmpp::SeeOtherHost& next);
  [[nodiscard]] std::size_t redirects() const { return visited_.empty() ? 0 : visited_.size() - 1; }
  [[nodiscard]] std::size_t maxRedirects() const { return max_; }

 private:
  std::size_t max_;
  std::vector<xmpp::SeeOtherHost> visited_;
};

}  // namespace keyfed::modules::s2s
