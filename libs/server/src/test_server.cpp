#include "keyfed/server/test_server.hpp"

#include <unistd.h>
#include <cstdio>
#include <cstdlib>

#include "keyfed/server/credentials.hpp"
#include "keyfed/storage/sqlite/sqlite_storage.hpp"
#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::server {
namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "TestServer: %s\n", what.c_str());
  std::abort();
}

}  // namespace

xml::Element makeMessage(std::string_view to, std::string_view body, std::string_view type) {
  xml::Element m("message", std::string(xmpp::ns::client));
  m.setAttr("to", to);
  if (!type.empty()) m.setAttr("type", type);
  if (!body.empty()) m.addChild("body", std::string(xmpp::ns::client)).addText(body);
  return m;
}

TestServer::TestServer(const std::vector<std::string>& domains, std::string_view extraConfig) {
  std::string pattern = (std::filesystem::temp_directory_path() / "keyfed-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) die("mkdtemp failed");
  dir = pattern;
  std::string text = "[server]\ndata_dir = \"data\"\nlog_level = \"warn\"\n";
  for (const auto& d : domains) {
    text += "[[virtual_host]]\ndomain = \"" + d + "\"\ncertificate = \"\"\nkey = \"\"\n";
  }
  // The config requires a listener; TestServer loads no c2s module, so it is never opened.
  // Without certificates, TLS cannot be required.
  if (extraConfig.find("[c2s]") == std::string_view::npos) text += "[c2s]\nrequire_tls = false\n";
  text += "[[listener]]\ntype = \"c2s\"\nport = 0\n";
  text += extraConfig;
  auto loaded = config::loadConfigFromString(text, dir / "keyfed.toml");
  if (!loaded) die(loaded.error().describe());
  config = std::move(*loaded);
  std::filesystem::create_directories(dir / "data");
  storage::SqliteOptions options;
  options.path = dir / "data" / "keyfed.db";
  options.connections = 1;
  auto opened = storage::openSqlite(options);
  if (!opened) die(opened.error().describe());
  storage = std::move(*opened);
  server = std::make_unique<Server>(config, *storage, loop, clock);
}

TestServer::~TestServer() {
  server.reset();
  storage.reset();
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

base::Result<void> TestServer::start(std::vector<std::unique_ptr<Module>> modules) {
  for (auto& m : modules) server->addModule(std::move(m));
  return server->start();
}

void TestServer::addUser(std::string_view user, std::string_view host, std::string_view password) {
  auto credentials = makeAccountCredentials(password);
  if (!credentials) die(credentials.error().describe());
  auto created = storage->accounts().create(user, host, *credentials);
  if (!created) die(created.error().describe());
}

std::unique_ptr<TestClientSession> TestServer::connect(std::string_view user, std::string_view host,
                                                       std::string_view resource) {
  return std::make_unique<TestClientSession>(*server, std::string(user), std::string(host),
                                             std::string(resource));
}

}  // namespace keyfed::server
