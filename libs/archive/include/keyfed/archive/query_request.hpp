#pragma once
// A client's archive query (XEP-0313 section 4, XEP-0059 paging), read from
// the <query xmlns='urn:xmpp:mam:2'/> of an iq set. Nothing here touches storage.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

#include "keyfed/archive/archive_id.hpp"
#include "keyfed/base/clock.hpp"
#include "keyfed/base/result.hpp"
#include "keyfed/storage/archive_types.hpp"
#include "keyfed/xml/element.hpp"
#include "keyfed/xmpp/errors.hpp"
#include "keyfed/xmpp/jid.hpp"

namespace keyfed::archive {

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
// The stanza error for a parseQuery error code.
xmpp::StanzaErrorCondition queryErrorCondition(std::string_view code);

// The storage query of a request: start/end as sequence bounds, the RSM
// bounds and the page size (`defaultPageSize` without <max/>, never above
// `maxPageSize`). The owner and the `with` filter are the caller's to set.
storage::ArchiveQuery toArchiveQuery(const QueryRequest& request, std::size_t defaultPageSize,
                                     std::size_t maxPageSize);

// Whether every id the request names (after, before) is one `known` holds:
// else the query is answered item-not-found (XEP-0313 section 4.3.1).
bool namesKnownIds(const QueryRequest& request, const std::function<bool(const ArchiveId&)>& known);

// The form a client asks for with an iq get (section 4.1.1): the fields parseQuery accepts.
xml::Element queryFormFields();

}  // namespace keyfed::archive
