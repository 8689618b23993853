#include "keyfed/server/session_registry.hpp"

#include <algorithm>

namespace keyfed::server {

void SessionRegistry::add(ClientSession& session) {
  auto& list = byBare_[std::string(session.jid().bareView())];
  if (std::find(list.begin(), list.end(), &session) != list.end()) return;
  list.push_back(&session);
  ++count_;
}

void SessionRegistry::remove(ClientSession& session) {
  if (!session.bound()) return;
  auto it = byBare_.find(session.jid().bareView());
  if (it == byBare_.end()) return;
  auto& list = it->second;
  auto pos = std::find(list.begin(), list.end(), &session);
  if (pos == list.end()) return;
  list.erase(pos);
  --count_;
  if (list.empty()) byBare_.erase(it);
}

ClientSession* SessionRegistry::find(const xmpp::Jid& fullJid) const {
  auto it = byBare_.find(fullJid.bareView());
  if (it == byBare_.end()) return nullptr;
  for (ClientSession* s : it->second) {
    if (s->jid() == fullJid) return s;
  }
  return nullptr;
}

const std::vector<ClientSession*>& SessionRegistry::resources(std::string_view bareJid) const {
  static const std::vector<ClientSession*> kNone;
  auto it = byBare_.find(bareJid);
  return it == byBare_.end() ? kNone : it->second;
}

std::vector<ClientSession*> SessionRegistry::messageTargets(std::string_view bareJid) const {
  std::vector<ClientSession*> out;
  int best = 0;
  for (ClientSession* s : resources(bareJid)) {
    if (!s->presence.available || s->presence.priority < 0) continue;
    if (out.empty() || s->presence.priority > best) {
      out.clear();
      best = s->presence.priority;
    }
    if (s->presence.priority == best) out.push_back(s);
  }
  return out;
}

std::vector<ClientSession*> SessionRegistry::availableResources(std::string_view bareJid) const {
  std::vector<ClientSession*> out;
  for (ClientSession* s : resources(bareJid)) {
    if (s->presence.available) out.push_back(s);
  }
  return out;
}

std::size_t SessionRegistry::countForHost(std::string_view host) const {
  std::size_t n = 0;
  for (const auto& [bare, list] : byBare_) {
    if (!list.empty() && list.front()->host() == host) n += list.size();
  }
  return n;
}

}  // namespace keyfed::server
