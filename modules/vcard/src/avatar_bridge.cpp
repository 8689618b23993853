#include "avatar_bridge.hpp"

#include <openssl/evp.h>

#include <array>

#include "keyfed/base/hex.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/sasl.hpp"
#include "vcard4_mapping.hpp"

namespace keyfed::modules::vcard {
namespace {

std::optional<std::string> sha1Hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1) {
    return std::nullopt;
  }
  return base::toHex(digest.data(), size);
}

// An attribute value of its own in <info/> and a TYPE: an image type only.
bool isImageType(std::string_view type) {
  return type.starts_with("image/") && type.size() <= 64 &&
         type.find_first_of("\"'<>&;, \t\r\n") == std::string_view::npos;
}

}  // namespace

std::optional<Avatar> avatarOfVCardTemp(const xml::Element& card, std::size_t maxBytes) {
  const std::string ns(xmpp::ns::vcard);
  const xml::Element* photo = card.child("PHOTO", ns);
  if (photo == nullptr || photo->child("EXTVAL", ns) != nullptr) return std::nullopt;
  const xml::Element* type = photo->child("TYPE", ns);
  const xml::Element* binval = photo->child("BINVAL", ns);
  if (type == nullptr || binval == nullptr) return std::nullopt;
  Avatar avatar;
  avatar.type = withoutWhitespace(type->text());
  if (!isImageType(avatar.type)) return std::nullopt;
  // Clients wrap BINVAL at 76 columns; XEP-0084 carries it unwrapped.
  avatar.base64 = withoutWhitespace(binval->text());
  auto image = xmpp::base64Decode(avatar.base64, maxBytes);
  if (!image || image->empty()) return std::nullopt;
  auto id = sha1Hex(*image);
  if (!id) return std::nullopt;
  avatar.id = std::move(*id);
  avatar.bytes = image->size();
  return avatar;
}

xml::Element avatarData(const Avatar& avatar) {
  xml::Element data("data", std::string(kAvatarDataNode));
  data.addText(avatar.base64);
  return data;
}

xml::Element avatarMetadata(const Avatar& avatar) {
  xml::Element metadata("metadata", std::string(kAvatarMetadataNode));
  metadata.addChild("info", std::string(kAvatarMetadataNode))
      .setAttr("bytes", std::to_string(avatar.bytes))
      .setAttr("id", avatar.id)
      .setAttr("type", avatar.type);
  return metadata;
}

const xml::Element* inlineAvatarInfo(const xml::Element& metadata) {
  for (const xml::Element& info : metadata.children("info", kAvatarMetadataNode)) {
    if (!info.hasAttr("url")) return &info;
  }
  return nullptr;
}

std::optional<xml::Element> vcardPhoto(const xml::Element& info, const xml::Element& data,
                                       std::size_t maxBytes) {
  const std::string_view type = info.attr("type");
  if (!isImageType(type) || !data.is("data", kAvatarDataNode)) return std::nullopt;
  std::string base64 = withoutWhitespace(data.text());
  auto image = xmpp::base64Decode(base64, maxBytes);
  if (!image || image->empty()) return std::nullopt;
  const std::string ns(xmpp::ns::vcard);
  xml::Element photo("PHOTO", ns);
  photo.addChild("TYPE", ns).addText(type);
  photo.addChild("BINVAL", ns).addText(base64);
  return photo;
}

bool replacePhoto(xml::Element& card, const std::optional<xml::Element>& photo) {
  const std::string ns(xmpp::ns::vcard);
  const xml::Element* current = card.child("PHOTO", ns);
  if (current == nullptr ? !photo : (photo && *current == *photo)) return false;
  card.removeChildren("PHOTO", ns);
  if (photo) card.addChild(photo->clone());
  return true;
}

}  // namespace keyfed::modules::vcard
