#pragma once
// Helpers shared by keyfed's signed JSON formats (the FAC request,
// docs/fac-protocol.md, and the clearinghouse table, docs/clearinghouse.md):
// both sign a canonical JSON text they write themselves, so the escaping of
// strings and the default signature algorithm of a key must be one code.

#include <string>
#include <string_view>

namespace keyfed::agent {

// Whether JSON text nests objects and arrays at most `maxDepth` deep. Checked
// before parsing, so hostile input cannot make any recursive walk deep.
bool nestingWithin(std::string_view text, int maxDepth);

// Appends `s` as a JSON string: quotes, `"` `\` and control characters
// escaped (the short forms where JSON has them, else \u00XX), every other
// byte as is (the text is UTF-8, checked by the parser that read it).
void appendJsonString(std::string& out, std::string_view s);

// The signature algorithm keyfed uses by default with a public key:
// Ed25519 -> sig-ed25519-sha512-hex:, ECDSA P-256 -> sig-ecdsa-p256-sha256-hex:,
// DSA -> sig-dsa-sha1-hex:, X.509 -> sig-x509-sha256-hex:, RSA -> sig-rsa-sha256-hex:.
std::string defaultSignatureAlgorithm(std::string_view publicKey);

}  // namespace keyfed::agent
