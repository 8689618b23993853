#pragma once
// Config sections owned by modules and components ([s2s], [policy], ...),
// registered with the loader so their keys are checked with the rest.

#include "keyfed/config/section.hpp"

namespace keyfed::app {

config::SectionRegistry configSections();

}  // namespace keyfed::app
