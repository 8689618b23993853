/*
 * keynote.h: the C API of keyfed's KeyNote library, source-compatible with
 * keynote(3) of the classic implementation (OpenBSD libkeynote). A C program
 * written for libkeynote compiles against this header and links with
 * -lkeynote (the `keynote_c` target of libs/keynote) instead.
 *
 * Differences from the classic library are listed in docs/keynote.md
 * ("C API"). In short: assertions are evaluated by the C++ engine of
 * libs/keynote (RE2 regexes, limits on every input), kn_get_failed()
 * reports failed assertions in order of assertion id, and the session
 * functions serialise on one lock (keynote_errno stays a plain global, as in
 * the classic API, so use the API from one thread at a time).
 */
#ifndef KEYFED_KEYNOTE_H
#define KEYFED_KEYNOTE_H

#include <regex.h>
#include <string.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An action attribute list for kn_query(); also used by kn_add_action()
 * callers that keep their own lists. env_regex is only meaningful with
 * ENVIRONMENT_FLAG_REGEX and is not used by this library. */
struct environment {
  char* env_name;
  char* env_value;
  int env_flags;
  regex_t env_regex;
  struct environment* env_next;
};

/* A decoded key: dec_algorithm is a KEYNOTE_ALGORITHM_* value and dec_key
 * points to the library's representation of the key (see kn_decode_key). */
struct keynote_deckey {
  int dec_algorithm;
  void* dec_key;
};

/* Raw bytes of a "binary-*" key. */
struct keynote_binary {
  int bn_len;
  char* bn_key;
};

/* The principals of an assertion's Licensees field (kn_get_licensees). */
struct keynote_keylist {
  int key_alg;
  void* key_key;
  char* key_stringkey;
  struct keynote_keylist* key_next;
};

/* Signature algorithm names (RFC 2792, RFC 5708), with their colon. */
#define SIG_DSA_SHA1_HEX "sig-dsa-sha1-hex:"
#define SIG_DSA_SHA1_HEX_LEN strlen(SIG_DSA_SHA1_HEX)
#define SIG_DSA_SHA1_BASE64 "sig-dsa-sha1-base64:"
#define SIG_DSA_SHA1_BASE64_LEN strlen(SIG_DSA_SHA1_BASE64)
#define SIG_RSA_SHA1_PKCS1_HEX "sig-rsa-sha1-hex:"
#define SIG_RSA_SHA1_PKCS1_HEX_LEN strlen(SIG_RSA_SHA1_PKCS1_HEX)
#define SIG_RSA_SHA1_PKCS1_BASE64 "sig-rsa-sha1-base64:"
#define SIG_RSA_SHA1_PKCS1_BASE64_LEN strlen(SIG_RSA_SHA1_PKCS1_BASE64)
#define SIG_RSA_MD5_PKCS1_HEX "sig-rsa-md5-hex:"
#define SIG_RSA_MD5_PKCS1_HEX_LEN strlen(SIG_RSA_MD5_PKCS1_HEX)
#define SIG_RSA_MD5_PKCS1_BASE64 "sig-rsa-md5-base64:"
#define SIG_RSA_MD5_PKCS1_BASE64_LEN strlen(SIG_RSA_MD5_PKCS1_BASE64)
#define SIG_ELGAMAL_SHA1_HEX "sig-elgamal-sha1-hex:"
#define SIG_ELGAMAL_SHA1_HEX_LEN strlen(SIG_ELGAMAL_SHA1_HEX)
#define SIG_ELGAMAL_SHA1_BASE64 "sig-elgamal-sha1-base64:"
#define SIG_ELGAMAL_SHA1_BASE64_LEN strlen(SIG_ELGAMAL_SHA1_BASE64)
#define SIG_PGP_NATIVE "sig-pgp:"
#define SIG_PGP_NATIVE_LEN strlen(SIG_PGP_NATIVE)
#define SIG_X509_SHA1_BASE64 "sig-x509-sha1-base64:"
#define SIG_X509_SHA1_BASE64_LEN strlen(SIG_X509_SHA1_BASE64)
#define SIG_X509_SHA1_HEX "sig-x509-sha1-hex:"
#define SIG_X509_SHA1_HEX_LEN strlen(SIG_X509_SHA1_HEX)

/* Results of signature checks. */
#define SIGRESULT_UNTOUCHED 0
#define SIGRESULT_FALSE 1
#define SIGRESULT_TRUE 2

/* kn_add_action() flags. */
#define ENVIRONMENT_FLAG_FUNC 0x0001  /* value is a char *(*)(char *) callback */
#define ENVIRONMENT_FLAG_REGEX 0x0002 /* name is a POSIX extended regex */

/* kn_add_assertion() flags. */
#define ASSERT_FLAG_LOCAL 0x0001  /* trusted: no signature check, may say POLICY */
#define ASSERT_FLAG_SIGGEN 0x0002 /* internal to signing (accepted, ignored) */
#define ASSERT_FLAG_SIGVER 0x0004 /* internal to verifying (accepted, ignored) */

#define RESULT_FALSE 0
#define RESULT_TRUE 1

#define KEYNOTE_CALLBACK_INITIALIZE "_KEYNOTE_CALLBACK_INITIALIZE"
#define KEYNOTE_CALLBACK_CLEANUP "_KEYNOTE_CALLBACK_CLEANUP"

#define KEYNOTE_VERSION_STRING "2"

/* Values of keynote_errno. */
#define ERROR_MEMORY (-1)
#define ERROR_SYNTAX (-2)
#define ERROR_NOTFOUND (-3)
#define ERROR_SIGN_FAILURE (-4)

/* Key algorithms (keynote_deckey.dec_algorithm, kn_get_authorizer). */
#define KEYNOTE_ALGORITHM_UNSPEC (-1)
#define KEYNOTE_ALGORITHM_NONE 0
#define KEYNOTE_ALGORITHM_DSA 1
#define KEYNOTE_ALGORITHM_ELGAMAL 2
#define KEYNOTE_ALGORITHM_PGP 3
#define KEYNOTE_ALGORITHM_BINARY 4
#define KEYNOTE_ALGORITHM_X509 5
#define KEYNOTE_ALGORITHM_RSA 6
/* keyfed extensions (docs/keynote-crypto.md). */
#define KEYNOTE_ALGORITHM_ED25519 7
#define KEYNOTE_ALGORITHM_ECDSA_P256 8

/* kn_get_failed() error types. */
#define KEYNOTE_ERROR_ANY 0
#define KEYNOTE_ERROR_SYNTAX 1
#define KEYNOTE_ERROR_MEMORY 2
#define KEYNOTE_ERROR_SIGNATURE 3

/* Encodings (kn_encode_key). */
#define ENCODING_NONE 0
#define ENCODING_HEX 1
#define ENCODING_BASE64 2
#define ENCODING_NATIVE 3

#define INTERNAL_ENC_NONE 0
#define INTERNAL_ENC_PKCS1 1
#define INTERNAL_ENC_ASN1 2
#define INTERNAL_ENC_NATIVE 3

#define KEYNOTE_PUBLIC_KEY 0
#define KEYNOTE_PRIVATE_KEY 1

/* The error of the last call (0 on success). */
extern int keynote_errno;

/* ---- Session API (libs/keynote/src/capi/capi.cpp) ---------------------- */
int kn_init(void);
int kn_add_assertion(int sessid, char* assertion, int len, int flags);
int kn_remove_assertion(int sessid, int assertid);
int kn_add_action(int sessid, char* name, char* value, int flags);
int kn_remove_action(int sessid, char* name);
int kn_add_authorizer(int sessid, char* principal);
int kn_remove_authorizer(int sessid, char* principal);
int kn_do_query(int sessid, char** returnvalues, int numvalues);
int kn_get_failed(int sessid, int type, int seq);
int kn_cleanup_action_environment(int sessid);
int kn_close(int sessid);

/* ---- Simple API ---------------------------------------------------------- */
int kn_query(struct environment* env, char** returnvalues, int numvalues, char** trusted,
             int* trustedlen, int numtrusted, char** untrusted, int* untrustedlen, int numuntrusted,
             char** authorizers, int numauthorizers);

/* ---- Auxiliary routines -------------------------------------------------- */
char** kn_read_asserts(char* array, int arraylen, int* numassertions);
void* kn_get_authorizer(int sessid, int assertid, int* algorithm);
struct keynote_keylist* kn_get_licensees(int sessid, int assertid);

/* ---- Keys, encodings, signatures (libs/keynote/src/capi/capi_crypto.cpp) - */
int kn_keycompare(void* key1, void* key2, int algorithm);
int kn_encode_base64(unsigned char const* src, unsigned int srclen, char* dst, unsigned int dstlen);
int kn_decode_base64(char const* src, unsigned char* dst, unsigned int dstlen);
int kn_encode_hex(unsigned char* src, char** dst, int srclen);
int kn_decode_hex(char* src, char** dst);
int kn_decode_key(struct keynote_deckey* dc, char* key, int keytype);
char* kn_encode_key(struct keynote_deckey* dc, int iencoding, int encoding, int keytype);
void kn_free_key(struct keynote_deckey* dc);
char* kn_get_string(char* str);
char* kn_sign_assertion(char* assertion, int len, char* key, char* algorithm, int vflag);
int kn_verify_assertion(char* assertion, int len);

#ifdef __cplusplus
}
#endif

#endif /* KEYFED_KEYNOTE_H */
