#pragma once
// Reply lines of the admin protocol (admin_service.hpp), without the newline.

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace keyfed::server::admin_protocol {

std::string okReply(const nlohmann::json& result);
std::string errorReply(std::string_view code, std::string_view message);

}  // namespace keyfed::server::admin_protocol
