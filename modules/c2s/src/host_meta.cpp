// XEP-0156 host-meta (docs/websocket.md).

#include "host_meta.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "keyfed/xml/writer.hpp"

namespace keyfed::modules::c2s {
namespace {

struct HostPort {
  std::string host;
  std::string port;  // digits, "" when the Host header named none
};

// RFC 9110 7.2: Host is uri-host [":" port]. IP literals are never a virtual
// host, so "[::1]:5443" is simply not found.
std::optional<HostPort> parseHost(std::string_view value) {
  HostPort out;
  const auto colon = value.rfind(':');
  std::string_view name = value;
  if (colon != std::string_view::npos && value.find(']') == std::string_view::npos) {
    name = value.substr(0, colon);
    const std::string_view port = value.substr(colon + 1);
    if (port.empty() || port.size() > 5) return std::nullopt;
    for (char c : port) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    if (std::stoul(std::string(port)) > 65535) return std::nullopt;
    out.port = std::string(port);
  }
  if (name.ends_with('.')) name.remove_suffix(1);  // an absolute name
  if (name.empty() || name.size() > 253) return std::nullopt;
  out.host = std::string(name);  // findHost() ignores ASCII case
  return out;
}

http::Response withCors(http::Response response) {
  response.headers.push_back({"access-control-allow-origin", "*"});
  return response;
}

}  // namespace

http::Response hostMeta(const config::Config& config, const http::Request& request,
                        HostMetaFormat format, HostMetaLinks links) {
  const std::string* hostHeader = request.header("host");
  const auto target = hostHeader != nullptr ? parseHost(*hostHeader) : std::nullopt;
  if (!target) {
    return withCors(
        http::Response::error(400, "http.bad-host", "the Host header is not host[:port]"));
  }
  const config::VirtualHost* vhost = config.findHost(target->host);
  if (vhost == nullptr) {
    return withCors(
        http::Response::error(404, "http.unknown-host", "this server does not serve that domain"));
  }
  // The port the client reached us on, as its Host header says; none means
  // the scheme's default (443), e.g. behind a reverse proxy.
  std::string authority = vhost->domain;
  if (!target->port.empty()) authority += ":" + target->port;
  std::vector<std::pair<std::string_view, std::string>> found;
  if (links.websocket) {
    found.emplace_back(kAltConnectionsWebSocket,
                       "wss://" + authority + std::string(kWebSocketPath));
  }
  if (links.bosh) {
    found.emplace_back(kAltConnectionsBosh, "https://" + authority + std::string(kBoshPath));
  }

  if (format == HostMetaFormat::json) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [rel, href] : found)
      list.push_back({{"rel", std::string(rel)}, {"href", href}});
    return withCors(http::Response::json(200, nlohmann::json{{"links", list}}.dump()));
  }
  http::Response response;
  response.headers.push_back({"content-type", "application/xrd+xml; charset=utf-8"});
  response.body =
      "<?xml version='1.0' encoding='utf-8'?>\n"
      "<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\n";
  for (const auto& [rel, href] : found) {
    response.body += "  <Link rel='";
    response.body += rel;
    response.body += "' href='";
    xml::escapeAttribute(href, response.body);
    response.body += "'/>\n";
  }
  response.body += "</XRD>\n";
  return withCors(std::move(response));
}

}  // namespace keyfed::modules::c2s
