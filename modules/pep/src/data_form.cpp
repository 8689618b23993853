#include "data_form.hpp"

#include <algorithm>

#include "keyfed/xmpp/namespaces.hpp"

namespace keyfed::modules::pep {
namespace {

constexpr std::size_t kMaxFields = 64;
constexpr std::size_t kMaxValues = 64;

base::Failure formError(std::string message) {
  return base::fail("pep.form", std::move(message));
}

}  // namespace

base::Result<std::vector<FormField>> readSubmittedForm(const xml::Element& x,
                                                       std::string_view formType) {
  if (!x.is("x", xmpp::ns::dataForms) || x.attr("type") != "submit") {
    return formError("not a submitted data form");
  }
  std::vector<FormField> fields;
  bool typed = false;
  for (const xml::Element& field : x.children("field", xmpp::ns::dataForms)) {
    const std::string_view var = field.attr("var");
    if (var.empty()) return formError("a field without 'var'");
    std::vector<std::string> values;
    for (const xml::Element& v : field.children("value", xmpp::ns::dataForms)) {
      if (values.size() == kMaxValues) return formError("too many values");
      values.push_back(v.text());
    }
    std::string value = values.empty() ? std::string() : values.front();
    if (var == "FORM_TYPE") {
      if (value != formType) return formError("the form is not " + std::string(formType));
      typed = true;
      continue;
    }
    if (fields.size() == kMaxFields) return formError("too many fields");
    const bool repeated =
        std::any_of(fields.begin(), fields.end(), [&](const FormField& f) { return f.var == var; });
    if (repeated) return formError("the field " + std::string(var) + " appears twice");
    fields.push_back(FormField{std::string(var), std::move(value), std::move(values)});
  }
  if (!typed) return formError("the form has no FORM_TYPE");
  return fields;
}

xml::Element makeForm(std::string_view formType) {
  xml::Element x("x", std::string(xmpp::ns::dataForms));
  x.setAttr("type", "form");
  addFormField(x, "FORM_TYPE", "hidden", formType);
  return x;
}

void addFormField(xml::Element& form, std::string_view var, std::string_view type,
                  std::string_view value, const std::vector<std::string_view>& options) {
  const std::string ns(xmpp::ns::dataForms);
  auto& field = form.addChild("field", ns);
  field.setAttr("var", var).setAttr("type", type);
  field.addChild("value", ns).addText(value);
  for (std::string_view option : options) {
    field.addChild("option", ns).addChild("value", ns).addText(option);
  }
}

void addMultiField(xml::Element& form, std::string_view var,
                   const std::vector<std::string>& values) {
  const std::string ns(xmpp::ns::dataForms);
  auto& field = form.addChild("field", ns);
  field.setAttr("var", var).setAttr("type", "list-multi");
  for (const std::string& value : values) field.addChild("value", ns).addText(value);
}

}  // namespace keyfed::modules::pep
