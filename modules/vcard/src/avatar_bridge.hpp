#pragma once
// The vcard-temp PHOTO and the XEP-0084 avatar kept in step (docs/vcard.md,
// "Avatars"): a card set by an older client (Pidgin, Psi: XEP-0153 avatars)
// also publishes its picture on the two PEP avatar nodes, so that clients
// reading only XEP-0084 (Conversations, Dino, Monal) show it; an avatar a
// newer client publishes becomes the card's PHOTO for the older ones.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "keyfed/xml/element.hpp"

namespace keyfed::modules::vcard {

inline constexpr std::string_view kAvatarDataNode = "urn:xmpp:avatar:data";
inline constexpr std::string_view kAvatarMetadataNode = "urn:xmpp:avatar:metadata";

struct Avatar {
  std::string id;      // SHA-1 of the image, lower-case hex (XEP-0084 4.2)
  std::string type;    // media type, e.g. image/png
  std::string base64;  // the image, base64 without whitespace
  std::size_t bytes = 0;
};

// The inline PHOTO (TYPE and BINVAL) of a vcard-temp <vCard/>. nullopt when
// there is none, when it is a link (EXTVAL), when TYPE is not an image type,
// or when BINVAL is not base64 of at most `maxBytes` bytes.
std::optional<Avatar> avatarOfVCardTemp(const xml::Element& card, std::size_t maxBytes);

// The payloads to publish: <data/> under item `id` of kAvatarDataNode, then
// <metadata><info/></metadata> under item `id` of kAvatarMetadataNode.
xml::Element avatarData(const Avatar& avatar);
xml::Element avatarMetadata(const Avatar& avatar);

// The way back. The <info/> of a <metadata/> that describes the image in the
// data node (the first without 'url'); nullptr when there is none.
const xml::Element* inlineAvatarInfo(const xml::Element& metadata);
// <PHOTO><TYPE/><BINVAL/></PHOTO> for an <info/> and the <data/> payload of
// its item; nullopt when the type is not an image type or the data is not
// base64 of at most `maxBytes` bytes.
std::optional<xml::Element> vcardPhoto(const xml::Element& info, const xml::Element& data,
                                       std::size_t maxBytes);
// Replaces the card's PHOTO by `photo` (none: removes it); false when the
// card already had exactly that.
bool replacePhoto(xml::Element& card, const std::optional<xml::Element>& photo);

}  // namespace keyfed::modules::vcard
