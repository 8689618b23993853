#include "caps_directory.hpp"

#include <algorithm>

#include "caps_hash.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::pep {
namespace {

constexpr std::string_view kNotifySuffix = "+notify";

}  // namespace

bool CapsRecord::wants(std::string_view node) const {
  return std::binary_search(notify.begin(), notify.end(), node, std::less<>{});
}

CapsRecord capsRecordOf(const xml::Element& query) {
  CapsRecord record;
  for (const xml::Element& feature : query.children("feature", xmpp::ns::discoInfo)) {
    std::string_view var = feature.attr("var");
    if (var.size() > kNotifySuffix.size() && var.ends_with(kNotifySuffix)) {
      var.remove_suffix(kNotifySuffix.size());
      record.notify.emplace_back(var);
    }
  }
  std::sort(record.notify.begin(), record.notify.end());
  record.notify.erase(std::unique(record.notify.begin(), record.notify.end()), record.notify.end());
  return record;
}

std::optional<CapsAnnouncement> readCaps(const xml::Element& presence) {
  const xml::Element* c = presence.child("c", xmpp::ns::caps);
  if (c == nullptr) return std::nullopt;
  CapsAnnouncement caps{c->attr("hash"), c->attr("node"), c->attr("ver")};
  if (caps.hash.empty() || caps.ver.empty() || caps.ver.size() > 128 || caps.node.size() > 1024) {
    return std::nullopt;
  }
  return caps;
}

CapsDirectory::Change CapsDirectory::announce(std::string_view jid, const CapsAnnouncement& caps) {
  auto it = entities_.find(jid);
  if (it != entities_.end() && it->second.ver == caps.ver) return Change::unchanged;
  if (it == entities_.end()) {
    if (entities_.size() >= kMaxEntities) return Change::refused;
    it = entities_.emplace(std::string(jid), Entity{}).first;
  }
  it->second.ver = std::string(caps.ver);
  auto cached = cache_.find(caps.ver);
  it->second.caps = cached == cache_.end() ? nullptr : cached->second;
  return it->second.caps ? Change::known : Change::unknown;
}

void CapsDirectory::forget(std::string_view jid) {
  auto it = entities_.find(jid);
  if (it != entities_.end()) entities_.erase(it);
}

bool CapsDirectory::wants(std::string_view jid, std::string_view node) const {
  auto it = entities_.find(jid);
  return it != entities_.end() && it->second.caps && it->second.caps->wants(node);
}

bool CapsDirectory::known(std::string_view jid) const {
  auto it = entities_.find(jid);
  return it != entities_.end() && it->second.caps != nullptr;
}

std::optional<CapsDirectory::Query> CapsDirectory::query(const CapsAnnouncement& caps,
                                                         std::string_view jid, CapsWaiter waiter,
                                                         base::SteadyTime now) {
  std::erase_if(pending_, [&](const Pending& p) { return now - p.sent > kQueryTimeout; });
  auto same = std::find_if(pending_.begin(), pending_.end(),
                           [&](const Pending& p) { return p.ver == caps.ver; });
  if (same != pending_.end()) {
    if (same->waiters.size() < kMaxWaitersPerQuery) same->waiters.push_back(std::move(waiter));
    return std::nullopt;
  }
  if (pending_.size() >= kMaxPendingQueries) return std::nullopt;
  Pending p{{},
            std::string(caps.ver),
            std::string(caps.hash),
            std::string(caps.node),
            std::string(jid),
            now,
            {}};
  p.waiters.push_back(std::move(waiter));
  return ask(std::move(p));
}

CapsDirectory::Query CapsDirectory::ask(Pending p) {
  p.id = "caps" + std::to_string(++nextId_);
  Query q{p.id, p.node + "#" + p.ver, p.asked, p.waiters.front().account};
  pending_.push_back(std::move(p));
  return q;
}

std::optional<CapsDirectory::Answered> CapsDirectory::answer(std::string_view id,
                                                             std::string_view from,
                                                             const xml::Element* answer,
                                                             base::SteadyTime now) {
  auto it = std::find_if(pending_.begin(), pending_.end(),
                         [&](const Pending& p) { return p.id == id && p.asked == from; });
  if (it == pending_.end()) return std::nullopt;
  Pending p = std::move(*it);
  pending_.erase(it);
  Answered out;
  if (answer != nullptr && capsMatch(*answer, p.hash, p.ver)) {
    auto record = std::make_shared<const CapsRecord>(capsRecordOf(*answer));
    cache(p.ver, record);
    settle(p.waiters, p.ver, {}, record, out.ready);
    return out;
  }
  // Not verified: nothing is cached, and the next announcement of the 'ver'
  // asks again. What an entity says of itself is still true for itself
  // (it can only gain or lose its own notifications, which access checks
  // gate anyway); an error leaves it without +notify.
  CapsPtr own;
  if (answer != nullptr) own = std::make_shared<const CapsRecord>(capsRecordOf(*answer));
  settle(p.waiters, p.ver, p.asked, own, out.ready);
  // The others still announcing the 'ver' are asked one by one.
  std::erase_if(p.waiters, [&](const CapsWaiter& w) {
    auto e = entities_.find(w.jid);
    return e == entities_.end() || e->second.ver != p.ver;
  });
  if (!p.waiters.empty() && pending_.size() < kMaxPendingQueries) {
    p.asked = p.waiters.front().jid;
    p.sent = now;
    out.next = ask(std::move(p));
  }
  return out;
}

void CapsDirectory::settle(std::vector<CapsWaiter>& waiters, const std::string& ver,
                           std::string_view jid, const CapsPtr& record,
                           std::vector<CapsWaiter>& ready) {
  std::erase_if(waiters, [&](const CapsWaiter& w) {
    if (!jid.empty() && w.jid != jid) return false;
    auto e = entities_.find(w.jid);
    if (record && e != entities_.end() && e->second.ver == ver) {
      e->second.caps = record;
      ready.push_back(w);
    }
    return true;
  });
}

void CapsDirectory::cache(const std::string& ver, CapsPtr record) {
  if (cache_.contains(ver)) return;
  while (cache_.size() >= cacheSize_ && !cacheOrder_.empty()) {
    // Entities holding an evicted record keep it (shared_ptr); only new
    // announcements of that 'ver' query again.
    cache_.erase(cacheOrder_.front());
    cacheOrder_.pop_front();
  }
  cache_.emplace(ver, std::move(record));
  cacheOrder_.push_back(ver);
}

}  // namespace keyfed::modules::pep
