#include "keyfed/storage/validate.hpp"

#include <string>

#include "keyfed/base/utf8.hpp"

namespace keyfed::storage {
namespace {

base::Failure invalid(std::string message) {
  return base::fail(errc::kInvalid, std::move(message));
}

// An identifier: non-empty, at most maxBytes, UTF-8, no control characters
// (they are never valid in JIDs and would only confuse logs).
base::Result<void> checkIdentifier(std::string_view field, std::string_view value,
                                   std::size_t maxBytes) {
  if (value.empty()) return invalid(std::string(field) + " is empty");
  if (value.size() > maxBytes) {
    return invalid(std::string(field) + " is longer than " + std::to_string(maxBytes) + " bytes");
  }
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) return invalid(std::string(field) + " contains a control character");
  }
  if (!base::isUtf8(value)) return invalid(std::string(field) + " is not valid UTF-8");
  return {};
}

// XML text kept as a string: any size up to the limit, UTF-8, no NUL.
base::Result<void> checkXml(std::string_view field, std::string_view value, std::size_t maxBytes) {
  if (value.size() > maxBytes) {
    return invalid(std::string(field) + " is larger than " + std::to_string(maxBytes) + " bytes");
  }
  if (value.find('\0') != std::string_view::npos) {
    return invalid(std::string(field) + " contains NUL");
  }
  if (!base::isUtf8(value)) return invalid(std::string(field) + " is not valid UTF-8");
  return {};
}

base::Result<void> checkScram(std::string_view name, const ScramCredential& c, std::size_t keyBytes,
                              const Limits& limits) {
  const std::string n(name);
  if (c.salt.empty() || c.salt.size() > limits.saltBytes) {
    return invalid(n + " salt must have 1 to " + std::to_string(limits.saltBytes) + " bytes");
  }
  if (c.iterations == 0 || c.iterations > limits.maxIterations) {
    return invalid(n + " iterations must be between 1 and " + std::to_string(limits.maxIterations));
  }
  if (c.storedKey.size() != keyBytes || c.serverKey.size() != keyBytes) {
    return invalid(n + " StoredKey and ServerKey must have " + std::to_string(keyBytes) + " bytes");
  }
  return {};
}

}  // namespace

base::Result<void> checkHost(std::string_view host, const Limits& limits) {
  return checkIdentifier("host", host, limits.hostBytes);
}

base::Result<void> checkAccountKey(std::string_view user, std::string_view host,
                                   const Limits& limits) {
  if (auto r = checkIdentifier("user", user, limits.userBytes); !r) return r;
  return checkHost(host, limits);
}

base::Result<void> checkJid(std::string_view jid, const Limits& limits) {
  return checkIdentifier("jid", jid, limits.jidBytes);
}

base::Result<void> checkCredentials(const Credentials& credentials, const Limits& limits) {
  if (auto r = checkScram("SCRAM-SHA-1", credentials.sha1, 20, limits); !r) return r;
  return checkScram("SCRAM-SHA-256", credentials.sha256, 32, limits);
}

base::Result<void> checkRosterItem(const RosterItem& item, const Limits& limits) {
  if (auto r = checkJid(item.jid, limits); !r) return r;
  if (!item.name.empty()) {
    if (auto r = checkIdentifier("roster item name", item.name, limits.nameBytes); !r) return r;
  }
  switch (item.subscription) {
    case Subscription::none:
    case Subscription::to:
    case Subscription::from:
    case Subscription::both: break;
    default: return invalid("roster item subscription is out of range");
  }
  if (item.groups.size() > limits.groupsPerItem) {
    return invalid("roster item has more than " + std::to_string(limits.groupsPerItem) + " groups");
  }
  for (const auto& g : item.groups) {
    if (auto r = checkIdentifier("roster group", g, limits.nameBytes); !r) return r;
  }
  return checkXml("pending subscribe stanza", item.pendingInStanza, limits.pendingStanzaBytes);
}

base::Result<void> checkOfflineStanza(std::string_view stanza, const Limits& limits) {
  if (stanza.empty()) return invalid("offline stanza is empty");
  return checkXml("offline stanza", stanza, limits.offlineStanzaBytes);
}

base::Result<void> checkArchiveRecord(const ArchiveRecord& record, const Limits& limits) {
  if (auto r = checkAccountKey(record.user, record.host, limits); !r) return r;
  if (auto r = checkJid(record.withBare, limits); !r) return r;
  if (auto r = checkXml("resource", record.withResource, limits.userBytes); !r) return r;
  if (record.seq <= 0) return invalid("archive sequence number must be positive");
  if (record.stanza.empty()) return invalid("archived stanza is empty");
  return checkXml("archived stanza", record.stanza, limits.archiveStanzaBytes);
}

base::Result<void> checkArchivePrefs(const ArchivePrefs& prefs, const Limits& limits) {
  for (const auto* list : {&prefs.always, &prefs.never}) {
    if (list->size() > limits.archivePrefsJids) {
      return invalid("archive preferences list more than " +
                     std::to_string(limits.archivePrefsJids) + " JIDs");
    }
    for (const auto& jid : *list) {
      if (auto r = checkJid(jid, limits); !r) return r;
    }
  }
  return {};
}

base::Result<void> checkPushRegistration(const PushRegistration& registration,
                                         const Limits& limits) {
  if (auto r = checkJid(registration.service, limits); !r) return r;
  if (auto r = checkIdentifier("push node", registration.node, limits.pushNodeBytes); !r) return r;
  if (registration.publishOptions.empty()) return {};
  return checkXml("push publish options", registration.publishOptions, limits.pushOptionsBytes);
}

base::Result<void> checkVCard(std::string_view vcard, const Limits& limits) {
  if (vcard.empty()) return invalid("vCard is empty");
  return checkXml("vCard", vcard, limits.vcardBytes);
}

base::Result<void> checkPrivateNamespace(std::string_view ns, const Limits& limits) {
  return checkIdentifier("namespace", ns, limits.privateKeyBytes);
}

base::Result<void> checkPrivateKey(std::string_view ns, std::string_view key,
                                   const Limits& limits) {
  if (auto r = checkPrivateNamespace(ns, limits); !r) return r;
  return checkIdentifier("key", key, limits.privateKeyBytes);
}

base::Result<void> checkPrivateValue(std::string_view value, const Limits& limits) {
  if (value.size() > limits.privateValueBytes) {
    return invalid("value is larger than " + std::to_string(limits.privateValueBytes) + " bytes");
  }
  return {};
}

base::Result<void> checkPolicyEntry(const PolicyEntry& entry, const Limits& limits) {
  if (entry.spec.empty()) return invalid("policy entry spec is empty");
  if (auto r = checkXml("policy entry spec", entry.spec, limits.policySpecBytes); !r) return r;
  if (auto r = checkIdentifier("policy entry origin", entry.origin, limits.auditFieldBytes); !r) {
    return r;
  }
  if (auto r = checkXml("policy entry request id", entry.requestId, limits.auditFieldBytes); !r) {
    return r;
  }
  return checkXml("policy entry requester", entry.requester, limits.principalBytes);
}

base::Result<void> checkAuditRecord(const AuditRecord& record, const Limits& limits) {
  if (auto r = checkIdentifier("audit event", record.event, limits.auditFieldBytes); !r) return r;
  if (auto r = checkXml("audit request id", record.requestId, limits.auditFieldBytes); !r) return r;
  if (auto r = checkXml("audit principal", record.principal, limits.principalBytes); !r) return r;
  if (auto r = checkXml("audit peer", record.peer, limits.auditFieldBytes); !r) return r;
  if (auto r = checkXml("audit outcome", record.outcome, limits.auditFieldBytes); !r) return r;
  return checkXml("audit detail", record.detail, limits.auditDetailBytes);
}

base::Result<void> checkNonce(std::string_view principal, std::string_view nonce,
                              const Limits& limits) {
  if (auto r = checkIdentifier("nonce principal", principal, limits.principalBytes); !r) return r;
  return checkIdentifier("nonce", nonce, limits.nonceBytes);
}

base::Result<void> checkCommunityRow(const CommunityRow& row, const Limits& limits) {
  if (auto r = checkHost(row.domain, limits); !r) return r;
  if (row.addresses.size() > limits.rowAddresses) {
    return invalid("a community row has more than " + std::to_string(limits.rowAddresses) +
                   " addresses");
  }
  for (const auto& a : row.addresses) {
    // Space-separated in the SQLite column: an address never holds one.
    if (a.find(' ') != std::string::npos) return invalid("a row address contains a space");
    if (auto r = checkIdentifier("row address", a, limits.hostBytes); !r) return r;
  }
  if (!row.redirectTo.empty()) {
    if (auto r = checkIdentifier("row redirect_to", row.redirectTo, limits.hostBytes); !r) return r;
  }
  return {};
}

base::Result<void> checkStoredRoom(std::string_view service, const StoredRoom& room,
                                   const Limits& limits) {
  if (auto r = checkHost(service, limits); !r) return r;
  if (auto r = checkJid(room.jid, limits); !r) return r;
  if (auto r = checkXml("room configuration", room.config, limits.mucConfigBytes); !r) return r;
  if (room.affiliations.size() > limits.mucAffiliationsPerRoom) {
    return invalid("a room has more than " + std::to_string(limits.mucAffiliationsPerRoom) +
                   " affiliations");
  }
  for (const auto& a : room.affiliations) {
    if (auto r = checkJid(a.jid, limits); !r) return r;
    if (a.affiliation != "owner" && a.affiliation != "admin" && a.affiliation != "member" &&
        a.affiliation != "outcast") {
      return invalid("unknown room affiliation '" + a.affiliation + "'");
    }
  }
  return {};
}

base::Result<void> checkStoredDocument(std::string_view name, const StoredDocument& document,
                                       const Limits& limits) {
  if (auto r = checkIdentifier("document name", name, limits.auditFieldBytes); !r) return r;
  if (document.version <= 0) return invalid("a table document's version must be positive");
  if (document.text.empty()) return invalid("a table document is empty");
  return checkXml("table document", document.text, limits.documentBytes);
}

}  // namespace keyfed::storage
