#include "prefs.hpp"

#include <algorithm>
#include <string>

#include "keyfed/archive/namespaces.hpp"
#include "keyfed/xmpp/jid.hpp"

namespace keyfed::modules::mam {
namespace {

using archive::kMamNs;
using storage::ArchiveDefault;

constexpr std::string_view kDefaults[] = {"always", "never", "roster"};

bool listed(const std::vector<std::string>& list, std::string_view bare, std::string_view full) {
  return std::binary_search(list.begin(), list.end(), bare, std::less<>{}) ||
         (full != bare && std::binary_search(list.begin(), list.end(), full, std::less<>{}));
}

base::Failure badPrefs(std::string message) {
  return base::fail("mam.bad-prefs", std::move(message));
}

base::Result<std::vector<std::string>> readList(const xml::Element* list, std::size_t maxJids) {
  std::vector<std::string> out;
  if (list == nullptr) return out;
  for (const auto& jid : list->children("jid", kMamNs)) {
    if (out.size() == maxJids) {
      return badPrefs("more than " + std::to_string(maxJids) + " JIDs in <" + list->name() + "/>");
    }
    auto parsed = xmpp::Jid::parse(jid.text());
    if (!parsed) return badPrefs("invalid JID in <" + list->name() + "/>: " + jid.text());
    out.emplace_back(parsed->full());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

bool prefsAllow(const storage::ArchivePrefs& prefs, std::string_view withBare,
                std::string_view withFull, const std::function<bool()>& inRoster) {
  if (listed(prefs.never, withBare, withFull)) return false;
  if (listed(prefs.always, withBare, withFull)) return true;
  switch (prefs.defaultMode) {
    case ArchiveDefault::always: return true;
    case ArchiveDefault::never: return false;
    case ArchiveDefault::roster: return inRoster();
  }
  return false;
}

base::Result<storage::ArchivePrefs> parsePrefs(const xml::Element& prefs, std::size_t maxJids) {
  storage::ArchivePrefs out;
  const auto mode = prefs.attr("default");
  const auto* known = std::find(std::begin(kDefaults), std::end(kDefaults), mode);
  if (known == std::end(kDefaults)) {
    return badPrefs("default must be always, never or roster");
  }
  out.defaultMode = static_cast<ArchiveDefault>(known - std::begin(kDefaults));
  auto always = readList(prefs.child("always", kMamNs), maxJids);
  if (!always) return base::fail(std::move(always).error());
  auto never = readList(prefs.child("never", kMamNs), maxJids);
  if (!never) return base::fail(std::move(never).error());
  out.always = std::move(*always);
  out.never = std::move(*never);
  return out;
}

xml::Element prefsElement(const storage::ArchivePrefs& prefs) {
  xml::Element out("prefs", std::string(kMamNs));
  out.setAttr("default", kDefaults[static_cast<std::size_t>(prefs.defaultMode)]);
  for (const auto& [name, list] :
       {std::pair{"always", &prefs.always}, std::pair{"never", &prefs.never}}) {
    auto& el = out.addChild(name, std::string(kMamNs));
    for (const auto& jid : *list) el.addChild("jid", std::string(kMamNs)).addText(jid);
  }
  return out;
}

}  // namespace keyfed::modules::mam
