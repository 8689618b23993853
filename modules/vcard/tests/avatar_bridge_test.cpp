// The vcard-temp PHOTO read as a XEP-0084 avatar: what is published, and
// which photos are not.
#include "avatar_bridge.hpp"

#include <gtest/gtest.h>

#include <string>

#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xml/writer.hpp"

namespace keyfed::modules::vcard {
namespace {

// 28 bytes: "\x89PNG\r\n\x1a\nnot really a picture".
constexpr std::string_view kImage = "iVBORw0KGgpub3QgcmVhbGx5IGEgcGljdHVyZQ==";
constexpr std::string_view kImageSha1 = "05eef2164a379d270e894ea4e95d5a11df62e66e";

xml::Element card(const std::string& photo) {
  auto el =
      xml::parseStoredElement("<vCard xmlns='vcard-temp'><FN>A</FN>" + photo + "</vCard>", 1 << 20);
  EXPECT_TRUE(el);
  return el ? std::move(*el) : xml::Element();
}

TEST(AvatarBridge, AnInlinePhotoIsAnAvatarNamedByItsSha1) {
  // Wrapped like clients wrap it.
  auto avatar = avatarOfVCardTemp(
      card("<PHOTO><TYPE> image/png </TYPE><BINVAL>iVBORw0KGgpub3Qg\n  cmVhbGx5IGEgcGljdHVyZQ==\n"
           "</BINVAL></PHOTO>"),
      1024);
  ASSERT_TRUE(avatar);
  EXPECT_EQ(avatar->id, kImageSha1);
  EXPECT_EQ(avatar->type, "image/png");
  EXPECT_EQ(avatar->bytes, 28U);
  EXPECT_EQ(avatar->base64, kImage);

  EXPECT_EQ(xml::toString(avatarData(*avatar)),
            "<data xmlns='urn:xmpp:avatar:data'>" + std::string(kImage) + "</data>");
  EXPECT_EQ(xml::toString(avatarMetadata(*avatar)),
            "<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='28' id='" +
                std::string(kImageSha1) + "' type='image/png'/></metadata>");
}

TEST(AvatarBridge, NoAvatarWithoutAnInlineImage) {
  const std::string binval = "<BINVAL>" + std::string(kImage) + "</BINVAL>";
  EXPECT_FALSE(avatarOfVCardTemp(card(""), 1024));
  EXPECT_FALSE(
      avatarOfVCardTemp(card("<PHOTO><EXTVAL>https://a.example/a.png</EXTVAL></PHOTO>"), 1024));
  EXPECT_FALSE(avatarOfVCardTemp(card("<PHOTO>" + binval + "</PHOTO>"), 1024)) << "no TYPE";
  EXPECT_FALSE(
      avatarOfVCardTemp(card("<PHOTO><TYPE>text/html</TYPE>" + binval + "</PHOTO>"), 1024));
  EXPECT_FALSE(
      avatarOfVCardTemp(card("<PHOTO><TYPE>image/png;x=1</TYPE>" + binval + "</PHOTO>"), 1024));
  EXPECT_FALSE(avatarOfVCardTemp(
      card("<PHOTO><TYPE>image/png</TYPE><BINVAL>not base64!</BINVAL></PHOTO>"), 1024));
  EXPECT_FALSE(avatarOfVCardTemp(card("<PHOTO><TYPE>image/png</TYPE><BINVAL/></PHOTO>"), 1024));
  EXPECT_FALSE(avatarOfVCardTemp(card("<PHOTO><TYPE>image/png</TYPE>" + binval + "</PHOTO>"), 27))
      << "larger than the limit";
  EXPECT_TRUE(avatarOfVCardTemp(card("<PHOTO><TYPE>image/png</TYPE>" + binval + "</PHOTO>"), 28));
}

TEST(AvatarBridge, AnAvatarBecomesAPhotoAndReplacesTheOldOne) {
  auto metadata = xml::parseStoredElement(
      "<metadata xmlns='urn:xmpp:avatar:metadata'><info id='x' type='image/gif' bytes='1' "
      "url='https://a.example/x.gif'/><info id='y' type='image/png' bytes='28'/></metadata>",
      4096);
  ASSERT_TRUE(metadata);
  const xml::Element* info = inlineAvatarInfo(*metadata);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->attr("id"), "y");
  xml::Element data("data", std::string(kAvatarDataNode));
  data.addText("iVBORw0KGgpub3Qg\ncmVhbGx5IGEgcGljdHVyZQ==");
  auto photo = vcardPhoto(*info, data, 1024);
  ASSERT_TRUE(photo);
  EXPECT_EQ(xml::toString(*photo), "<PHOTO xmlns='vcard-temp'><TYPE>image/png</TYPE><BINVAL>" +
                                       std::string(kImage) + "</BINVAL></PHOTO>");
  EXPECT_FALSE(vcardPhoto(*info, data, 27)) << "larger than the limit";
  xml::Element junk("data", std::string(kAvatarDataNode));
  junk.addText("%%%");
  EXPECT_FALSE(vcardPhoto(*info, junk, 1024));

  xml::Element c =
      card("<PHOTO><EXTVAL>https://old.example/</EXTVAL></PHOTO><NICKNAME>a</NICKNAME>");
  EXPECT_TRUE(replacePhoto(c, photo));
  EXPECT_FALSE(replacePhoto(c, photo)) << "already that photo";
  EXPECT_EQ(c.childText("NICKNAME", "vcard-temp"), "a");
  EXPECT_EQ(c.child("PHOTO", "vcard-temp")->childText("TYPE", "vcard-temp"), "image/png");
  EXPECT_TRUE(replacePhoto(c, std::nullopt));
  EXPECT_EQ(c.child("PHOTO", "vcard-temp"), nullptr);
  EXPECT_FALSE(replacePhoto(c, std::nullopt));

  auto urlOnly = xml::parseStoredElement(
      "<metadata xmlns='urn:xmpp:avatar:metadata'><info id='x' type='image/gif' bytes='1' "
      "url='https://a.example/x.gif'/></metadata>",
      4096);
  ASSERT_TRUE(urlOnly);
  EXPECT_EQ(inlineAvatarInfo(*urlOnly), nullptr);
}

}  // namespace
}  // namespace keyfed::modules::vcard
