#pragma once
// HTTP file upload (XEP-0363, docs/upload.md): a local user asks its server
// for a slot over XMPP, PUTs the file to the https listener, and shares the
// GET URL. The slot request goes to the virtual host's own JID; the files are
// served from /upload/ on the https routes.

#include <memory>
#include <optional>

#include "keyfed/modules/upload_config.hpp"
#include "keyfed/server/module.hpp"

namespace keyfed::http {
class Router;
}

namespace keyfed::modules {

// `routes`: the https module's routes (apps/keyfed/modules.cpp). `config`:
// given by tests; otherwise the [upload] section.
std::unique_ptr<server::Module> makeUploadModule(http::Router* routes,
                                                 std::optional<UploadConfig> config = {});

}  // namespace keyfed::modules
