#pragma once
// The smallest configuration text the loader accepts: one virtual host
// without certificates, plain c2s on an ephemeral port. Tests of a config
// section append their section to it.

#include <string>
#include <string_view>

namespace keyfed::config {

inline std::string minimalConfigText(std::string_view domain = "a.test") {
  std::string text = "[server]\ndata_dir = \"data\"\n[[virtual_host]]\ndomain = \"";
  text += domain;
  text +=
      "\"\ncertificate = \"\"\nkey = \"\"\n[c2s]\nrequire_tls = false\n"
      "[[listener]]\ntype = \"c2s\"\nport = 0\n";
  return text;
}

}  // namespace keyfed::config
