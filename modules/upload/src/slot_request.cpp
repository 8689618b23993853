#include "slot_request.hpp"

#include "keyfed/xmpp/stanza.hpp"
#include "upload_path.hpp"

namespace keyfed::modules::upload {
namespace {

using xmpp::StanzaErrorCondition;

xml::Element error(const xml::Element& iq, StanzaErrorCondition condition, std::string_view text,
                   std::optional<xml::Element> application = std::nullopt) {
  xmpp::StanzaError e;
  e.condition = condition;
  e.text = std::string(text);
  e.applicationCondition = std::move(application);
  return xmpp::makeIqError(iq, e);
}

// <file-too-large><max-file-size>N</max-file-size></file-too-large> (section 5).
xml::Element fileTooLarge(std::size_t max) {
  xml::Element tooLarge("file-too-large", std::string(kUploadNs));
  tooLarge.addChild("max-file-size", std::string(kUploadNs)).addText(std::to_string(max));
  return tooLarge;
}

}  // namespace

xml::Element answerSlotRequest(UploadState& state, const UploadConfig& config,
                               const xml::Element& iq, const xmpp::Jid& requester,
                               std::string_view baseUrl) {
  const xml::Element* request = xmpp::iqPayload(iq);
  if (request == nullptr || !request->is("request", kUploadNs)) {
    return error(iq, StanzaErrorCondition::badRequest, "expected <request/>");
  }
  const std::string_view filename = request->attr("filename");
  const auto size = parseDecimal(request->attr("size"));
  const std::string_view contentType = request->attr("content-type");
  if (!acceptableFilename(filename)) {
    return error(iq, StanzaErrorCondition::badRequest, "the filename is missing or not allowed");
  }
  if (!size || *size == 0) {
    return error(iq, StanzaErrorCondition::badRequest, "the size must be a positive integer");
  }
  if (!contentType.empty() && !acceptableContentType(contentType)) {
    return error(iq, StanzaErrorCondition::badRequest, "the content-type is not a media type");
  }
  if (*size > config.maxFileSize) {
    return error(iq, StanzaErrorCondition::notAcceptable,
                 "the file is larger than " + std::to_string(config.maxFileSize) + " bytes",
                 fileTooLarge(config.maxFileSize));
  }
  const std::string owner(requester.bareView());
  const auto now = state.clock.steadyNow();
  const std::uint64_t committed = state.store.usage(owner) + state.slots.reservedBy(owner, now);
  if (committed + *size > config.quota) {
    return error(iq, StanzaErrorCondition::resourceConstraint,
                 "the upload quota of " + std::to_string(config.quota) + " bytes is reached");
  }
  auto token = state.slots.add(Slot{owner, std::string(filename), *size, std::string(contentType),
                                    now + config.slotLifetime},
                               now);
  if (!token) {
    return error(iq, StanzaErrorCondition::resourceConstraint,
                 "too many upload slots wait for their files; try again later");
  }
  const std::string url = std::string(baseUrl) + uploadPath(*token, filename);
  xml::Element slot("slot", std::string(kUploadNs));
  slot.addChild("put", std::string(kUploadNs)).setAttr("url", url);
  slot.addChild("get", std::string(kUploadNs)).setAttr("url", url);
  return xmpp::makeIqResult(iq, std::move(slot));
}

}  // namespace keyfed::modules::upload
