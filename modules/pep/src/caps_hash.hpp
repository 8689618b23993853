#pragma once
// XEP-0115 section 5: the verification string of a disco#info answer and its
// hash, to check that an entity's 'ver' matches what it says it supports
// before the answer is believed for everyone announcing that 'ver'.

#include <string>
#include <string_view>

#include "keyfed/base/result.hpp"
#include "keyfed/xml/element.hpp"

namespace keyfed::modules::pep {

// The verification string S of a disco#info <query/> (section 5.1). Errors
// ("pep.caps", section 5.4): the same identity or feature twice, two forms
// with one FORM_TYPE. Forms whose FORM_TYPE is not hidden are left out.
base::Result<std::string> capsVerificationString(const xml::Element& query);

// base64(hash(S)) for "sha-1" and "sha-256"; an error for other algorithms.
base::Result<std::string> capsHash(std::string_view algorithm, std::string_view verification);

// Whether `query` hashes to `ver` with `algorithm`.
bool capsMatch(const xml::Element& query, std::string_view algorithm, std::string_view ver);

}  // namespace keyfed::modules::pep
