#pragma once
// Value types of the multi-user chat store (docs/muc.md): what a persistent
// room keeps across restarts. Occupants and history are never stored.

#include <string>
#include <vector>

namespace keyfed::storage {

// One entry of a room's affiliation list (XEP-0045 5.2).
struct RoomAffiliation {
  std::string jid;          // a bare JID (or a domain), prepared by the caller
  std::string affiliation;  // "owner", "admin", "member" or "outcast"
  bool operator==(const RoomAffiliation&) const = default;
};

struct StoredRoom {
  std::string jid;     // room@service, prepared by the caller
  std::string config;  // the room's configuration as the module serialises it
  std::vector<RoomAffiliation> affiliations;
};

}  // namespace keyfed::storage
