#include "certificate_identity.hpp"

#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

namespace keyfed::net {

namespace {

constexpr char kXmppAddrOid[] = "1.3.6.1.5.5.7.8.5";  // id-on-xmppAddr (RFC 6120 13.7.1.4)
constexpr char kDnsSrvOid[] = "1.3.6.1.5.5.7.8.7";    // id-on-dnsSRV (RFC 4985)
constexpr std::string_view kSrvPrefix = "_xmpp-server.";

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

std::string_view withoutTrailingDot(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name;
}

// The string's bytes, or nothing when it is of another type or carries a NUL
// (a classic trick: "good.example\0.evil.example").
std::string_view stringOf(const ASN1_STRING* s, int type) {
  if (!s || ASN1_STRING_type(s) != type) return {};
  const auto* data = reinterpret_cast<const char*>(ASN1_STRING_get0_data(s));
  const auto length = static_cast<std::size_t>(ASN1_STRING_length(s));
  std::string_view view(data, length);
  return view.find('\0') == std::string_view::npos ? view : std::string_view();
}

struct NamesFree {
  void operator()(GENERAL_NAMES* names) const { GENERAL_NAMES_free(names); }
};

bool otherNameMatches(const OTHERNAME* other, const ASN1_OBJECT* xmppAddr,
                      const ASN1_OBJECT* dnsSrv, std::string_view domain) {
  if (!other || !other->type_id || !other->value) return false;
  if (OBJ_cmp(other->type_id, xmppAddr) == 0) {
    // A bare-domain JID. No wildcards in XmppAddr (RFC 6120 13.7.1.4).
    if (other->value->type != V_ASN1_UTF8STRING) return false;
    auto value = stringOf(other->value->value.utf8string, V_ASN1_UTF8STRING);
    return !value.empty() && equalsIgnoreCase(withoutTrailingDot(value), domain);
  }
  if (OBJ_cmp(other->type_id, dnsSrv) == 0) {
    // SRVName ::= IA5String "_Service.Name"; only the s2s service counts here.
    if (other->value->type != V_ASN1_IA5STRING) return false;
    auto value = withoutTrailingDot(stringOf(other->value->value.ia5string, V_ASN1_IA5STRING));
    return value.size() > kSrvPrefix.size() &&
           equalsIgnoreCase(value.substr(0, kSrvPrefix.size()), kSrvPrefix) &&
           equalsIgnoreCase(value.substr(kSrvPrefix.size()), domain);
  }
  return false;
}

bool commonNameMatches(X509* certificate, std::string_view domain) {
  const X509_NAME* subject = X509_get_subject_name(certificate);
  for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
       i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
    const ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i));
    unsigned char* utf8 = nullptr;
    const int length = ASN1_STRING_to_UTF8(&utf8, data);
    if (length < 0) continue;
    std::unique_ptr<unsigned char, void (*)(void*)> owned(utf8, [](void* p) { OPENSSL_free(p); });
    std::string_view cn(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(length));
    if (cn.find('\0') == std::string_view::npos && dnsIdMatches(cn, domain)) return true;
  }
  return false;
}

}  // namespace

bool dnsIdMatches(std::string_view presented, std::string_view domain) {
  presented = withoutTrailingDot(presented);
  domain = withoutTrailingDot(domain);
  if (presented.empty() || domain.empty()) return false;
  if (presented.substr(0, 2) != "*.") {
    // No partial wildcards ("f*.example"): RFC 9525 dropped them, and a "*"
    // anywhere else never matches.
    return presented.find('*') == std::string_view::npos && equalsIgnoreCase(presented, domain);
  }
  // "*.example.org" matches exactly one label in front of example.org, and
  // needs at least two labels after the "*" ("*.org" names nobody).
  const auto base = presented.substr(2);
  if (base.find('.') == std::string_view::npos || base.find('*') != std::string_view::npos) {
    return false;
  }
  const auto dot = domain.find('.');
  if (dot == 0 || dot == std::string_view::npos) return false;
  return equalsIgnoreCase(domain.substr(dot + 1), base);
}

bool certificateNamesDomain(X509* certificate, std::string_view domain) {
  domain = withoutTrailingDot(domain);
  if (!certificate || domain.empty()) return false;
  int critical = 0;
  std::unique_ptr<GENERAL_NAMES, NamesFree> names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, &critical, nullptr)));
  if (!names) {
    // critical == -1: no subjectAltName at all, so the CN is the only name.
    // Anything else (present but unreadable, or duplicated) names nobody.
    return critical == -1 && commonNameMatches(certificate, domain);
  }
  std::unique_ptr<ASN1_OBJECT, void (*)(ASN1_OBJECT*)> xmppAddr(OBJ_txt2obj(kXmppAddrOid, 1),
                                                                ASN1_OBJECT_free);
  std::unique_ptr<ASN1_OBJECT, void (*)(ASN1_OBJECT*)> dnsSrv(OBJ_txt2obj(kDnsSrvOid, 1),
                                                              ASN1_OBJECT_free);
  if (!xmppAddr || !dnsSrv) return false;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      auto value = stringOf(name->d.dNSName, V_ASN1_IA5STRING);
      if (!value.empty() && dnsIdMatches(value, domain)) return true;
    } else if (name->type == GEN_OTHERNAME) {
      if (otherNameMatches(name->d.otherName, xmppAddr.get(), dnsSrv.get(), domain)) return true;
    }
  }
  return false;
}

}  // namespace keyfed::net
