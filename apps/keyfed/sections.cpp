#include "sections.hpp"

#include "keyfed/agent/config.hpp"
#include "keyfed/clearinghouse/config.hpp"
#include "keyfed/modules/bosh_config.hpp"
#include "keyfed/modules/component_config.hpp"
#include "keyfed/modules/extdisco_config.hpp"
#include "keyfed/modules/https_config.hpp"
#include "keyfed/modules/mam_config.hpp"
#include "keyfed/modules/muc_config.hpp"
#include "keyfed/modules/pep_config.hpp"
#include "keyfed/modules/push_config.hpp"
#include "keyfed/modules/s2s_config.hpp"
#include "keyfed/modules/sm_config.hpp"
#include "keyfed/modules/upload_config.hpp"
#include "keyfed/modules/websocket_config.hpp"

namespace keyfed::app {

config::SectionRegistry configSections() {
  config::SectionRegistry registry;
  modules::registerS2sConfig(registry);
  (void)modules::registerSmConfig(registry);
  (void)modules::registerMucConfig(registry);
  (void)modules::registerPepConfig(registry);
  (void)modules::registerMamConfig(registry);
  (void)modules::registerPushConfig(registry);
  modules::registerHttpConfig(registry);
  (void)modules::registerWebSocketConfig(registry);
  (void)modules::registerBoshConfig(registry);
  (void)modules::registerUploadConfig(registry);
  (void)modules::registerExternalServicesConfig(registry);
  (void)modules::registerComponentConfig(registry);
  (void)agent::registerAgentConfig(registry);
  (void)clearinghouse::registerClearinghouseConfig(registry);
  return registry;
}

}  // namespace keyfed::app
