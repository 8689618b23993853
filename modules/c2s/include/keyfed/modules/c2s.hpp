#pragma once
// Client-to-server streams (RFC 6120): the c2s listeners (STARTTLS on 5222,
// direct TLS on 5223, XEP-0368), TLS, SASL, resource binding, timeouts and
// per-IP throttling of failed authentication. docs/c2s.md.
// With `https`, also XMPP over WebSocket (RFC 7395) at GET /xmpp-websocket and
// XEP-0156 host-meta on the https listeners ([websocket], docs/websocket.md).

#include <memory>

#include "keyfed/http/router.hpp"
#include "keyfed/server/module.hpp"

namespace keyfed::modules {

std::unique_ptr<server::Module> makeC2sModule(http::Router* https = nullptr);

}  // namespace keyfed::modules
