// XEP-0030 for the server and its accounts.
//
// The server's answer is the DiscoRegistry as it stands at query time, so the
// order modules load in does not matter. Nodes: nothing registers any yet, so
// every node is item-not-found (XEP-0030 section 7).
//
// Accounts: the server answers for a bare JID only to the account itself and
// to entities the account shares its presence with (subscription from/both),
// XEP-0030 section 8; everyone else gets service-unavailable, the same answer
// as for an account that does not exist, so disco cannot probe for accounts.
#include <string>

#include "keyfed/modules/disco.hpp"
#include "keyfed/server/server.hpp"
#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/stanza.hpp"

namespace keyfed::modules {
namespace {

using server::StanzaEvent;
using xmpp::StanzaErrorCondition;

// The <query/> of a disco request in namespace `ns`, or nullptr for another
// element (then the router's service-unavailable answers).
const xml::Element* discoQuery(const StanzaEvent& e, std::string_view ns) {
  const xml::Element* payload = xmpp::iqPayload(e.stanza);
  return payload != nullptr && payload->is("query", ns) ? payload : nullptr;
}

void addIdentity(xml::Element& query, const server::DiscoIdentity& identity) {
  auto& el = query.addChild("identity", std::string(xmpp::ns::discoInfo));
  el.setAttr("category", identity.category);
  el.setAttr("type", identity.type);
  if (!identity.name.empty()) el.setAttr("name", identity.name);
}

void addFeatures(xml::Element& query, const std::vector<std::string>& features) {
  for (const auto& feature : features) {
    query.addChild("feature", std::string(xmpp::ns::discoInfo)).setAttr("var", feature);
  }
}

// <x xmlns='jabber:x:data' type='result'> with a hidden FORM_TYPE (XEP-0128).
void addForm(xml::Element& query, const server::DiscoForm& form) {
  constexpr std::string_view kData = "jabber:x:data";
  auto& x = query.addChild("x", std::string(kData));
  x.setAttr("type", "result");
  auto addField = [&x, kData](std::string_view var, std::string_view value) -> xml::Element& {
    auto& field = x.addChild("field", std::string(kData));
    field.setAttr("var", var);
    field.addChild("value", std::string(kData)).addText(value);
    return field;
  };
  addField("FORM_TYPE", form.formType).setAttr("type", "hidden");
  for (const auto& [var, value] : form.fields) addField(var, value);
}

bool hostInfo(StanzaEvent& e) {
  const xml::Element* request = discoQuery(e, xmpp::ns::discoInfo);
  if (request == nullptr) return false;
  if (!request->attr("node").empty()) {
    e.server.bounce(e.stanza, StanzaErrorCondition::itemNotFound);
    return true;
  }
  const auto& disco = e.server.disco();
  xml::Element query("query", std::string(xmpp::ns::discoInfo));
  for (const auto& identity : disco.serverIdentities()) addIdentity(query, identity);
  addFeatures(query, disco.serverFeatures());
  for (const auto& form : disco.serverForms()) addForm(query, form);
  e.server.route(xmpp::makeIqResult(e.stanza, std::move(query)));
  return true;
}

bool hostItems(StanzaEvent& e) {
  const xml::Element* request = discoQuery(e, xmpp::ns::discoItems);
  if (request == nullptr) return false;
  if (!request->attr("node").empty()) {
    e.server.bounce(e.stanza, StanzaErrorCondition::itemNotFound);
    return true;
  }
  xml::Element query("query", std::string(xmpp::ns::discoItems));
  for (const auto& item : e.server.disco().serverItems()) {
    auto& el = query.addChild("item", std::string(xmpp::ns::discoItems));
    el.setAttr("jid", item.jid);
    if (!item.name.empty()) el.setAttr("name", item.name);
  }
  e.server.route(xmpp::makeIqResult(e.stanza, std::move(query)));
  return true;
}

// Whether the server may answer for the account e.to to the sender: the
// account itself, or a contact the account shares presence with. A missing
// account and a storage failure both say no.
bool mayDiscoverAccount(StanzaEvent& e) {
  auto& storage = e.server.storage();
  auto exists = storage.accounts().exists(e.to.node(), e.to.domain());
  if (!exists || !*exists) return false;
  if (!e.from.valid()) return false;
  if (e.from.bareView() == e.to.bareView()) return true;
  auto item = storage.roster().item(e.to.node(), e.to.domain(), e.from.bareView());
  if (!item || !item->has_value()) return false;
  const auto sub = (*item)->subscription;
  return sub == storage::Subscription::from || sub == storage::Subscription::both;
}

// Answers a disco request to an account's bare JID: `fill` adds the content
// of the <query/> when the sender may see it and no node was asked for.
template <class Fill>
bool accountQuery(StanzaEvent& e, std::string_view ns, Fill fill) {
  const xml::Element* request = discoQuery(e, ns);
  if (request == nullptr) return false;
  if (!mayDiscoverAccount(e)) {
    e.server.bounce(e.stanza, StanzaErrorCondition::serviceUnavailable);
    return true;
  }
  if (!request->attr("node").empty()) {
    e.server.bounce(e.stanza, StanzaErrorCondition::itemNotFound);
    return true;
  }
  xml::Element query("query", std::string(ns));
  fill(query);
  e.server.route(xmpp::makeIqResult(e.stanza, std::move(query)));
  return true;
}

bool accountInfo(StanzaEvent& e) {
  return accountQuery(e, xmpp::ns::discoInfo, [&](xml::Element& query) {
    addIdentity(query, {"account", "registered", {}});
    for (const auto& identity : e.server.disco().accountIdentities()) addIdentity(query, identity);
    addFeatures(query, e.server.disco().accountFeatures());
  });
}

// Nothing registers account items yet (PEP nodes will): an empty list.
bool accountItems(StanzaEvent& e) {
  return accountQuery(e, xmpp::ns::discoItems, [](xml::Element&) {});
}

class DiscoModule final : public server::Module {
 public:
  [[nodiscard]] std::string_view name() const override { return "disco"; }

  base::Result<void> load(server::Server& server) override {
    auto& disco = server.disco();
    // The server registers its own identity and these two features; an
    // account supports disco through the server answering for it.
    disco.addAccountFeature(xmpp::ns::discoInfo);
    disco.addAccountFeature(xmpp::ns::discoItems);

    const std::string info(xmpp::ns::discoInfo);
    const std::string items(xmpp::ns::discoItems);
    auto& hooks = server.hooks().stanzas;
    hooks.hook("iq-get/host/" + info, hostInfo);
    hooks.hook("iq-get/host/" + items, hostItems);
    for (const char* to : {"self", "bare"}) {
      hooks.hook("iq-get/" + std::string(to) + "/" + info, accountInfo);
      hooks.hook("iq-get/" + std::string(to) + "/" + items, accountItems);
    }
    return {};
  }
};

}  // namespace

std::unique_ptr<server::Module> makeDiscoModule() {
  return std::make_unique<DiscoModule>();
}

}  // namespace keyfed::modules
