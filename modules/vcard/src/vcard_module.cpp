// XEP-0054 vcard-temp, kept in step with the XEP-0292 vCard4 in the account's
// PEP node (docs/vcard.md). The card is stored as the serialized <vCard/>
// element, exactly as the owner sent it (or as converted from the owner's
// vCard4); reads parse it back. Only the owner writes (iq-set without 'to', or
// to the own bare JID); anyone the vCard4 node's access model lets in reads.
//
// PEP is reached only through the "pep-*" events (events.hpp): without the
// PEP module, this is plain vcard-temp.
#include <string>

#include "avatar_bridge.hpp"
#include "keyfed/modules/vcard.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xml/stored_element.hpp"
#include "keyfed/xml/writer.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"
#include "vcard4_mapping.hpp"

namespace keyfed::modules {
namespace {

using xmpp::StanzaErrorCondition;
namespace errc = storage::errc;

xml::Element emptyVCard() {
  return xml::Element("vCard", std::string(xmpp::ns::vcard));
}

class VCardModule final : public server::Module {
 public:
  std::string_view name() const override { return "vcard"; }

  base::Result<void> load(server::Server& server) override {
    server.disco().addServerFeature(xmpp::ns::vcard);
    auto& hooks = server.hooks().stanzas;
    const std::string ns(xmpp::ns::vcard);
    hooks.hook("iq-get/self/" + ns, [this](server::StanzaEvent& e) { return handleGet(e); });
    hooks.hook("iq-get/bare/" + ns, [this](server::StanzaEvent& e) { return handleGet(e); });
    hooks.hook("iq-set/self/" + ns, [this](server::StanzaEvent& e) { return handleSet(e); });
    // Someone else's card: answered the same whether the account exists or not.
    hooks.hook("iq-set/bare/" + ns, [](server::StanzaEvent& e) {
      e.server.bounce(e.stanza, StanzaErrorCondition::forbidden);
      return true;
    });
    hookVCard4(server);
    return {};
  }

 private:
  // The card of the account at e.to (the requester's own for iq-get/self).
  bool handleGet(server::StanzaEvent& e) {
    const xml::Element* payload = xmpp::iqPayload(e.stanza);
    if (payload->name() != "vCard") {
      e.server.bounce(e.stanza, StanzaErrorCondition::badRequest);
      return true;
    }
    // The vCard4 node's access model decides who reads either form.
    std::optional<xml::Element> vcard4;
    if (e.server.hooks().pep.hasHandlers("pep-retrieve")) {
      server::PepEvent read(e.server, e.to, vcard::kVCard4Node);
      read.requester = &e.from;
      e.server.hooks().pep.fire("pep-retrieve", read);
      if (read.refusal && *read.refusal != StanzaErrorCondition::itemNotFound) {
        e.server.bounce(e.stanza, *read.refusal);
        return true;
      }
      vcard4 = std::move(read.found);
    }
    auto stored = e.server.storage().vcards().get(e.to.node(), e.to.domain());
    if (!stored) {
      // No such account: the same answer as for any iq to an absent entity.
      const bool absent = stored.error().code == errc::kNotFound;
      if (!absent)
        log_.warn("reading the vCard of {}: {}", e.to.bareView(), stored.error().describe());
      e.server.bounce(e.stanza, absent ? StanzaErrorCondition::serviceUnavailable
                                       : StanzaErrorCondition::internalServerError);
      return true;
    }
    if (!stored->has_value()) {
      // Only a vCard4 (published before vcard-temp was kept in step, or the
      // copy could not be stored): converted now.
      auto converted =
          vcard4 ? vcard::toVCardTemp(*vcard4) : base::Result<xml::Element>(emptyVCard());
      e.server.route(
          xmpp::makeIqResult(e.stanza, converted ? std::move(*converted) : emptyVCard()));
      return true;
    }
    auto card = xml::parseStoredElement(**stored, e.server.storage().limits().vcardBytes + 1024);
    if (!card) {
      log_.error("the stored vCard of {} is unreadable: {}", e.to.bareView(),
                 card.error().describe());
      e.server.bounce(e.stanza, StanzaErrorCondition::internalServerError);
      return true;
    }
    e.server.route(xmpp::makeIqResult(e.stanza, std::move(*card)));
    return true;
  }

  bool handleSet(server::StanzaEvent& e) {
    const xml::Element* payload = xmpp::iqPayload(e.stanza);
    if (payload->name() != "vCard") {
      e.server.bounce(e.stanza, StanzaErrorCondition::badRequest);
      return true;
    }
    const bool empty = isEmptyCard(*payload);
    std::string text;
    if (!empty) {
      text = xml::toString(*payload);
      const std::size_t limit = e.server.storage().limits().vcardBytes;
      if (text.size() > limit) {
        e.server.bounce(e.stanza, StanzaErrorCondition::notAcceptable,
                        "the vCard is larger than " + std::to_string(limit) + " bytes");
        return true;
      }
    }
    // The vCard4 next: when PEP refuses it, nothing has changed.
    if (auto refused = publishVCard4(e.server, e.to.bare(), *payload)) {
      e.server.bounce(e.stanza, refused->first, refused->second);
      return true;
    }
    auto& store = e.server.storage().vcards();
    // An empty card is no card: reads answer with an empty <vCard/> either way.
    const base::Result<void> saved = empty ? store.remove(e.to.node(), e.to.domain())
                                           : store.set(e.to.node(), e.to.domain(), text);
    if (!saved) {
      const bool refused = saved.error().code == errc::kInvalid;
      if (!refused)
        log_.warn("storing the vCard of {}: {}", e.to.bareView(), saved.error().describe());
      e.server.bounce(e.stanza, refused ? StanzaErrorCondition::notAcceptable
                                        : StanzaErrorCondition::internalServerError);
      return true;
    }
    publishAvatar(e.server, e.to.bare(), *payload);
    e.server.route(xmpp::makeIqResult(e.stanza));
    return true;
  }

  // ---- vCard4 in PEP (XEP-0292) ----

  void hookVCard4(server::Server& server) {
    server.disco().addAccountFeature(vcard::kVCard4Node);
    auto& pep = server.hooks().pep;
    pep.hook("pep-node-defaults", [](server::PepEvent& e) {
      // Public, like vcard-temp (docs/vcard.md, "Who reads").
      if (e.node == vcard::kVCard4Node) e.options.emplace_back("pubsub#access_model", "open");
      return false;
    });
    pep.hook("pep-check-publish", [](server::PepEvent& e) { return checkVCard4(e); });
    pep.hook("pep-published", [this](server::PepEvent& e) {
      if (e.internal || e.payload == nullptr) return false;
      if (e.node == vcard::kVCard4Node) storeConverted(e.server, e.owner, *e.payload);
      if (e.node == vcard::kAvatarMetadataNode) photoFromAvatar(e.server, e.owner, *e.payload);
      return false;
    });
  }

  static bool isEmptyCard(const xml::Element& card) {
    return card.childCount() == 0 && card.text().find_first_not_of(" \t\r\n") == std::string::npos;
  }

  // A vCard4 the owner publishes must be one, and fit as vcard-temp.
  static bool checkVCard4(server::PepEvent& e) {
    if (e.node != vcard::kVCard4Node || e.payload == nullptr) return false;
    auto converted = vcard::toVCardTemp(*e.payload);
    if (!converted) {
      e.refusal = StanzaErrorCondition::badRequest;
      e.refusalText = converted.error().message;
      return true;
    }
    const std::size_t limit = e.server.storage().limits().vcardBytes;
    if (xml::toString(*converted).size() > limit) {
      e.refusal = StanzaErrorCondition::notAcceptable;
      e.refusalText = "the vCard is larger than " + std::to_string(limit) + " bytes";
      return true;
    }
    return false;
  }

  // The owner published a vCard4: vcard-temp readers get it from now on.
  void storeConverted(server::Server& server, const xmpp::Jid& owner, const xml::Element& vcard4) {
    auto converted = vcard::toVCardTemp(vcard4);
    if (!converted) return;  // checked before it was stored
    auto& store = server.storage().vcards();
    auto saved = isEmptyCard(*converted)
                     ? store.remove(owner.node(), owner.domain())
                     : store.set(owner.node(), owner.domain(), xml::toString(*converted));
    if (!saved) {
      log_.warn("keeping the vcard-temp of {} in step with its vCard4: {}", owner.bareView(),
                saved.error().describe());
    }
  }

  // A vcard-temp set publishes the same card as vCard4; returns PEP's refusal.
  std::optional<std::pair<StanzaErrorCondition, std::string>> publishVCard4(
      server::Server& server, const xmpp::Jid& owner, const xml::Element& card) {
    if (!server.hooks().pep.hasHandlers("pep-publish")) return std::nullopt;
    auto vcard4 = vcard::toVCard4(card);
    if (!vcard4) return std::pair{StanzaErrorCondition::notAcceptable, vcard4.error().message};
    server::PepEvent publish(server, owner, vcard::kVCard4Node);
    publish.itemId = vcard::kVCard4ItemId;
    publish.payload = &*vcard4;
    publish.internal = true;
    server.hooks().pep.fire("pep-publish", publish);
    if (!publish.refusal) return std::nullopt;
    log_.info("PEP refused the vCard4 of {}: {}", owner.bareView(), publish.refusalText);
    return std::pair{*publish.refusal, std::move(publish.refusalText)};
  }

  // A PHOTO set through vcard-temp is the XEP-0084 avatar too, unless it is
  // that avatar already (docs/vcard.md, "Avatars"). Best effort: the card is
  // stored whatever PEP says, and a card without a PHOTO leaves the avatar.
  void publishAvatar(server::Server& server, const xmpp::Jid& owner, const xml::Element& card) {
    if (!server.hooks().pep.hasHandlers("pep-publish")) return;
    auto avatar = vcard::avatarOfVCardTemp(card, server.storage().limits().vcardBytes);
    if (!avatar || currentAvatarId(server, owner) == avatar->id) return;
    // Data first: a client fetches it when the metadata names it (XEP-0084 4.1).
    const xml::Element data = vcard::avatarData(*avatar);
    const xml::Element metadata = vcard::avatarMetadata(*avatar);
    for (const auto& [node, payload] : {std::pair{vcard::kAvatarDataNode, &data},
                                        std::pair{vcard::kAvatarMetadataNode, &metadata}}) {
      server::PepEvent publish(server, owner, node);
      publish.itemId = avatar->id;
      publish.payload = payload;
      publish.internal = true;
      server.hooks().pep.fire("pep-publish", publish);
      if (publish.refusal) {
        log_.info("PEP refused the avatar from the vCard of {}: {}", owner.bareView(),
                  publish.refusalText);
        return;
      }
    }
  }

  // The owner's client published XEP-0084 avatar metadata: the image (or its
  // absence, an empty <metadata/>) becomes the card's PHOTO, for clients that
  // read avatars from vcard-temp (XEP-0153), and the vCard4 follows.
  // Metadata that points only at images elsewhere ('url') changes nothing.
  void photoFromAvatar(server::Server& server, const xmpp::Jid& owner,
                       const xml::Element& metadata) {
    const std::size_t limit = server.storage().limits().vcardBytes;
    std::optional<xml::Element> photo;
    if (const xml::Element* info = vcard::inlineAvatarInfo(metadata)) {
      server::PepEvent read(server, owner, vcard::kAvatarDataNode);
      read.itemId = info->attr("id");
      read.requester = &owner;
      server.hooks().pep.fire("pep-retrieve", read);
      if (!read.found) return;  // no data published under that id
      photo = vcard::vcardPhoto(*info, *read.found, limit);
      if (!photo) return;
    } else if (metadata.childCount() != 0) {
      return;
    }
    auto& store = server.storage().vcards();
    auto stored = store.get(owner.node(), owner.domain());
    if (!stored) return;  // the account is gone
    xml::Element card = emptyVCard();
    if (stored->has_value()) {
      auto parsed = xml::parseStoredElement(**stored, limit + 1024);
      if (!parsed) return;
      card = std::move(*parsed);
    }
    if (!vcard::replacePhoto(card, photo)) return;
    std::string text = xml::toString(card);
    if (text.size() > limit) {
      log_.info("the avatar of {} does not fit in its vCard", owner.bareView());
      return;
    }
    if (publishVCard4(server, owner, card)) return;  // logged there; both forms unchanged
    const bool empty = isEmptyCard(card);
    auto saved = empty ? store.remove(owner.node(), owner.domain())
                       : store.set(owner.node(), owner.domain(), text);
    if (!saved) {
      log_.warn("putting the avatar of {} into its vCard: {}", owner.bareView(),
                saved.error().describe());
    }
  }

  // The id of the owner's current XEP-0084 avatar ("" when none).
  static std::string currentAvatarId(server::Server& server, const xmpp::Jid& owner) {
    server::PepEvent read(server, owner, vcard::kAvatarMetadataNode);
    read.requester = &owner;
    server.hooks().pep.fire("pep-retrieve", read);
    if (!read.found) return {};
    const xml::Element* info = read.found->child("info", vcard::kAvatarMetadataNode);
    return info != nullptr ? std::string(info->attr("id")) : std::string();
  }

  base::Logger log_{"vcard"};
};

}  // namespace

std::unique_ptr<server::Module> makeVCardModule() {
  return std::make_unique<VCardModule>();
}

}  // namespace keyfed::modules
