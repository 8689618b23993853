#pragma once
// Value types shared by the storage interfaces and their backends. Every user
// is keyed by (user localpart, host), both already prepared (RFC 7622) by the
// caller; storage compares them byte for byte.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/clock.hpp"

namespace keyfed::storage {

using Bytes = std::vector<std::uint8_t>;

// Stable error codes (base::Error::code) returned by every backend.
namespace errc {
inline constexpr const char* kNotFound = "storage.not-found";  // no such account / item
inline constexpr const char* kConflict = "storage.conflict";   // account already exists
inline constexpr const char* kInvalid = "storage.invalid";     // input refused (limits, encoding)
inline constexpr const char* kQuota = "storage.quota";         // per-user cap reached
inline constexpr const char* kSchema = "storage.schema";       // schema newer than the code, ...
inline constexpr const char* kIo = "storage.io";               // database error
inline constexpr const char* kBusy = "storage.busy";           // database locked past busy_timeout
}  // namespace errc

// SCRAM (RFC 5802) salted credentials for one hash; the password itself is
// never stored. storedKey and serverKey are as long as the hash output.
struct ScramCredential {
  Bytes salt;
  std::uint32_t iterations = 0;
  Bytes storedKey;
  Bytes serverKey;

  bool operator==(const ScramCredential&) const = default;
};

struct Credentials {
  ScramCredential sha1;    // SCRAM-SHA-1: 20-byte keys
  ScramCredential sha256;  // SCRAM-SHA-256: 32-byte keys

  bool operator==(const Credentials&) const = default;
};

// RFC 6121 section 2.1.2.5.
enum class Subscription { none, to, from, both };
std::string_view toString(Subscription s);

struct RosterItem {
  std::string jid;   // bare JID of the contact (prepared)
  std::string name;  // may be empty
  Subscription subscription = Subscription::none;
  bool askOut = false;          // Pending Out: our subscribe awaits an answer (ask='subscribe')
  bool pendingIn = false;       // Pending In: the contact asked to subscribe to us
  std::string pendingInStanza;  // the stored inbound <presence type='subscribe'/>, may be empty
  bool approved = false;        // pre-approval (RFC 6121 3.4)
  // false: kept only for subscription state (e.g. a pending inbound request from
  // a contact the user never added); the roster module does not show it.
  bool listed = true;
  std::vector<std::string> groups;  // stored sorted, without duplicates

  bool operator==(const RosterItem&) const = default;
};

// XEP-0237: versions are a counter per user, bumped by every change; the
// version string sent to clients is its decimal form.
struct Roster {
  std::vector<RosterItem> items;  // ordered by jid
  std::uint64_t version = 0;

  std::string versionString() const { return std::to_string(version); }
};

// What changed after a version: items upserted since then and jids removed since then.
struct RosterDelta {
  std::vector<RosterItem> changed;   // ordered by version
  std::vector<std::string> removed;  // ordered by version
  std::uint64_t version = 0;         // current version
};

struct OfflineMessage {
  std::string stanza;      // serialized stanza XML as given to store()
  base::SystemTime stamp;  // when the server accepted it (second precision)
};

struct PrivateEntry {
  std::string key;
  std::string value;  // arbitrary bytes

  bool operator==(const PrivateEntry&) const = default;
};

// A personal eventing (PEP, XEP-0163) node of an account. `config` is the
// pep module's own serialisation of the node configuration; storage keeps it
// as opaque text.
struct PepNode {
  std::string node;
  std::string config;

  bool operator==(const PepNode&) const = default;
};

// One item of a PEP node: the id, the serialized payload element, the bare
// JID that published it.
struct PepItem {
  std::string id;
  std::string payload;
  std::string publisher;

  bool operator==(const PepItem&) const = default;
};

// An explicit subscription to a PEP node (XEP-0060 section 6.1): the JID as
// the subscriber gave it, bare or full. State is always "subscribed": PEP
// offers no access model that makes a subscription wait for approval.
struct PepSubscription {
  std::string node;
  std::string jid;

  bool operator==(const PepSubscription&) const = default;
};

// Hard limits on what a backend accepts; anything larger is refused with
// errc::kInvalid (or errc::kQuota for the per-user counts), never truncated.
struct Limits {
  std::size_t userBytes = 1023;  // RFC 7622: each JID part <= 1023 bytes
  std::size_t hostBytes = 1023;
  std::size_t jidBytes = 3071;
  std::size_t saltBytes = 1024;
  std::uint32_t maxIterations = 10'000'000;
  std::size_t offlinePerUser = 1000;  // 0: offline storage refuses everything
  std::size_t offlineStanzaBytes = 1 << 20;
  // Bounds what take() loads into memory at once.
  std::size_t offlineBytesPerUser = 16 << 20;
  std::size_t rosterItemsPerUser = 10000;
  std::size_t nameBytes = 1023;  // roster item name, group name
  std::size_t groupsPerItem = 64;
  // Subscribe requests are small; larger ones can be kept as a flag only.
  std::size_t pendingStanzaBytes = 8192;
  std::size_t vcardBytes = std::size_t{256} * 1024;
  std::size_t blocklistPerUser = 10000;
  std::size_t privateKeyBytes = 1023;  // namespace and key
  std::size_t privateValueBytes = 1 << 20;
  std::size_t privateEntriesPerUser = 10000;
  std::size_t privateBytesPerUser = 16 << 20;  // all values of a user together
  // Live federation policy and the FAC audit log (policy_types.hpp).
  std::size_t policyEntries = 100000;      // live entries held at once
  std::size_t policySpecBytes = 64 << 10;  // one entry's spec
  std::size_t principalBytes = 128 << 10;  // a KeyNote principal (keys can be long)
  std::size_t auditDetailBytes = 1 << 20;  // one audit record's detail
  std::size_t auditFieldBytes = 4096;      // event, request id, peer, outcome
  std::size_t auditQueryRows = 10000;      // most rows one query returns
  std::size_t nonceBytes = 256;
  std::size_t noncesHeld = 100000;  // unexpired nonces remembered at once
  // The clearinghouse (clearinghouse_types.hpp).
  std::size_t communityRows = 100000;    // rows, and subscribers, held at once
  std::size_t rowAddresses = 64;         // addresses of one row
  std::size_t documentBytes = 16 << 20;  // one signed table document
  // Multi-user chat (muc_types.hpp).
  std::size_t mucRooms = 100000;               // persistent rooms held at once
  std::size_t mucConfigBytes = 64 << 10;       // one room's serialised configuration
  std::size_t mucAffiliationsPerRoom = 10000;  // entries of one room's affiliation lists
  // PEP (the pep module enforces its own, lower, configured limits first).
  std::size_t pepNodeBytes = 1023;        // node name, item id, node config text
  std::size_t pepPayloadBytes = 1 << 20;  // one item's serialized payload
  // The message archive (archive_types.hpp).
  std::size_t archiveStanzaBytes = 1 << 20;  // one archived message
  std::size_t archivePageRows = 1000;        // most items one query returns
  std::size_t archivePrefsJids = 1000;       // each of the always/never lists
  // XEP-0357 push registrations (push_types.hpp); the count per user is the
  // push module's ([push] max_registrations).
  std::size_t pushNodeBytes = 1023;         // the app server's node name
  std::size_t pushOptionsBytes = 16 << 10;  // one serialized publish-options form
};

}  // namespace keyfed::storage
