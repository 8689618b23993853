#include "node_config.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::pep {
namespace {

constexpr std::string_view kAccessModel = "pubsub#access_model";
constexpr std::string_view kMaxItems = "pubsub#max_items";
constexpr std::string_view kPersistItems = "pubsub#persist_items";
constexpr std::string_view kSendLast = "pubsub#send_last_published_item";
constexpr std::string_view kNotifyRetract = "pubsub#notify_retract";
constexpr std::string_view kRosterGroups = "pubsub#roster_groups_allowed";

base::Failure configError(std::string_view var, std::string_view value) {
  return base::fail("pep.config",
                    "unsupported value '" + std::string(value) + "' for " + std::string(var));
}

// XEP-0004 booleans: "1"/"true", "0"/"false".
std::optional<bool> parseBoolean(std::string_view value) {
  if (value == "1" || value == "true") return true;
  if (value == "0" || value == "false") return false;
  return std::nullopt;
}

std::string_view toString(SendLastItem when) {
  switch (when) {
    case SendLastItem::never: return "never";
    case SendLastItem::onSubscribe: return "on_sub";
    case SendLastItem::onSubscribeAndPresence: break;
  }
  return "on_sub_and_presence";
}

// Group names end up one per line in the stored configuration: no control
// characters (nor newlines), bounded.
base::Result<void> setRosterGroups(NodeConfig& config, const std::vector<std::string>& groups) {
  if (groups.size() > kMaxRosterGroups) {
    return base::fail("pep.config", "at most " + std::to_string(kMaxRosterGroups) +
                                        " roster groups may be allowed");
  }
  for (const std::string& g : groups) {
    const bool control = std::any_of(g.begin(), g.end(),
                                     [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    if (g.empty() || g.size() > kMaxGroupBytes || control) return configError(kRosterGroups, g);
  }
  std::vector<std::string> sorted = groups;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  config.rosterGroupsAllowed = std::move(sorted);
  return {};
}

std::string maxItemsText(std::size_t maxItems) {
  return maxItems == kMaxItemsMax ? std::string("max") : std::to_string(maxItems);
}

}  // namespace

std::string_view toString(AccessModel model) {
  switch (model) {
    case AccessModel::open: return "open";
    case AccessModel::roster: return "roster";
    case AccessModel::whitelist: return "whitelist";
    case AccessModel::presence: break;
  }
  return "presence";
}

std::size_t NodeConfig::itemsKept(std::size_t serverLimit) const {
  if (!persistItems) return 1;
  return maxItems < serverLimit ? maxItems : serverLimit;
}

base::Result<void> applyField(NodeConfig& config, std::string_view var, std::string_view value,
                              std::size_t maxItemsLimit) {
  if (var == kAccessModel) {
    if (value == "open") {
      config.accessModel = AccessModel::open;
    } else if (value == "presence") {
      config.accessModel = AccessModel::presence;
    } else if (value == "roster") {
      config.accessModel = AccessModel::roster;
    } else if (value == "whitelist") {
      config.accessModel = AccessModel::whitelist;
    } else {
      return configError(var, value);
    }
    return {};
  }
  if (var == kRosterGroups) {
    return setRosterGroups(config, value.empty() ? std::vector<std::string>{}
                                                 : std::vector<std::string>{std::string(value)});
  }
  if (var == kMaxItems) {
    if (value == "max") {
      config.maxItems = kMaxItemsMax;
      return {};
    }
    std::size_t n = 0;
    const auto* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, n);
    if (ec != std::errc{} || ptr != end || n == 0 || n > maxItemsLimit) {
      return configError(var, value);
    }
    config.maxItems = n;
    return {};
  }
  if (var == kSendLast) {
    if (value == "never") {
      config.sendLastPublishedItem = SendLastItem::never;
    } else if (value == "on_sub") {
      config.sendLastPublishedItem = SendLastItem::onSubscribe;
    } else if (value == "on_sub_and_presence") {
      config.sendLastPublishedItem = SendLastItem::onSubscribeAndPresence;
    } else {
      return configError(var, value);
    }
    return {};
  }
  bool* flag = var == kPersistItems    ? &config.persistItems
               : var == kNotifyRetract ? &config.notifyRetract
                                       : nullptr;
  if (flag == nullptr) {
    return base::fail("pep.config", "unsupported option " + std::string(var));
  }
  const auto b = parseBoolean(value);
  if (!b) return configError(var, value);
  *flag = *b;
  return {};
}

base::Result<void> applyField(NodeConfig& config, const FormField& field,
                              std::size_t maxItemsLimit) {
  if (field.var == kRosterGroups) return setRosterGroups(config, field.values);
  return applyField(config, field.var, field.value, maxItemsLimit);
}

bool meetsPrecondition(const NodeConfig& config, std::string_view var, std::string_view value,
                       std::size_t maxItemsLimit) {
  NodeConfig wanted = config;
  return applyField(wanted, var, value, maxItemsLimit).has_value() && wanted == config;
}

bool meetsPrecondition(const NodeConfig& config, const FormField& field,
                       std::size_t maxItemsLimit) {
  NodeConfig wanted = config;
  return applyField(wanted, field, maxItemsLimit).has_value() && wanted == config;
}

std::string storedConfig(const NodeConfig& config) {
  std::string out;
  auto line = [&out](std::string_view var, std::string_view value) {
    out.append(var).append("=").append(value).append("\n");
  };
  line(kAccessModel, toString(config.accessModel));
  line(kMaxItems, maxItemsText(config.maxItems));
  line(kPersistItems, config.persistItems ? "true" : "false");
  line(kSendLast, toString(config.sendLastPublishedItem));
  line(kNotifyRetract, config.notifyRetract ? "true" : "false");
  for (const std::string& group : config.rosterGroupsAllowed) line(kRosterGroups, group);
  return out;
}

base::Result<NodeConfig> parseStoredConfig(std::string_view text, std::size_t maxItemsLimit) {
  NodeConfig config;
  while (!text.empty()) {
    const auto eol = text.find('\n');
    const std::string_view line = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
    if (line.empty()) continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return base::fail("pep.config", "a stored line without '='");
    // A lowered server limit caps what an older configuration asked for.
    std::string_view value = line.substr(eq + 1);
    if (line.substr(0, eq) == kRosterGroups) {
      // One line per group: they add up.
      std::vector<std::string> groups = config.rosterGroupsAllowed;
      groups.emplace_back(value);
      if (auto r = setRosterGroups(config, groups); !r) return base::fail(r.error());
      continue;
    }
    NodeConfig probe = config;
    if (auto r = applyField(probe, line.substr(0, eq), value, kMaxItemsMax); !r)
      return base::fail(r.error());
    if (probe.maxItems != kMaxItemsMax && probe.maxItems > maxItemsLimit)
      probe.maxItems = maxItemsLimit;
    config = probe;
  }
  return config;
}

xml::Element configForm(const NodeConfig& config) {
  xml::Element form = makeForm(xmpp::ns::pubsubNodeConfig);
  addFormField(form, kAccessModel, "list-single", toString(config.accessModel),
               {"open", "presence", "roster", "whitelist"});
  addFormField(form, kMaxItems, "text-single", maxItemsText(config.maxItems));
  addFormField(form, kPersistItems, "boolean", config.persistItems ? "1" : "0");
  addFormField(form, kSendLast, "list-single", toString(config.sendLastPublishedItem),
               {"never", "on_sub", "on_sub_and_presence"});
  addFormField(form, kNotifyRetract, "boolean", config.notifyRetract ? "1" : "0");
  addMultiField(form, kRosterGroups, config.rosterGroupsAllowed);
  return form;
}

}  // namespace keyfed::modules::pep
