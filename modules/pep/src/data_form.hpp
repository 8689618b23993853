#pragma once
// XEP-0004 data forms, as far as pubsub configuration needs them: reading the
// fields of a submitted form, writing a form to fill in.

#include <string>
#include <string_view>
#include <vector>

#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::modules::pep {

struct FormField {
  std::string var;
  std::string value;                // the first <value/>
  std::vector<std::string> values;  // all of them (list-multi: roster groups)
};

// The fields of <x xmlns='jabber:x:data' type='submit'/> whose FORM_TYPE is
// `formType`, FORM_TYPE itself left out. Errors ("pep.form"): another form
// type, a field without 'var', the same field twice, more than 64 fields or
// 64 values in one field.
base::Result<std::vector<FormField>> readSubmittedForm(const xml::Element& x,
                                                       std::string_view formType);

// <x type='form'> with a hidden FORM_TYPE; add fields with addFormField().
xml::Element makeForm(std::string_view formType);
void addFormField(xml::Element& form, std::string_view var, std::string_view type,
                  std::string_view value, const std::vector<std::string_view>& options = {});
// A list-multi field with any number of values (none included).
void addMultiField(xml::Element& form, std::string_view var,
                   const std::vector<std::string>& values);

}  // namespace keyfed::modules::pep
