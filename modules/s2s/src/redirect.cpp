#include "redirect.hpp"

#include <algorithm>

namespace keyfed::modules::s2s {

void RedirectTrail::begin(const xmpp::SeeOtherHost& first) {
  visited_.clear();
  visited_.push_back(first);
}

base::Result<void> RedirectTrail::follow(const xmpp::SeeOtherHost& next) {
  if (redirects() >= max_) {
    return base::fail("s2s.redirect-limit", "more than " + std::to_string(max_) +
                                                " redirect(s) (s2s.redirect.max_redirects)");
  }
  if (std::find(visited_.begin(), visited_.end(), next) != visited_.end()) {
    return base::fail("s2s.redirect-loop",
                      "a redirect loop: " + next.text() + " was already tried for this attempt");
  }
  visited_.push_back(next);
  return {};
}

}  // namespace keyfed::modules::s2s
