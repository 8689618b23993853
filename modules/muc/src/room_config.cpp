// The muc#roomconfig form (XEP-0045 10.2 and its registry, section 15.5.3)
// and the stored text of a persistent room's configuration.
#include "room_config.hpp"

#include <charconv>
#include <string>

#include "muc_ns.hpp"

namespace keyfed::modules::muc {
namespace {

constexpr std::string_view kPrefix = "muc#roomconfig_";

base::Failure formError(std::string message) {
  return base::fail("muc.form", std::move(message));
}

xml::Element& addField(xml::Element& form, std::string_view var, std::string_view type,
                       std::string_view label) {
  auto& field = form.addChild("field", std::string(ns::dataForms));
  field.setAttr("var", var);
  if (!type.empty()) field.setAttr("type", type);
  if (!label.empty()) field.setAttr("label", label);
  return field;
}

void addValue(xml::Element& field, std::string_view value) {
  field.addChild("value", std::string(ns::dataForms)).addText(value);
}

void addOption(xml::Element& field, std::string_view label, std::string_view value) {
  auto& option = field.addChild("option", std::string(ns::dataForms));
  option.setAttr("label", label);
  addValue(option, value);
}

std::string option(std::string_view name) {
  return std::string(kPrefix) + std::string(name);
}

void addBoolean(xml::Element& form, std::string_view name, std::string_view label, bool value) {
  addValue(addField(form, option(name), "boolean", label), value ? "1" : "0");
}

std::optional<bool> parseBoolean(std::string_view text) {
  if (text == "1" || text == "true") return true;
  if (text == "0" || text == "false") return false;
  return std::nullopt;
}

std::optional<std::size_t> parseCount(std::string_view text) {
  std::size_t value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc{} || ptr != end || text.empty()) return std::nullopt;
  return value;
}

// Sets one option from its short name and text; shared by the form and the
// stored configuration so both accept exactly the same values.
base::Result<void> setOption(RoomConfig& c, std::string_view name, std::string_view value,
                             const ConfigBounds& bounds) {
  auto boolean = [&](bool& out) -> base::Result<void> {
    auto parsed = parseBoolean(value);
    if (!parsed) return formError(option(name) + ": '" + std::string(value) + "' is not a boolean");
    out = *parsed;
    return {};
  };
  auto text = [&](std::string& out, std::size_t max) -> base::Result<void> {
    if (value.size() > max) {
      return formError(option(name) + " is longer than " + std::to_string(max) + " bytes");
    }
    out = std::string(value);
    return {};
  };
  auto count = [&](std::size_t& out, std::size_t min, std::size_t max) -> base::Result<void> {
    if (value == "none" && name == "maxusers") {
      out = max;
      return {};
    }
    auto parsed = parseCount(value);
    if (!parsed || *parsed < min || *parsed > max) {
      return formError(option(name) + " must be a number from " + std::to_string(min) + " to " +
                       std::to_string(max));
    }
    out = *parsed;
    return {};
  };
  if (name == "roomname") return text(c.name, kMaxNameBytes);
  if (name == "roomdesc") return text(c.description, kMaxDescriptionBytes);
  if (name == "persistentroom") return boolean(c.persistent);
  if (name == "publicroom") return boolean(c.isPublic);
  if (name == "membersonly") return boolean(c.membersOnly);
  if (name == "moderatedroom") return boolean(c.moderated);
  if (name == "passwordprotectedroom") return boolean(c.passwordProtected);
  if (name == "roomsecret") return text(c.password, kMaxPasswordBytes);
  if (name == "changesubject") return boolean(c.occupantsChangeSubject);
  if (name == "enablearchiving") return boolean(c.archiving);
  if (name == "maxusers") return count(c.maxUsers, 1, bounds.maxUsers);
  if (name == "historylength") return count(c.historyLength, 0, bounds.maxHistory);
  if (name == "whois") {
    if (value == "moderators") {
      c.whois = Whois::moderators;
    } else if (value == "anyone") {
      c.whois = Whois::anyone;
    } else {
      return formError(option(name) + " must be 'moderators' or 'anyone'");
    }
    return {};
  }
  return {};  // unknown: ignored
}

base::Result<void> checkConsistent(const RoomConfig& c) {
  if (c.passwordProtected && c.password.empty()) {
    return formError("a password-protected room needs muc#roomconfig_roomsecret");
  }
  return {};
}

}  // namespace

xml::Element configForm(const RoomConfig& c, const ConfigBounds& bounds) {
  xml::Element form("x", std::string(ns::dataForms));
  form.setAttr("type", "form");
  form.addChild("title", std::string(ns::dataForms)).addText("Room configuration");
  addValue(addField(form, "FORM_TYPE", "hidden", {}), ns::roomConfig);
  addValue(addField(form, option("roomname"), "text-single", "Name"), c.name);
  addValue(addField(form, option("roomdesc"), "text-single", "Description"), c.description);
  addBoolean(form, "persistentroom", "Keep the room when it is empty", c.persistent);
  addBoolean(form, "publicroom", "List the room in service discovery", c.isPublic);
  addBoolean(form, "membersonly", "Only members may join", c.membersOnly);
  addBoolean(form, "moderatedroom", "Only occupants with voice may speak", c.moderated);
  addBoolean(form, "passwordprotectedroom", "A password is needed to join", c.passwordProtected);
  addValue(addField(form, option("roomsecret"), "text-private", "Password"), c.password);
  auto& whois = addField(form, option("whois"), "list-single", "Who may see real JIDs");
  addOption(whois, "Moderators", "moderators");
  addOption(whois, "Anyone", "anyone");
  addValue(whois, c.whois == Whois::anyone ? "anyone" : "moderators");
  addBoolean(form, "changesubject", "Occupants may change the subject", c.occupantsChangeSubject);
  auto& maxUsers = addField(form, option("maxusers"), "text-single",
                            "Most occupants (at most " + std::to_string(bounds.maxUsers) + ")");
  addValue(maxUsers, std::to_string(c.maxUsers));
  auto& history =
      addField(form, option("historylength"), "text-single",
               "Messages of history (at most " + std::to_string(bounds.maxHistory) + ")");
  addValue(history, std::to_string(c.historyLength));
  addBoolean(form, "enablearchiving", "Archive messages (XEP-0313)", c.archiving);
  return form;
}

base::Result<RoomConfig> applyConfigForm(const xml::Element& form, RoomConfig current,
                                         const ConfigBounds& bounds) {
  if (!form.is("x", ns::dataForms) || form.attr("type") != "submit") {
    return formError("the configuration must be a data form of type 'submit'");
  }
  for (const auto& field : form.children("field", ns::dataForms)) {
    const auto var = field.attr("var");
    // XEP-0004: a form may repeat <value/> only for multi-valued fields; none here.
    const std::string value = field.childText("value", ns::dataForms);
    if (var == "FORM_TYPE") {
      if (value != ns::roomConfig)
        return formError("FORM_TYPE is not " + std::string(ns::roomConfig));
      continue;
    }
    if (!var.starts_with(kPrefix)) continue;
    if (auto r = setOption(current, var.substr(kPrefix.size()), value, bounds); !r) {
      return base::fail(r.error());
    }
  }
  if (auto r = checkConsistent(current); !r) return base::fail(r.error());
  return current;
}

std::string serializeConfig(const RoomConfig& c) {
  std::string out;
  auto line = [&out](std::string_view key, std::string_view value) {
    out.append(key).push_back('=');
    for (char ch : value) {
      if (ch == '\\') {
        out += "\\\\";
      } else if (ch == '\n') {
        out += "\\n";
      } else if (ch == '\r') {
        out += "\\r";
      } else {
        out.push_back(ch);
      }
    }
    out.push_back('\n');
  };
  auto flag = [](bool b) { return b ? "1" : "0"; };
  line("roomname", c.name);
  line("roomdesc", c.description);
  line("persistentroom", flag(c.persistent));
  line("publicroom", flag(c.isPublic));
  line("membersonly", flag(c.membersOnly));
  line("moderatedroom", flag(c.moderated));
  line("passwordprotectedroom", flag(c.passwordProtected));
  line("roomsecret", c.password);
  line("whois", c.whois == Whois::anyone ? "anyone" : "moderators");
  line("changesubject", flag(c.occupantsChangeSubject));
  line("maxusers", std::to_string(c.maxUsers));
  line("historylength", std::to_string(c.historyLength));
  line("enablearchiving", flag(c.archiving));
  return out;
}

base::Result<RoomConfig> parseStoredConfig(std::string_view text, const ConfigBounds& bounds) {
  RoomConfig c;
  c.maxUsers = bounds.maxUsers;
  c.historyLength = bounds.maxHistory;
  c.archiving = bounds.archiveByDefault;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return formError("a stored option without '='");
    std::string value;
    for (std::size_t i = eq + 1; i < line.size(); ++i) {
      if (line[i] != '\\' || i + 1 == line.size()) {
        value.push_back(line[i]);
        continue;
      }
      const char next = line[++i];
      value.push_back(next == 'n' ? '\n' : next == 'r' ? '\r' : next);
    }
    const std::string_view name = line.substr(0, eq);
    // A value the bounds no longer allow is brought within them.
    if (name == "maxusers" || name == "historylength") {
      auto parsed = parseCount(value);
      const std::size_t max = name == "maxusers" ? bounds.maxUsers : bounds.maxHistory;
      if (parsed && *parsed > max) value = std::to_string(max);
    }
    if (auto r = setOption(c, name, value, bounds); !r) return base::fail(r.error());
  }
  if (auto r = checkConsistent(c); !r) return base::fail(r.error());
  return c;
}

}  // namespace keyfed::modules::muc
