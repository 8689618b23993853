#pragma once
// The configuration of one PEP node (XEP-0060 section 8.2, the options PEP
// clients use), its text form for storage and its data form for the owner.
// Fields are named as in the pubsub#node_config form; the same function
// applies a field whether it comes from a configure form, publish-options or
// the database, so the three cannot disagree.

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "data_form.hpp"
#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::modules::pep {

// XEP-0060 section 4.5; "authorize" is not offered (PEP subscriptions never
// wait for the owner's approval).
enum class AccessModel { open, presence, roster, whitelist };
enum class SendLastItem { never, onSubscribe, onSubscribeAndPresence };

// max_items = "max": as many as the server keeps (PepConfig::maxItemsPerNode).
inline constexpr std::size_t kMaxItemsMax = std::numeric_limits<std::size_t>::max();

struct NodeConfig {
  // XEP-0163 section 4: the default access model of a PEP node is presence.
  AccessModel accessModel = AccessModel::presence;
  std::size_t maxItems = 1;
  bool persistItems = true;
  SendLastItem sendLastPublishedItem = SendLastItem::onSubscribeAndPresence;
  bool notifyRetract = true;
  // pubsub#roster_groups_allowed, for the roster access model: sorted, unique.
  std::vector<std::string> rosterGroupsAllowed;

  bool operator==(const NodeConfig&) const = default;

  // How many items the node keeps, given the server's per-node limit. A node
  // that does not persist items keeps the last one, for last-item delivery.
  [[nodiscard]] std::size_t itemsKept(std::size_t serverLimit) const;
};

// At most this many allowed roster groups per node, each a non-empty name of
// at most kMaxGroupBytes without control characters.
inline constexpr std::size_t kMaxRosterGroups = 32;
inline constexpr std::size_t kMaxGroupBytes = 256;

// Applies one field. Errors ("pep.config"): an unknown field, a value that is
// not one of the field's values, max_items above `maxItemsLimit`. For
// roster_groups_allowed, `value` is the one allowed group ("" for none).
base::Result<void> applyField(NodeConfig& config, std::string_view var, std::string_view value,
                              std::size_t maxItemsLimit);
// The same for a submitted form field; roster_groups_allowed takes all its values.
base::Result<void> applyField(NodeConfig& config, const FormField& field,
                              std::size_t maxItemsLimit);

// XEP-0060 7.1.5: whether publishing with this option may go ahead on a node
// configured as `config` (the option applied changes nothing).
bool meetsPrecondition(const NodeConfig& config, std::string_view var, std::string_view value,
                       std::size_t maxItemsLimit);
bool meetsPrecondition(const NodeConfig& config, const FormField& field, std::size_t maxItemsLimit);

// "var=value" lines, read back by parseStoredConfig().
std::string storedConfig(const NodeConfig& config);
base::Result<NodeConfig> parseStoredConfig(std::string_view text, std::size_t maxItemsLimit);

// The pubsub#node_config form with the current values, for the owner.
xml::Element configForm(const NodeConfig& config);

std::string_view toString(AccessModel model);

}  // namespace keyfed::modules::pep
