// The mapping table of docs/vcard.md. Each direction reads one property at a
// time; a converter returns nullopt for a property whose shape it does not
// fully understand, and that property is then carried over as it arrived.
#include "vcard4_mapping.hpp"

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::vcard {
namespace {

constexpr std::string_view kTempNs = xmpp::ns::vcard;

xml::Element v4(std::string_view name) {
  return {std::string(name), std::string(kVCard4Ns)};
}

xml::Element temp(std::string_view name) {
  return {std::string(name), std::string(kTempNs)};
}

// <name><valueType>text</valueType></name>
xml::Element v4Value(std::string_view name, std::string_view valueType, std::string_view text) {
  xml::Element prop = v4(name);
  prop.addChild(v4(valueType)).addText(text);
  return prop;
}

base::Failure mappingError(std::string message) {
  return base::fail("vcard.mapping", std::move(message));
}

// ---- properties holding one value ----------------------------------------

struct SimpleProperty {
  std::string_view temp;
  std::string_view v4;
  std::string_view valueType;  // what toVCard4 writes
};

// XEP-0292 section 11: DESC is vCard4's NOTE; vcard-temp's own NOTE has no
// counterpart of its own and is carried over.
constexpr SimpleProperty kSimple[] = {
    {"FN", "fn", "text"},     {"NICKNAME", "nickname", "text"}, {"TITLE", "title", "text"},
    {"ROLE", "role", "text"}, {"DESC", "note", "text"},         {"URL", "url", "uri"},
    {"BDAY", "bday", "date"},
};

// Value types accepted on the way back (bday may be any date form or text).
bool acceptsValueType(const SimpleProperty& p, std::string_view type) {
  if (p.v4 == "bday") {
    return type == "date" || type == "date-time" || type == "date-and-or-time" || type == "text";
  }
  return type == p.valueType;
}

// ---- parameters: TYPE values and PREF ------------------------------------

struct Flag {
  std::string_view temp;
  std::string_view v4;  // empty: implied in vCard4, written back by toVCardTemp
};

constexpr Flag kPlaceFlags[] = {{"HOME", "home"}, {"WORK", "work"}};
constexpr Flag kEmailFlags[] = {{"HOME", "home"}, {"WORK", "work"}, {"INTERNET", ""}};
constexpr Flag kTelFlags[] = {
    {"HOME", "home"},   {"WORK", "work"}, {"VOICE", "voice"}, {"FAX", "fax"},
    {"PAGER", "pager"}, {"MSG", "text"},  {"CELL", "cell"},   {"VIDEO", "video"},
};

struct Parameters {
  std::vector<std::string> types;  // vCard4 type values, in order
  bool pref = false;
};

// A vcard-temp property made of flags (empty elements: PREF and those of
// `flags`) and text fields named in `fieldNames`, each at most once.
struct FlaggedProperty {
  Parameters parameters;
  std::vector<std::pair<std::string_view, std::string>> fields;

  [[nodiscard]] const std::string* field(std::string_view name) const {
    for (const auto& [n, text] : fields) {
      if (n == name) return &text;
    }
    return nullptr;
  }
};

std::optional<FlaggedProperty> readFlagged(const xml::Element& prop, std::span<const Flag> flags,
                                           std::span<const std::string_view> fieldNames) {
  FlaggedProperty out;
  for (const xml::Element& part : prop.children()) {
    if (part.ns() != kTempNs || part.childCount() != 0) return std::nullopt;
    if (part.name() == "PREF") {
      out.parameters.pref = true;
      continue;
    }
    auto flag = std::ranges::find(flags, part.name(), &Flag::temp);
    if (flag != flags.end()) {
      if (!flag->v4.empty()) out.parameters.types.emplace_back(flag->v4);
      continue;
    }
    auto field = std::ranges::find(fieldNames, part.name());
    if (field == fieldNames.end() || out.field(*field) != nullptr) return std::nullopt;
    out.fields.emplace_back(*field, part.text());
  }
  return out;
}

void addParameters(xml::Element& prop, const Parameters& parameters) {
  if (parameters.types.empty() && !parameters.pref) return;
  xml::Element& el = prop.addChild(v4("parameters"));
  if (!parameters.types.empty()) {
    xml::Element& type = el.addChild(v4("type"));
    for (const std::string& t : parameters.types) type.addChild(v4("text")).addText(t);
  }
  if (parameters.pref) el.addChild(v4("pref")).addChild(v4("integer")).addText("1");
}

// The <parameters/> of a vCard4 property, when vcard-temp can say all of it:
// type values it has flags for (`flags`), and pref 1.
std::optional<Parameters> readParameters(const xml::Element& prop, std::span<const Flag> flags) {
  Parameters out;
  const xml::Element* el = prop.child("parameters", kVCard4Ns);
  if (el == nullptr) return out;
  for (const xml::Element& p : el->children()) {
    if (p.ns() != kVCard4Ns) return std::nullopt;
    if (p.name() == "pref") {
      const xml::Element* n = p.child("integer", kVCard4Ns);
      if (p.childCount() != 1 || n == nullptr || n->text() != "1") return std::nullopt;
      out.pref = true;
    } else if (p.name() == "type") {
      for (const xml::Element& t : p.children()) {
        auto flag = std::ranges::find(flags, t.text(), &Flag::v4);
        if (!t.is("text", kVCard4Ns) || t.text().empty() || flag == flags.end()) {
          return std::nullopt;
        }
        out.types.push_back(t.text());
      }
    } else {
      return std::nullopt;
    }
  }
  return out;
}

void addFlags(xml::Element& prop, const Parameters& parameters, std::span<const Flag> flags) {
  for (const Flag& f : flags) {
    if (f.v4.empty() || std::ranges::find(parameters.types, f.v4) != parameters.types.end()) {
      prop.addChild(temp(f.temp));
    }
  }
  if (parameters.pref) prop.addChild(temp("PREF"));
}

// The vCard4 property's children other than <parameters/>, when each is a
// text-only element of the vCard4 namespace.
std::optional<std::vector<const xml::Element*>> valueChildren(const xml::Element& prop) {
  std::vector<const xml::Element*> out;
  for (const xml::Element& c : prop.children()) {
    if (c.is("parameters", kVCard4Ns)) continue;
    if (c.ns() != kVCard4Ns || c.childCount() != 0) return std::nullopt;
    out.push_back(&c);
  }
  return out;
}

// ---- structured properties, vcard-temp -> vCard4 --------------------------

// vcard-temp and vCard4 names of the components of N and ADR, in vCard4 order.
struct Component {
  std::string_view temp;
  std::string_view v4;
};
constexpr Component kNameParts[] = {{"FAMILY", "surname"},
                                    {"GIVEN", "given"},
                                    {"MIDDLE", "additional"},
                                    {"PREFIX", "prefix"},
                                    {"SUFFIX", "suffix"}};
constexpr Component kAddressParts[] = {
    {"POBOX", "pobox"},   {"EXTADD", "ext"}, {"STREET", "street"}, {"LOCALITY", "locality"},
    {"REGION", "region"}, {"PCODE", "code"}, {"CTRY", "country"}};

std::optional<xml::Element> structuredToV4(const xml::Element& prop, std::string_view v4Name,
                                           std::span<const Component> parts,
                                           std::span<const Flag> flags) {
  std::vector<std::string_view> names;
  for (const Component& c : parts) names.push_back(c.temp);
  if (v4Name == "adr") names.emplace_back("COUNTRY");  // a common misspelling of CTRY
  auto read = readFlagged(prop, flags, names);
  if (!read) return std::nullopt;
  if (v4Name == "adr" && read->field("CTRY") != nullptr && read->field("COUNTRY") != nullptr) {
    return std::nullopt;
  }
  xml::Element out = v4(v4Name);
  addParameters(out, read->parameters);
  // RFC 6351 wants every component, empty when unknown.
  for (const Component& c : parts) {
    const std::string* text = read->field(c.temp);
    if (text == nullptr && c.temp == "CTRY") text = read->field("COUNTRY");
    out.addChild(v4(c.v4)).addText(text != nullptr ? *text : std::string());
  }
  return out;
}

std::optional<xml::Element> structuredToTemp(const xml::Element& prop, std::string_view tempName,
                                             std::span<const Component> parts,
                                             std::span<const Flag> flags) {
  auto parameters = readParameters(prop, flags);
  auto values = valueChildren(prop);
  if (!parameters || !values) return std::nullopt;
  std::vector<std::pair<std::string_view, std::string>> found;
  for (const xml::Element* v : *values) {
    auto part = std::ranges::find(parts, v->name(), &Component::v4);
    if (part == parts.end()) return std::nullopt;
    const bool twice =
        std::ranges::find(found, part->temp, &std::pair<std::string_view, std::string>::first) !=
        found.end();
    if (twice) return std::nullopt;
    found.emplace_back(part->temp, v->text());
  }
  xml::Element out = temp(tempName);
  addFlags(out, *parameters, flags);
  for (const Component& c : parts) {
    auto it = std::ranges::find(found, c.temp, &std::pair<std::string_view, std::string>::first);
    if (it != found.end() && !it->second.empty()) out.addChild(temp(c.temp)).addText(it->second);
  }
  return out;
}

// ---- vcard-temp -> vCard4, one converter per property ---------------------

std::optional<xml::Element> nameToV4(const xml::Element& prop) {
  return structuredToV4(prop, "n", kNameParts, {});
}

std::optional<xml::Element> addressToV4(const xml::Element& prop) {
  return structuredToV4(prop, "adr", kAddressParts, kPlaceFlags);
}

// EMAIL and TEL: flags and one text field; in vCard4, parameters and one text.
std::optional<xml::Element> flaggedValueToV4(const xml::Element& prop, std::string_view v4Name,
                                             std::span<const Flag> flags, std::string_view field) {
  const std::string_view fields[] = {field};
  auto read = readFlagged(prop, flags, fields);
  if (!read || read->field(field) == nullptr) return std::nullopt;
  xml::Element out = v4(v4Name);
  addParameters(out, read->parameters);
  out.addChild(v4("text")).addText(*read->field(field));
  return out;
}

std::optional<xml::Element> emailToV4(const xml::Element& prop) {
  return flaggedValueToV4(prop, "email", kEmailFlags, "USERID");
}

std::optional<xml::Element> telToV4(const xml::Element& prop) {
  return flaggedValueToV4(prop, "tel", kTelFlags, "NUMBER");
}

std::optional<xml::Element> orgToV4(const xml::Element& prop) {
  xml::Element out = v4("org");
  bool named = false;
  for (const xml::Element& part : prop.children()) {
    if (part.ns() != kTempNs || part.childCount() != 0) return std::nullopt;
    // ORGNAME first, then the units (the DTD's order, and vCard4's).
    if (part.name() == "ORGNAME" && !named) {
      named = true;
    } else if (part.name() != "ORGUNIT" || !named) {
      return std::nullopt;
    }
    out.addChild(v4("text")).addText(part.text());
  }
  if (!named) return std::nullopt;
  return out;
}

std::optional<xml::Element> photoToV4(const xml::Element& prop) {
  constexpr std::string_view fields[] = {"TYPE", "BINVAL", "EXTVAL"};
  auto read = readFlagged(prop, {}, fields);
  if (!read || read->parameters.pref) return std::nullopt;
  const std::string* type = read->field("TYPE");
  const std::string* binval = read->field("BINVAL");
  const std::string* extval = read->field("EXTVAL");
  if (binval != nullptr && type != nullptr && extval == nullptr) {
    const std::string mediaType = withoutWhitespace(*type);
    if (mediaType.find_first_of(";,") != std::string::npos) return std::nullopt;
    return v4Value("photo", "uri", "data:" + mediaType + ";base64," + withoutWhitespace(*binval));
  }
  if (extval != nullptr && binval == nullptr && type == nullptr) {
    return v4Value("photo", "uri", *extval);
  }
  return std::nullopt;
}

std::optional<xml::Element> jabberIdToV4(const xml::Element& prop) {
  if (prop.childCount() != 0) return std::nullopt;
  return v4Value("impp", "uri", "xmpp:" + prop.text());
}

using TempConverter = std::optional<xml::Element> (*)(const xml::Element&);
struct TempRule {
  std::string_view name;
  TempConverter convert;
};
constexpr TempRule kTempRules[] = {
    {"N", nameToV4},  {"ADR", addressToV4}, {"EMAIL", emailToV4},       {"TEL", telToV4},
    {"ORG", orgToV4}, {"PHOTO", photoToV4}, {"JABBERID", jabberIdToV4},
};

std::optional<xml::Element> propertyToV4(const xml::Element& prop) {
  if (prop.ns() != kTempNs) return std::nullopt;
  auto simple = std::ranges::find(kSimple, prop.name(), &SimpleProperty::temp);
  if (simple != std::end(kSimple)) {
    if (prop.childCount() != 0) return std::nullopt;
    return v4Value(simple->v4, simple->valueType, prop.text());
  }
  auto rule = std::ranges::find(kTempRules, prop.name(), &TempRule::name);
  if (rule == std::end(kTempRules)) return std::nullopt;
  return rule->convert(prop);
}

// ---- vCard4 -> vcard-temp ------------------------------------------------

std::optional<xml::Element> nameToTemp(const xml::Element& prop) {
  if (prop.child("parameters", kVCard4Ns) != nullptr) return std::nullopt;
  return structuredToTemp(prop, "N", kNameParts, {});
}

std::optional<xml::Element> addressToTemp(const xml::Element& prop) {
  return structuredToTemp(prop, "ADR", kAddressParts, kPlaceFlags);
}

// A property of parameters and one <valueType/> value.
std::optional<std::pair<Parameters, std::string>> singleValue(const xml::Element& prop,
                                                              std::span<const Flag> flags,
                                                              std::string_view valueType) {
  auto parameters = readParameters(prop, flags);
  auto values = valueChildren(prop);
  if (!parameters || !values || values->size() != 1 || (*values)[0]->name() != valueType) {
    return std::nullopt;
  }
  return std::pair{std::move(*parameters), (*values)[0]->text()};
}

xml::Element flaggedValueToTemp(std::string_view tempName, const Parameters& parameters,
                                std::span<const Flag> flags, std::string_view field,
                                std::string_view value) {
  xml::Element out = temp(tempName);
  addFlags(out, parameters, flags);
  out.addChild(temp(field)).addText(value);
  return out;
}

std::optional<xml::Element> emailToTemp(const xml::Element& prop) {
  auto value = singleValue(prop, kEmailFlags, "text");
  if (!value) return std::nullopt;
  return flaggedValueToTemp("EMAIL", value->first, kEmailFlags, "USERID", value->second);
}

std::optional<xml::Element> telToTemp(const xml::Element& prop) {
  auto value = singleValue(prop, kTelFlags, "text");
  if (!value) {
    // RFC 6350's other form, a tel: URI.
    value = singleValue(prop, kTelFlags, "uri");
    if (!value || !value->second.starts_with("tel:")) return std::nullopt;
    value->second.erase(0, 4);
  }
  return flaggedValueToTemp("TEL", value->first, kTelFlags, "NUMBER", value->second);
}

std::optional<xml::Element> orgToTemp(const xml::Element& prop) {
  auto values = valueChildren(prop);
  if (!values || values->empty() || prop.child("parameters", kVCard4Ns) != nullptr) {
    return std::nullopt;
  }
  xml::Element out = temp("ORG");
  bool first = true;
  for (const xml::Element* v : *values) {
    if (v->name() != "text") return std::nullopt;
    out.addChild(temp(first ? "ORGNAME" : "ORGUNIT")).addText(v->text());
    first = false;
  }
  return out;
}

std::optional<xml::Element> photoToTemp(const xml::Element& prop) {
  auto value = singleValue(prop, {}, "uri");
  if (!value || value->first.pref) return std::nullopt;
  const std::string& uri = value->second;
  xml::Element out = temp("PHOTO");
  constexpr std::string_view kBase64 = ";base64,";
  if (uri.starts_with("data:")) {
    const auto mark = uri.find(kBase64);
    if (mark == std::string::npos) return std::nullopt;
    out.addChild(temp("TYPE")).addText(std::string_view(uri).substr(5, mark - 5));
    out.addChild(temp("BINVAL")).addText(std::string_view(uri).substr(mark + kBase64.size()));
    return out;
  }
  out.addChild(temp("EXTVAL")).addText(uri);
  return out;
}

std::optional<xml::Element> imppToTemp(const xml::Element& prop) {
  auto value = singleValue(prop, {}, "uri");
  if (!value || value->first.pref || !value->second.starts_with("xmpp:")) return std::nullopt;
  xml::Element out = temp("JABBERID");
  out.addText(std::string_view(value->second).substr(5));
  return out;
}

std::optional<xml::Element> simpleToTemp(const SimpleProperty& p, const xml::Element& prop) {
  auto values = valueChildren(prop);
  if (!values || values->size() != 1 || prop.child("parameters", kVCard4Ns) != nullptr ||
      !acceptsValueType(p, (*values)[0]->name())) {
    return std::nullopt;
  }
  xml::Element out = temp(p.temp);
  out.addText((*values)[0]->text());
  return out;
}

constexpr TempRule kV4Rules[] = {
    {"n", nameToTemp},  {"adr", addressToTemp}, {"email", emailToTemp}, {"tel", telToTemp},
    {"org", orgToTemp}, {"photo", photoToTemp}, {"impp", imppToTemp},
};

std::optional<xml::Element> propertyToTemp(const xml::Element& prop) {
  if (prop.ns() != kVCard4Ns) return std::nullopt;
  auto simple = std::ranges::find(kSimple, prop.name(), &SimpleProperty::v4);
  if (simple != std::end(kSimple)) return simpleToTemp(*simple, prop);
  auto rule = std::ranges::find(kV4Rules, prop.name(), &TempRule::name);
  if (rule == std::end(kV4Rules)) return std::nullopt;
  return rule->convert(prop);
}

base::Result<xml::Element> convert(const xml::Element& card, xml::Element out,
                                   TempConverter property) {
  if (card.childCount() > kMaxProperties) {
    return mappingError("a vCard has at most " + std::to_string(kMaxProperties) + " properties");
  }
  for (const xml::Element& prop : card.children()) {
    auto converted = property(prop);
    out.addChild(converted ? std::move(*converted) : prop.clone());
  }
  return out;
}

}  // namespace

std::string withoutWhitespace(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') out.push_back(c);
  }
  return out;
}

base::Result<xml::Element> toVCard4(const xml::Element& vcardTemp) {
  if (!vcardTemp.is("vCard", kTempNs)) return mappingError("not a vcard-temp <vCard/>");
  return convert(vcardTemp, v4("vcard"), propertyToV4);
}

base::Result<xml::Element> toVCardTemp(const xml::Element& vcard4) {
  if (!vcard4.is("vcard", kVCard4Ns)) return mappingError("not a vCard4 <vcard/>");
  return convert(vcard4, temp("vCard"), propertyToTemp);
}

}  // namespace keyfed::modules::vcard
