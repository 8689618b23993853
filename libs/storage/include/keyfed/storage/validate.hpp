#pragma once
// Input checks every backend applies before touching its database, so that all
// backends refuse the same things with the same messages (errc::kInvalid).

#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/storage/archive_types.hpp"
#include "keyfed/storage/clearinghouse_types.hpp"
#include "keyfed/storage/muc_types.hpp"
#include "keyfed/storage/policy_types.hpp"
#include "keyfed/storage/push_types.hpp"
#include "keyfed/storage/types.hpp"

namespace keyfed::storage {

// user and host: non-empty, within Limits, UTF-8 without control characters.
base::Result<void> checkAccountKey(std::string_view user, std::string_view host,
                                   const Limits& limits);
base::Result<void> checkHost(std::string_view host, const Limits& limits);
// A bare or full JID given as a string (roster item, blocklist entry).
base::Result<void> checkJid(std::string_view jid, const Limits& limits);
// Salt 1..saltBytes, iterations 1..maxIterations, key lengths of the hash.
base::Result<void> checkCredentials(const Credentials& credentials, const Limits& limits);
base::Result<void> checkRosterItem(const RosterItem& item, const Limits& limits);
// Stanza and vCard XML: UTF-8 without NUL, within their size limits.
base::Result<void> checkOfflineStanza(std::string_view stanza, const Limits& limits);
// An archive record: its owner as an account key, `withBare` a JID, the
// resource and the stanza UTF-8 without NUL within their limits.
base::Result<void> checkArchiveRecord(const ArchiveRecord& record, const Limits& limits);
// Preferences: each list within Limits::archivePrefsJids, every entry a JID.
base::Result<void> checkArchivePrefs(const ArchivePrefs& prefs, const Limits& limits);
// A push registration: the service a JID, the node a non-empty identifier,
// the publish options XML (or empty) within Limits::pushOptionsBytes.
base::Result<void> checkPushRegistration(const PushRegistration& registration,
                                         const Limits& limits);
base::Result<void> checkVCard(std::string_view vcard, const Limits& limits);
// Private data: namespace and key are identifiers (non-empty UTF-8), the value any bytes.
base::Result<void> checkPrivateKey(std::string_view ns, std::string_view key, const Limits& limits);
base::Result<void> checkPrivateNamespace(std::string_view ns, const Limits& limits);
base::Result<void> checkPrivateValue(std::string_view value, const Limits& limits);
// Live policy entries and FAC records: text fields within their limits, UTF-8 without NUL.
base::Result<void> checkPolicyEntry(const PolicyEntry& entry, const Limits& limits);
base::Result<void> checkAuditRecord(const AuditRecord& record, const Limits& limits);
base::Result<void> checkNonce(std::string_view principal, std::string_view nonce,
                              const Limits& limits);
// The clearinghouse: a row's domain is a host, its addresses identifiers
// (at most Limits::rowAddresses); a document's name an identifier, its text
// UTF-8 without NUL within Limits::documentBytes and its version positive.
base::Result<void> checkStoredRoom(std::string_view service, const StoredRoom& room,
                                   const Limits& limits);
base::Result<void> checkCommunityRow(const CommunityRow& row, const Limits& limits);
base::Result<void> checkStoredDocument(std::string_view name, const StoredDocument& document,
                                       const Limits& limits);

}  // namespace keyfed::storage
