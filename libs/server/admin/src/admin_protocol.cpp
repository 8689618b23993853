#include "admin_protocol.hpp"

namespace keyfed::server::admin_protocol {

namespace {
// A command may put bytes that are not UTF-8 into a result (a file name, a
// peer's string); dump() would throw on them. Replace them instead: the reply
// must always go out.
std::string serialize(const nlohmann::json& reply) {
  return reply.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
}  // namespace

std::string okReply(const nlohmann::json& result) {
  return serialize({{"ok", true}, {"result", result}});
}

std::string errorReply(std::string_view code, std::string_view message) {
  return serialize({{"ok", false}, {"error", {{"code", code}, {"message", message}}}});
}

}  // namespace keyfed::server::admin_protocol
