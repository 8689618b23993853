#pragma once
// XEP-0313 section 7 preferences: the <prefs/> element and the decision it
// makes for one message (docs/mam.md, "Preferences").

#include <functional>
#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/storage/archive_types.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::modules::mam {

// Whether a message with `withBare` (resource part in `withFull`, which may
// equal withBare) goes into the archive: a <never/> entry wins over an
// <always/> entry, either over the default; 'roster' asks `inRoster` (only
// then: it may read storage).
bool prefsAllow(const storage::ArchivePrefs& prefs, std::string_view withBare,
                std::string_view withFull, const std::function<bool()>& inRoster);

// Reads a client's <prefs default='...'><always><jid/>...</always><never>...</never></prefs>.
// JIDs are prepared (RFC 7622) and kept sorted without duplicates. Errors
// (code "mam.bad-prefs"): a missing or unknown default, an invalid JID, more
// than maxJids entries in a list.
base::Result<storage::ArchivePrefs> parsePrefs(const xml::Element& prefs, std::size_t maxJids);

xml::Element prefsElement(const storage::ArchivePrefs& prefs);

}  // namespace keyfed::modules::mam
