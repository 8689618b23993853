#pragma once
// A stanza that arrived over s2s is in jabber:server; embedded in something a
// client reads (a carbon, an archive result) it must be in jabber:client.

#include "keyfed/xml/element.hpp"

namespace keyfed::xmpp {

// jabber:server -> jabber:client for the element and its descendants that
// share the stanza namespace (<body/>, <subject/>, <thread/>); elements of
// other namespaces and their children are left alone.
void toClientNamespace(xml::Element& element);

}  // namespace keyfed::xmpp
