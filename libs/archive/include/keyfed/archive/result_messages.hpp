#pragma once
// What answers a query (XEP-0313 section 4.2): one <message/> per archived
// message, then the iq result's <fin/> with the XEP-0059 <set/>.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "keyfed/base/clock.hpp"
#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::archive {

// <message from=ownerBare to=toFull>
//   <result xmlns='urn:xmpp:mam:2' queryid=Q id=ID>
//     <forwarded xmlns='urn:xmpp:forward:0'><delay stamp=.../>original</forwarded>
//   </result></message>
// A message that came over s2s (jabber:server) is forwarded in jabber:client.
xml::Element makeResultMessage(xml::Element original, std::string_view ownerBare,
                               std::string_view toFull, std::string_view queryId,
                               std::string_view id, base::SystemTime stamp);

struct PageRange {
  std::string first;
  std::string last;
};

// <fin xmlns='urn:xmpp:mam:2' complete='true|false'><set xmlns=RSM>
//   <first>..</first><last>..</last><count>C</count></set></fin>
// (first and last only when the page holds items). No 'index' on <first/>:
// slixmpp's backward iteration takes index + items == count for "done" and
// would stop after the last page (Prosody does not send it either).
xml::Element makeFin(bool complete, std::uint64_t count, const std::optional<PageRange>& range);

// Parses an archived message as the archive stored it.
base::Result<xml::Element> parseStoredMessage(std::string_view text, std::size_t maxBytes);

}  // namespace keyfed::archive
