// keynote(3) key, encoding and signature functions on top of keys.hpp.
//
// Decoded keys (struct keynote_deckey.dec_key) are, as in the classic library,
// a strdup'ed string for KEYNOTE_ALGORITHM_NONE and a struct keynote_binary
// for binary keys. For cryptographic keys the classic library handed out
// OpenSSL RSA/DSA objects; we hand out an opaque object instead, to be used
// only with kn_keycompare(), kn_encode_key() and kn_free_key().

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

#include "crypto/key_codec.hpp"
#include "crypto/names.hpp"
#include "keynote/assertion.hpp"
#include "keynote/keynote.h"
#include "keynote/keys.hpp"

// keyfed extensions of the algorithm numbers (docs/keynote-crypto.md).
#ifndef KEYNOTE_ALGORITHM_ED25519
#define KEYNOTE_ALGORITHM_ED25519 7
#endif
#ifndef KEYNOTE_ALGORITHM_ECDSA_P256
#define KEYNOTE_ALGORITHM_ECDSA_P256 8
#endif

namespace {

using keynote::crypto::KeyFamily;

constexpr unsigned kKeyMagic = 0x6b6e6b79;  // "knky": catches foreign pointers early
constexpr std::size_t kMaxCapiText = 4 * keynote::kMaxKeyTextLength;

struct DecodedKey {
  unsigned magic = kKeyMagic;
  int algorithm = KEYNOTE_ALGORITHM_NONE;
  bool isPrivate = false;
  keynote::crypto::PublicKey publicKey;    // public keys
  keynote::crypto::PrivateKey privateKey;  // private keys
};

int algorithmNumber(KeyFamily family) {
  switch (family) {
    case KeyFamily::Rsa: return KEYNOTE_ALGORITHM_RSA;
    case KeyFamily::Dsa: return KEYNOTE_ALGORITHM_DSA;
    case KeyFamily::X509: return KEYNOTE_ALGORITHM_X509;
    case KeyFamily::Binary: return KEYNOTE_ALGORITHM_BINARY;
    case KeyFamily::Ed25519: return KEYNOTE_ALGORITHM_ED25519;
    case KeyFamily::EcdsaP256: return KEYNOTE_ALGORITHM_ECDSA_P256;
  }
  return KEYNOTE_ALGORITHM_NONE;
}

int fail(int error) {
  keynote_errno = error;
  return -1;
}

// A malloc'ed NUL-terminated copy (the C API hands out malloc'ed memory).
char* duplicate(std::string_view text) {
  auto* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out == nullptr) {
    keynote_errno = ERROR_MEMORY;
    return nullptr;
  }
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return out;
}

// C strings from callers, bounded so that a missing terminator in a huge
// buffer cannot make us walk forever.
bool boundedString(const char* s, std::string_view& out) {
  if (s == nullptr) return false;
  const std::size_t n = strnlen(s, kMaxCapiText + 1);
  if (n > kMaxCapiText) return false;
  out = std::string_view(s, n);
  return true;
}

const DecodedKey* asKey(const void* p) {
  const auto* key = static_cast<const DecodedKey*>(p);
  return key != nullptr && key->magic == kKeyMagic ? key : nullptr;
}

// The public identity of a decoded key (deriving it for private keys).
bool identityOf(const DecodedKey& key, std::string& out) {
  if (!key.isPrivate) {
    out = key.publicKey.canonical();
    return true;
  }
  const KeyFamily family =
      key.privateKey.family == KeyFamily::X509 ? KeyFamily::Rsa : key.privateKey.family;
  auto pub = keynote::crypto::publicHalf(family, key.privateKey.pkey.get());
  if (!pub) return false;
  out = pub->canonical();
  return true;
}

int errnoFor(const keynote::Error& error) {
  if (error.code == "internal") return ERROR_MEMORY;
  if (error.code == "sign-failed") return ERROR_SIGN_FAILURE;
  return ERROR_SYNTAX;
}

}  // namespace

extern "C" {

int kn_encode_base64(unsigned char const* src, unsigned int srclen, char* dst,
                     unsigned int dstlen) {
  keynote_errno = 0;
  if ((src == nullptr && srclen != 0) || dst == nullptr) return fail(ERROR_SYNTAX);
  const std::string out =
      keynote::encodeBase64(std::string_view(reinterpret_cast<const char*>(src), srclen));
  if (out.size() + 1 > dstlen) return fail(ERROR_SYNTAX);  // no room for the terminator
  std::memcpy(dst, out.c_str(), out.size() + 1);
  return static_cast<int>(out.size());
}

int kn_decode_base64(char const* src, unsigned char* dst, unsigned int dstlen) {
  keynote_errno = 0;
  std::string_view text;
  if (!boundedString(src, text)) return fail(ERROR_SYNTAX);
  // Like the classic decoder, white space between characters is skipped.
  std::string compact;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') {
      compact.push_back(c);
    }
  }
  auto bytes = keynote::decodeBase64(compact);
  if (!bytes) return fail(ERROR_SYNTAX);
  if (dst != nullptr) {
    if (bytes->size() > dstlen) return fail(ERROR_SYNTAX);
    std::copy(bytes->begin(), bytes->end(), dst);  // binary: no terminator
  }
  return static_cast<int>(bytes->size());
}

int kn_encode_hex(unsigned char* src, char** dst, int srclen) {
  keynote_errno = 0;
  if (dst == nullptr || srclen < 0 || (src == nullptr && srclen != 0)) return fail(ERROR_SYNTAX);
  const std::string out = keynote::encodeHex(
      std::string_view(reinterpret_cast<const char*>(src), static_cast<std::size_t>(srclen)));
  *dst = duplicate(out);
  return *dst == nullptr ? -1 : 0;
}

int kn_decode_hex(char* src, char** dst) {
  keynote_errno = 0;
  std::string_view text;
  if (dst == nullptr || !boundedString(src, text)) return fail(ERROR_SYNTAX);
  auto bytes = keynote::decodeHex(text);
  if (!bytes) return fail(ERROR_SYNTAX);
  // At least one byte, so that an empty result is still a valid pointer.
  *dst = static_cast<char*>(std::malloc(bytes->empty() ? 1 : bytes->size()));
  if (*dst == nullptr) return fail(ERROR_MEMORY);
  std::memcpy(*dst, bytes->data(), bytes->size());
  return 0;
}

int kn_decode_key(struct keynote_deckey* dc, char* key, int keytype) {
  keynote_errno = 0;
  std::string_view text;
  if (dc == nullptr || !boundedString(key, text)) return fail(ERROR_SYNTAX);
  if (keytype != KEYNOTE_PUBLIC_KEY && keytype != KEYNOTE_PRIVATE_KEY) return fail(ERROR_SYNTAX);
  dc->dec_algorithm = KEYNOTE_ALGORITHM_NONE;
  dc->dec_key = nullptr;
  const auto name = keynote::crypto::parseKeyName(text);
  const bool wantPrivate = keytype == KEYNOTE_PRIVATE_KEY;
  if (!name || name->isPrivate != wantPrivate) {
    // Not a key of the kind asked for: an opaque principal, kept as a string.
    dc->dec_key = duplicate(text);
    return dc->dec_key == nullptr ? -1 : 0;
  }
  if (name->family == KeyFamily::Binary && !wantPrivate) {
    auto bits = keynote::crypto::decodeBits(text.substr(name->length), name->encoding, "key");
    if (!bits || bits->empty()) return fail(ERROR_SYNTAX);
    auto* bn = static_cast<keynote_binary*>(std::malloc(sizeof(keynote_binary)));
    char* bytes = static_cast<char*>(std::malloc(bits->size()));
    if (bn == nullptr || bytes == nullptr) {
      std::free(bn);
      std::free(bytes);
      return fail(ERROR_MEMORY);
    }
    std::copy(bits->begin(), bits->end(), bytes);  // binary: no terminator
    bn->bn_len = static_cast<int>(bits->size());
    bn->bn_key = bytes;
    dc->dec_algorithm = KEYNOTE_ALGORITHM_BINARY;
    dc->dec_key = bn;
    return 0;
  }
  auto* decoded = new (std::nothrow) DecodedKey;
  if (decoded == nullptr) return fail(ERROR_MEMORY);
  decoded->isPrivate = wantPrivate;
  decoded->algorithm = algorithmNumber(name->family);
  if (wantPrivate) {
    auto priv = keynote::crypto::decodePrivateKey(text, false);
    if (!priv) {
      delete decoded;
      return fail(ERROR_SYNTAX);
    }
    decoded->privateKey = std::move(priv.value());
  } else {
    auto pub = keynote::crypto::decodePublicKey(text);
    if (!pub) {
      delete decoded;
      return fail(ERROR_SYNTAX);
    }
    decoded->publicKey = std::move(pub.value());
  }
  dc->dec_algorithm = decoded->algorithm;
  dc->dec_key = decoded;
  return 0;
}

char* kn_encode_key(struct keynote_deckey* dc, int iencoding, int encoding, int keytype) {
  keynote_errno = 0;
  if (dc == nullptr || dc->dec_key == nullptr ||
      (encoding != ENCODING_HEX && encoding != ENCODING_BASE64)) {
    keynote_errno = ERROR_NOTFOUND;
    return nullptr;
  }
  const auto textEncoding = encoding == ENCODING_HEX ? keynote::crypto::TextEncoding::Hex
                                                     : keynote::crypto::TextEncoding::Base64;
  if (dc->dec_algorithm == KEYNOTE_ALGORITHM_BINARY) {
    const auto* bn = static_cast<const keynote_binary*>(dc->dec_key);
    if (iencoding != INTERNAL_ENC_NONE || keytype != KEYNOTE_PUBLIC_KEY || bn->bn_len < 0) {
      keynote_errno = ERROR_NOTFOUND;
      return nullptr;
    }
    return duplicate(keynote::crypto::encodeBits(
        std::string_view(bn->bn_key, static_cast<std::size_t>(bn->bn_len)), textEncoding));
  }
  const DecodedKey* key = asKey(dc->dec_key);
  // The internal encodings the classic library names for each family.
  const bool internalOk =
      key != nullptr &&
      ((key->algorithm == KEYNOTE_ALGORITHM_RSA && iencoding == INTERNAL_ENC_PKCS1) ||
       ((key->algorithm == KEYNOTE_ALGORITHM_DSA || key->algorithm == KEYNOTE_ALGORITHM_X509) &&
        iencoding == INTERNAL_ENC_ASN1) ||
       key->algorithm == KEYNOTE_ALGORITHM_ED25519 ||
       key->algorithm == KEYNOTE_ALGORITHM_ECDSA_P256);
  if (!internalOk) {
    keynote_errno = ERROR_NOTFOUND;
    return nullptr;
  }
  if (keytype == KEYNOTE_PRIVATE_KEY) {
    if (!key->isPrivate) {
      keynote_errno = ERROR_NOTFOUND;
      return nullptr;
    }
    auto text = keynote::crypto::encodePrivateKey(key->privateKey, textEncoding);
    if (!text) {
      keynote_errno = ERROR_SYNTAX;
      return nullptr;
    }
    const std::string_view bits = std::string_view(*text).substr(text->find(':') + 1);
    char* out = duplicate(bits);
    OPENSSL_cleanse(text->data(), text->size());
    return out;
  }
  if (keytype != KEYNOTE_PUBLIC_KEY) {
    keynote_errno = ERROR_NOTFOUND;
    return nullptr;
  }
  if (!key->isPrivate)
    return duplicate(keynote::crypto::encodeBits(key->publicKey.bits, textEncoding));
  auto pub = keynote::crypto::publicHalf(key->privateKey.family, key->privateKey.pkey.get());
  if (!pub) {
    keynote_errno = ERROR_NOTFOUND;
    return nullptr;
  }
  return duplicate(keynote::crypto::encodeBits(pub->bits, textEncoding));
}

int kn_keycompare(void* key1, void* key2, int algorithm) {
  if (key1 == nullptr || key2 == nullptr) return RESULT_FALSE;
  switch (algorithm) {
    case KEYNOTE_ALGORITHM_NONE:
      return std::strcmp(static_cast<const char*>(key1), static_cast<const char*>(key2)) == 0
                 ? RESULT_TRUE
                 : RESULT_FALSE;
    case KEYNOTE_ALGORITHM_BINARY: {
      const auto* a = static_cast<const keynote_binary*>(key1);
      const auto* b = static_cast<const keynote_binary*>(key2);
      return a->bn_len == b->bn_len && a->bn_len >= 0 &&
                     std::memcmp(a->bn_key, b->bn_key, static_cast<std::size_t>(a->bn_len)) == 0
                 ? RESULT_TRUE
                 : RESULT_FALSE;
    }
    default: {
      const DecodedKey* a = asKey(key1);
      const DecodedKey* b = asKey(key2);
      std::string ida;
      std::string idb;
      if (a == nullptr || b == nullptr || !identityOf(*a, ida) || !identityOf(*b, idb)) {
        return RESULT_FALSE;
      }
      return ida == idb ? RESULT_TRUE : RESULT_FALSE;
    }
  }
}

void kn_free_key(struct keynote_deckey* dc) {
  if (dc == nullptr || dc->dec_key == nullptr) return;
  if (dc->dec_algorithm == KEYNOTE_ALGORITHM_NONE) {
    std::free(dc->dec_key);
  } else if (dc->dec_algorithm == KEYNOTE_ALGORITHM_BINARY) {
    auto* bn = static_cast<keynote_binary*>(dc->dec_key);
    std::free(bn->bn_key);
    std::free(bn);
  } else {
    auto* key = static_cast<DecodedKey*>(dc->dec_key);
    if (key->magic == kKeyMagic) {
      key->magic = 0;
      delete key;
    }
  }
  dc->dec_key = nullptr;
}

char* kn_get_string(char* str) {
  keynote_errno = 0;
  std::string_view text;
  if (!boundedString(str, text)) {
    keynote_errno = ERROR_SYNTAX;
    return nullptr;
  }
  const std::size_t b = text.find_first_not_of(" \t\r\n");
  const std::size_t e = text.find_last_not_of(" \t\r\n");
  if (b == std::string_view::npos || text[b] != '"' || e == b || text[e] != '"') {
    keynote_errno = ERROR_SYNTAX;
    return nullptr;
  }
  // The closing quote must be the first unescaped quote after the opening one.
  const std::string_view body = text.substr(b + 1, e - b - 1);
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\\') {
      ++i;
    } else if (body[i] == '"') {
      keynote_errno = ERROR_SYNTAX;
      return nullptr;
    }
  }
  if (!body.empty() && body.back() == '\\') {
    // The last quote was escaped; count the backslashes to be sure.
    std::size_t n = 0;
    for (std::size_t i = body.size(); i > 0 && body[i - 1] == '\\'; --i) ++n;
    if (n % 2 == 1) {
      keynote_errno = ERROR_SYNTAX;
      return nullptr;
    }
  }
  return duplicate(keynote::unescapeString(body));
}

char* kn_sign_assertion(char* assertion, int len, char* key, char* algorithm, int vflag) {
  keynote_errno = 0;
  std::string_view keyText;
  std::string_view algorithmText;
  if (assertion == nullptr || !boundedString(key, keyText) ||
      !boundedString(algorithm, algorithmText)) {
    keynote_errno = ERROR_NOTFOUND;
    return nullptr;
  }
  if (len < 0 || algorithmText.empty() || algorithmText.back() != ':') {
    keynote_errno = ERROR_SYNTAX;
    return nullptr;
  }
  const std::string_view text(assertion, strnlen(assertion, static_cast<std::size_t>(len)));
  auto sig = keynote::signCredential(text, algorithmText, keyText, vflag != 0);
  if (!sig) {
    keynote_errno = errnoFor(sig.error());
    return nullptr;
  }
  return duplicate(*sig);
}

int kn_verify_assertion(char* assertion, int len) {
  keynote_errno = 0;
  if (assertion == nullptr || len < 0) return fail(ERROR_SYNTAX);
  const std::string_view text(assertion, strnlen(assertion, static_cast<std::size_t>(len)));
  auto check = keynote::verifyCredential(text);
  if (!check) return fail(ERROR_SYNTAX);
  return *check == keynote::SignatureCheck::Verified ? SIGRESULT_TRUE : SIGRESULT_FALSE;
}

}  // extern "C"
