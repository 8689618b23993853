#include "sections.hpp"

namespace keyfed::app {

config::SectionRegistry configSections() {
  config::SectionRegistry registry;
  return registry;
}

}  // namespace keyfed::app
