#include "keyfed/server/admin_service.hpp"

#include <nlohmann/json.hpp>

#include "admin_connection.hpp"
#include "admin_protocol.hpp"
#include "keyfed/net/event_loop.hpp"
#include "keyfed/net/listener.hpp"
#include "keyfed/net/unix_listener.hpp"

namespace keyfed::server {

using nlohmann::json;

AdminService::AdminService(net::EventLoop& loop, AdminLimits limits)
    : loop_(loop), limits_(limits) {
  add("help", [this](const json&) -> base::Result<json> {
    return json{{"commands", commandNames()}};
  });
}

AdminService::~AdminService() {
  *alive_ = false;
  listener_.reset();
  connections_.clear();  // streams detach: no callback reaches us any more
}

void AdminService::add(std::string name, Command command) {
  commands_.insert_or_assign(std::move(name), std::move(command));
}

std::vector<std::string> AdminService::commandNames() const {
  std::vector<std::string> names;
  names.reserve(commands_.size());
  for (const auto& entry : commands_) names.push_back(entry.first);
  return names;  // std::map: sorted
}

base::Result<void> AdminService::listen(const std::filesystem::path& socketPath) {
  if (listener_) listener_->close();
  auto listener = net::UnixListener::open(
      loop_, socketPath, [this](std::unique_ptr<net::ByteStream> s) { accept(std::move(s)); });
  if (!listener) return base::fail(std::move(listener).error());
  listener_ = std::move(*listener);
  log_.info("admin socket listening on {}", socketPath.string());
  return {};
}

void AdminService::close() {
  if (listener_) listener_->close();
  for (auto& entry : connections_) entry.second->close();
}

void AdminService::accept(std::unique_ptr<net::ByteStream> stream) {
  const bool counted = open_ < limits_.maxConnections;
  const std::uint64_t id = ++lastId_;
  auto& connection =
      *connections_.emplace(id, std::make_unique<Connection>(*this, id, std::move(stream), counted))
           .first->second;
  if (!counted) {
    log_.warn("refusing admin connection: {} connections already open", open_);
    connection.serve();
    connection.refuse(admin_errc::kBusy, "too many admin connections; try again later");
    return;
  }
  ++open_;
  log_.debug("connection {} accepted", id);
  connection.serve();
}

void AdminService::connectionClosed(std::uint64_t id, bool counted) {
  if (counted) --open_;
  // Called from inside the connection's stream: destroy it once that returns.
  loop_.post([alive = std::weak_ptr<bool>(alive_), this, id] {
    if (auto token = alive.lock(); token && *token) connections_.erase(id);
  });
}

std::string AdminService::handleRequest(std::string_view line) {
  using admin_protocol::errorReply;
  // No exceptions: a malformed request is a value like any other.
  const json request = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) return errorReply(admin_errc::kBadRequest, "not a JSON document");
  if (!request.is_object()) {
    return errorReply(admin_errc::kBadRequest, "a request is a JSON object");
  }
  const auto command = request.find("command");
  if (command == request.end() || !command->is_string()) {
    return errorReply(admin_errc::kBadRequest, "the request has no \"command\" string");
  }
  const auto& name = command->get_ref<const std::string&>();
  const auto argsIt = request.find("args");
  const json args = argsIt == request.end() || argsIt->is_null() ? json::object() : *argsIt;
  if (!args.is_object()) {
    return errorReply(admin_errc::kBadRequest, "\"args\" must be a JSON object");
  }
  const auto handler = commands_.find(name);
  if (handler == commands_.end()) {
    log_.info("unknown command '{}'", name);
    return errorReply(admin_errc::kUnknownCommand,
                      "unknown command '" + name + "' (\"help\" lists the commands)");
  }
  auto run = [&]() -> base::Result<json> {
    try {
      return handler->second(args);
    } catch (const json::exception& e) {
      // A handler reading a missing or mistyped argument (args.at("jid")).
      return base::fail(admin_errc::kBadArgs, std::string("bad arguments: ") + e.what());
    }
  };
  const base::Result<json> result = run();
  if (!result) {
    log_.info("command '{}' failed: {}", name, result.error().describe());
    return errorReply(result.error().code, result.error().message);
  }
  log_.debug("command '{}': ok", name);
  return admin_protocol::okReply(*result);
}

}  // namespace keyfed::server
