#pragma once
// The [[component]] entries (docs/components.md): the external components
// (XEP-0114) this server accepts on its component listeners. In a library of
// its own so that keyfedctl checks the file without the module.

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "keyfed/config/config.hpp"
#include "keyfed/config/section.hpp"

namespace keyfed::modules {

struct ComponentEntry {
  std::string domain;  // prepared (lowercase); not a virtual host, not another component's
  std::string secret;  // from `secret` or the first line of `secret_file`
  // How long the stream may be quiet; 0: [limits] c2s_idle_timeout. Stanza
  // size, depth and the rest are [limits]' c2s values for every component.
  std::chrono::seconds idleTimeout{0};
  std::string name;  // shown in the server's disco#items ("" for none)
};

struct ComponentsConfig {
  std::vector<ComponentEntry> components;
};

// A secret shorter than this is refused: the handshake is a SHA-1 of the
// secret and a stream id anyone can read, so a short secret falls to an
// offline guess from one captured handshake.
inline constexpr std::size_t kMinSecretBytes = 16;
inline constexpr std::size_t kMaxSecretBytes = 1024;
inline constexpr std::size_t kMaxComponents = 256;

// Registers [[component]] with the loader.
base::Result<void> registerComponentConfig(config::SectionRegistry& registry);

// The configured components, or none when the array was not registered (tests).
const std::vector<ComponentEntry>& componentEntries(const config::Config& config);

}  // namespace keyfed::modules
