#include "caps_hash.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <vector>

#include "keyfed/xmpp/namespaces.hpp"
#include "keyfed/xmpp/sasl.hpp"

namespace keyfed::modules::pep {
namespace {

base::Failure capsError(std::string message) {
  return base::fail("pep.caps", std::move(message));
}

// "category/type/lang/name" (section 5.1 step 2).
std::string identityString(const xml::Element& identity) {
  const std::string* lang = identity.findAttr("xml:lang");
  std::string s(identity.attr("category"));
  s.append("/").append(identity.attr("type")).append("/");
  if (lang != nullptr) s.append(*lang);
  s.append("/").append(identity.attr("name"));
  return s;
}

bool hasDuplicates(std::vector<std::string>& sorted) {
  return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
}

struct FormText {
  std::string formType;
  std::string text;
};

// One extended form (step 5): its FORM_TYPE, then each field by var with its
// values sorted. nullopt when the form must be ignored.
std::optional<FormText> formString(const xml::Element& x) {
  const std::string ns(xmpp::ns::dataForms);
  std::optional<std::string> formType;
  std::vector<std::pair<std::string, std::vector<std::string>>> fields;
  for (const xml::Element& field : x.children("field", ns)) {
    std::vector<std::string> values;
    for (const xml::Element& v : field.children("value", ns)) values.push_back(v.text());
    if (field.attr("var") == "FORM_TYPE") {
      if (field.attr("type") != "hidden" || values.empty()) return std::nullopt;
      formType = values.front();
      continue;
    }
    std::sort(values.begin(), values.end());
    fields.emplace_back(std::string(field.attr("var")), std::move(values));
  }
  if (!formType) return std::nullopt;
  std::sort(fields.begin(), fields.end());
  FormText out{*formType, *formType + "<"};
  for (const auto& [var, values] : fields) {
    out.text.append(var).append("<");
    for (const auto& v : values) out.text.append(v).append("<");
  }
  return out;
}

}  // namespace

base::Result<std::string> capsVerificationString(const xml::Element& query) {
  const std::string_view ns = xmpp::ns::discoInfo;
  std::vector<std::string> identities;
  for (const xml::Element& identity : query.children("identity", ns)) {
    identities.push_back(identityString(identity));
  }
  std::sort(identities.begin(), identities.end());
  if (hasDuplicates(identities)) return capsError("the same identity twice");

  std::vector<std::string> features;
  for (const xml::Element& feature : query.children("feature", ns)) {
    features.emplace_back(feature.attr("var"));
  }
  std::sort(features.begin(), features.end());
  if (hasDuplicates(features)) return capsError("the same feature twice");

  std::vector<FormText> forms;
  for (const xml::Element& x : query.children("x", xmpp::ns::dataForms)) {
    if (auto form = formString(x)) forms.push_back(std::move(*form));
  }
  std::sort(forms.begin(), forms.end(),
            [](const FormText& a, const FormText& b) { return a.formType < b.formType; });
  for (std::size_t i = 1; i < forms.size(); ++i) {
    if (forms[i].formType == forms[i - 1].formType) return capsError("two forms of one FORM_TYPE");
  }

  std::string s;
  for (const auto& identity : identities) s.append(identity).append("<");
  for (const auto& feature : features) s.append(feature).append("<");
  for (const auto& form : forms) s.append(form.text);
  return s;
}

base::Result<std::string> capsHash(std::string_view algorithm, std::string_view verification) {
  const EVP_MD* md = algorithm == "sha-1"     ? EVP_sha1()
                     : algorithm == "sha-256" ? EVP_sha256()
                                              : nullptr;
  if (md == nullptr) return capsError("unsupported hash " + std::string(algorithm));
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(verification.data(), verification.size(), digest.data(), &size, md, nullptr) !=
      1) {
    return capsError("hashing failed");
  }
  return xmpp::base64Encode(
      std::string_view(reinterpret_cast<const char*>(digest.data()), size));  // NOLINT
}

bool capsMatch(const xml::Element& query, std::string_view algorithm, std::string_view ver) {
  auto s = capsVerificationString(query);
  if (!s) return false;
  auto hash = capsHash(algorithm, *s);
  return hash && *hash == ver;
}

}  // namespace keyfed::modules::pep
