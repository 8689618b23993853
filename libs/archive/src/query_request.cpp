#include "keyfed/archive/query_request.hpp"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "keyfed/archive/datetime.hpp"
#include "keyfed/archive/namespaces.hpp"

namespace keyfed::archive {
namespace {

base::Failure badRequest(std::string message) {
  return base::fail(kBadRequest, std::move(message));
}

// An id the client names must be one we could have given: anything else is
// unknown (XEP-0313 section 4.3.1: item-not-found).
base::Result<ArchiveId> readId(std::string_view text, std::string_view what) {
  auto id = parseArchiveId(text);
  if (!id) return base::fail(kUnknownId, std::string(what) + " names no archived message");
  return *id;
}

void narrowAfter(std::optional<ArchiveId>& bound, const ArchiveId& id) {
  if (!bound || id.seq > bound->seq) bound = id;
}
void narrowBefore(std::optional<ArchiveId>& bound, const ArchiveId& id) {
  if (!bound || id.seq < bound->seq) bound = id;
}

// The one <value/> of a form field; nullopt for a field without one (some
// clients send every field of the form, the unused ones empty).
base::Result<std::optional<std::string>> singleValue(const xml::Element& field) {
  const xml::Element* value = nullptr;
  for (const auto& v : field.children("value", kDataFormsNs)) {
    if (value != nullptr) {
      return badRequest("field " + std::string(field.attr("var")) + " has more than one value");
    }
    value = &v;
  }
  if (value == nullptr || value->text().empty()) return std::optional<std::string>{};
  return std::optional<std::string>{value->text()};
}

base::Result<void> readForm(const xml::Element& form, QueryRequest& out) {
  if (form.attr("type") != "submit") return badRequest("the form must be of type submit");
  for (const auto& field : form.children("field", kDataFormsNs)) {
    const auto var = field.attr("var");
    auto read = singleValue(field);
    if (!read) return base::fail(std::move(read).error());
    if (!*read) continue;
    const std::string* value = &**read;
    if (var == "FORM_TYPE") {
      if (*value != kMamNs) return badRequest("FORM_TYPE must be urn:xmpp:mam:2");
    } else if (var == "with") {
      auto jid = xmpp::Jid::parse(*value);
      if (!jid) return badRequest("with: not a JID");
      out.with = std::move(*jid);
    } else if (var == "start" || var == "end") {
      auto t = parseDateTime(*value);
      if (!t) return badRequest(std::string(var) + ": not a XEP-0082 date and time");
      (var == "start" ? out.start : out.end) = *t;
    } else if (var == "after-id" || var == "before-id") {
      auto id = readId(*value, var);
      if (!id) return base::fail(std::move(id).error());
      if (var == "after-id") {
        narrowAfter(out.after, *id);
      } else {
        narrowBefore(out.before, *id);
      }
    } else {
      return badRequest("unsupported field " + std::string(var));
    }
  }
  return {};
}

base::Result<void> readSet(const xml::Element& set, QueryRequest& out) {
  if (set.child("index", kRsmNs) != nullptr) {
    return base::fail(kNotImplemented, "RSM <index/> is not supported; use <after/> or <before/>");
  }
  if (const auto* max = set.child("max", kRsmNs)) {
    const std::string text = max->text();
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || text.size() > 9) {
      return badRequest("<max/> must be a non-negative number");
    }
    out.max = value;
  }
  if (const auto* after = set.child("after", kRsmNs)) {
    auto id = readId(after->text(), "<after/>");
    if (!id) return base::fail(std::move(id).error());
    narrowAfter(out.after, *id);
  }
  if (const auto* before = set.child("before", kRsmNs)) {
    const std::string text = before->text();
    if (text.empty()) {
      out.lastPage = true;
    } else {
      auto id = readId(text, "<before/>");
      if (!id) return base::fail(std::move(id).error());
      narrowBefore(out.before, *id);
    }
  }
  return {};
}

}  // namespace

base::Result<QueryRequest> parseQuery(const xml::Element& query) {
  QueryRequest out;
  out.queryId = std::string(query.attr("queryid"));
  if (out.queryId.size() > kMaxQueryIdBytes) return badRequest("queryid is too long");
  if (const auto* form = query.child("x", kDataFormsNs)) {
    if (auto r = readForm(*form, out); !r) return base::fail(std::move(r).error());
  }
  if (const auto* set = query.child("set", kRsmNs)) {
    if (auto r = readSet(*set, out); !r) return base::fail(std::move(r).error());
  }
  return out;
}

xmpp::StanzaErrorCondition queryErrorCondition(std::string_view code) {
  if (code == kUnknownId) return xmpp::StanzaErrorCondition::itemNotFound;
  if (code == kNotImplemented) return xmpp::StanzaErrorCondition::featureNotImplemented;
  return xmpp::StanzaErrorCondition::badRequest;
}

storage::ArchiveQuery toArchiveQuery(const QueryRequest& request, std::size_t defaultPageSize,
                                     std::size_t maxPageSize) {
  storage::ArchiveQuery q;
  if (request.start) q.minSeq = storage::archiveSeqAt(*request.start);
  if (request.end) {
    // end is inclusive to the millisecond: every seq of that millisecond.
    q.maxSeq = storage::archiveSeqAt(*request.end + std::chrono::milliseconds{1}) - 1;
  }
  if (request.after) q.afterSeq = request.after->seq;
  if (request.before) q.beforeSeq = request.before->seq;
  q.fromEnd = request.lastPage;
  q.max = std::min(request.max.value_or(defaultPageSize), maxPageSize);
  return q;
}

bool namesKnownIds(const QueryRequest& request,
                   const std::function<bool(const ArchiveId&)>& known) {
  for (const auto* bound : {&request.after, &request.before}) {
    if (*bound && !known(**bound)) return false;
  }
  return true;
}

xml::Element queryFormFields() {
  xml::Element query("query", std::string(kMamNs));
  auto& form = query.addChild("x", std::string(kDataFormsNs));
  form.setAttr("type", "form");
  auto& formType = form.addChild("field", std::string(kDataFormsNs));
  formType.setAttr("var", "FORM_TYPE").setAttr("type", "hidden");
  formType.addChild("value", std::string(kDataFormsNs)).addText(kMamNs);
  const std::pair<const char*, const char*> fields[] = {
      {"with", "jid-single"},      {"start", "text-single"},     {"end", "text-single"},
      {"after-id", "text-single"}, {"before-id", "text-single"},
  };
  for (const auto& [var, type] : fields) {
    form.addChild("field", std::string(kDataFormsNs)).setAttr("var", var).setAttr("type", type);
  }
  return query;
}

}  // namespace keyfed::archive
