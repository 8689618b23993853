#pragma once
// Named events with prioritised handlers, as in Prosody: "message/bare",
// "iq-get/localhost/urn:xmpp:ping". Handlers run from the highest priority
// down; the first that returns true ("handled") stops the dispatch.
//
// One bus per event payload type keeps handlers typed without casts.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace keyfed::server {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

template <class Event>
class EventBus {
 public:
  using Handler = std::function<bool(Event&)>;
  using HookId = std::uint64_t;

  HookId hook(std::string_view name, Handler handler, int priority = 0) {
    auto& list = handlers_[std::string(name)];
    const HookId id = ++lastId_;
    Entry entry{id, priority, std::move(handler)};
    // Stable: among equal priorities, earlier hooks run first.
    auto pos = std::upper_bound(list.begin(), list.end(), priority,
                                [](int p, const Entry& e) { return p > e.priority; });
    list.insert(pos, std::move(entry));
    return id;
  }

  void unhook(HookId id) {
    for (auto& [name, list] : handlers_) {
      std::erase_if(list, [id](const Entry& e) { return e.id == id; });
    }
  }

  // Returns true when a handler handled the event.
  bool fire(std::string_view name, Event& event) const {
    auto it = handlers_.find(name);
    if (it == handlers_.end()) return false;
    for (const auto& entry : it->second) {
      if (entry.handler(event)) return true;
    }
    return false;
  }

  [[nodiscard]] bool hasHandlers(std::string_view name) const {
    auto it = handlers_.find(name);
    return it != handlers_.end() && !it->second.empty();
  }

 private:
  struct Entry {
    HookId id;
    int priority;
    Handler handler;
  };
  std::unordered_map<std::string, std::vector<Entry>, StringHash, std::equal_to<>> handlers_;
  HookId lastId_ = 0;
};

}  // namespace keyfed::server
