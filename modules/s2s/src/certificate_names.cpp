#include "certificate_names.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>
#include <vector>

namespace keyfed::modules::s2s {

bool certificateNames(const net::CertificateVerifier& verifier, const std::string& pemFile,
                      std::string_view domain, std::chrono::system_clock::time_point now) {
  std::unique_ptr<BIO, decltype(&BIO_free)> file(BIO_new_file(pemFile.c_str(), "r"), &BIO_free);
  if (!file) return false;
  std::unique_ptr<X509, decltype(&X509_free)> leaf(
      PEM_read_bio_X509(file.get(), nullptr, nullptr, nullptr), &X509_free);
  if (!leaf) return false;
  const int size = i2d_X509(leaf.get(), nullptr);
  if (size <= 0) return false;
  std::string der(static_cast<std::size_t>(size), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_X509(leaf.get(), &out) != size) return false;
  return verifier.check(std::vector<std::string>{std::move(der)}, domain, now).matchesDomain;
}

}  // namespace keyfed::modules::s2s
