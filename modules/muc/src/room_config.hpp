#pragma once
// A room's configuration (XEP-0045 10.2): the muc#roomconfig form an owner
// fills in, and the text it is stored as for persistent rooms.

#include <cstddef>
#include <string>
#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::modules::muc {

enum class Whois { moderators, anyone };

struct RoomConfig {
  std::string name;
  std::string description;
  bool persistent = false;
  bool isPublic = true;
  bool membersOnly = false;
  bool moderated = false;
  bool passwordProtected = false;
  std::string password;
  Whois whois = Whois::moderators;
  bool occupantsChangeSubject = false;
  std::size_t maxUsers = 0;       // set from the service's limits
  std::size_t historyLength = 0;  // messages kept, at most the service's max_history
  bool archiving = false;         // XEP-0313: the room archives its messages
  bool operator==(const RoomConfig&) const = default;
};

// What the service allows; a form cannot go beyond it.
struct ConfigBounds {
  std::size_t maxUsers = 200;
  std::size_t maxHistory = 50;
  // The archiving of a room whose stored configuration predates the option.
  bool archiveByDefault = true;
};

inline constexpr std::size_t kMaxNameBytes = 256;
inline constexpr std::size_t kMaxDescriptionBytes = 4096;
inline constexpr std::size_t kMaxPasswordBytes = 256;

// <x xmlns='jabber:x:data' type='form'> with the current values.
xml::Element configForm(const RoomConfig& config, const ConfigBounds& bounds);

// Applies a submitted form to `current`. Fields not in the form keep their
// value; unknown fields are ignored (XEP-0004). Errors ("muc.form"): a form
// that is not type submit, a wrong FORM_TYPE, a boolean or number that does
// not parse, a value out of bounds, a text field too long, a password-
// protected room without a password.
base::Result<RoomConfig> applyConfigForm(const xml::Element& form, RoomConfig current,
                                         const ConfigBounds& bounds);

// The stored form: one "key=value" line per option, '\\' and line breaks escaped.
std::string serializeConfig(const RoomConfig& config);
// Reads what serializeConfig wrote (unknown keys are skipped, for newer
// versions); bounds still apply, so a lowered limit takes effect at load.
base::Result<RoomConfig> parseStoredConfig(std::string_view text, const ConfigBounds& bounds);

}  // namespace keyfed::modules::muc
