#pragma once
// Does a certificate name an XMPP server domain? RFC 6125 as profiled for
// XMPP by RFC 6120 13.7.1.2 and RFC 7622: DNS-ID (subjectAltName dNSName,
// a "*" only as the whole leftmost label), SRV-ID (otherName id-on-dnsSRV,
// "_xmpp-server.<domain>", RFC 4985), XmppAddr (otherName id-on-xmppAddr,
// UTF8String, the bare domain). The subject CN counts only when the
// certificate has no subjectAltName extension at all (RFC 6125 6.4.4).

#include <openssl/x509.h>

#include <string_view>

namespace keyfed::net {

// `domain` is the peer's domain as an A-label (case does not matter).
bool certificateNamesDomain(X509* certificate, std::string_view domain);

// One presented DNS name against the domain (exposed for tests).
bool dnsIdMatches(std::string_view presented, std::string_view domain);

}  // namespace keyfed::net
