#include "keyfed/xmpp/client_namespace.hpp"

#include <string>

#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::xmpp {

void toClientNamespace(xml::Element& element) {
  if (element.ns() != ns::server) return;
  element.setNs(std::string(ns::client));
  for (auto& child : element.children()) toClientNamespace(child);
}

}  // namespace keyfed::xmpp
