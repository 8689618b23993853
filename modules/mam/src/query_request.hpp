#pragma once
// A client's archive query (XEP-0313 section 4, XEP-0059 paging), read from
// the <query xmlns='urn:xmpp:mam:2'/> of an iq set. Nothing here touches storage.

#include <cstddef>
#include <optional>
#include <string>

#include "archive_id.hpp"
#include "keyfed/base/clock.hpp"
#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/jid.hpp"

namespace keyfed::modules::mam {

// Error codes of parseQuery, one stanza error condition each.
inline constexpr const char* kBadRequest = "mam.bad-request";          // bad-request
inline constexpr const char* kUnknownId = "mam.item-not-found";        // item-not-found
inline constexpr const char* kNotImplemented = "mam.not-implemented";  // feature-not-implemented

inline constexpr std::size_t kMaxQueryIdBytes = 256;

struct QueryRequest {
  std::string queryId;  // echoed in every <result/>; may be empty
  std::optional<xmpp::Jid> with;
  std::optional<base::SystemTime> start;
  std::optional<base::SystemTime> end;
  // Exclusive bounds: the form's after-id/before-id (urn:xmpp:mam:2#extended)
  // and RSM <after/>/<before/>; when both give one, the narrower wins.
  std::optional<ArchiveId> after;
  std::optional<ArchiveId> before;
  bool lastPage = false;  // RSM <before/> without an id: the page at the end
  std::optional<std::size_t> max;
};

base::Result<QueryRequest> parseQuery(const xml::Element& query);

// The form a client asks for with an iq get (section 4.1.1): the fields parseQuery accepts.
xml::Element queryFormFields();

}  // namespace keyfed::modules::mam
