// The session half of the keynote(3) C API over keynote::Session. Every entry
// point sets keynote_errno (0 on success) and never lets an exception out.
// The key, encoding and signature functions are in capi_crypto.cpp.

#include <re2/re2.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <string_view>

#include "keynote/keys.hpp"
#include "session_table.hpp"

extern "C" {
int keynote_errno = 0;
}

namespace keynote::capi {
namespace {

// Runs `body` under the table lock with exceptions turned into ERROR_MEMORY
// (the only exception the engine can raise is std::bad_alloc).
template <typename T, typename F>
T guarded(T onError, F&& body) {
  keynote_errno = 0;
  try {
    std::lock_guard<std::recursive_mutex> lock(tableMutex());
    return body();
  } catch (...) {
    keynote_errno = ERROR_MEMORY;
    return onError;
  }
}

template <typename T>
T fail(int error, T value) {
  keynote_errno = error;
  return value;
}

std::string_view boundedText(const char* text, int len) {
  // The classic library treats the buffer as a C string of at most len bytes.
  const void* nul = std::memchr(text, '\0', static_cast<std::size_t>(len));
  return {text, nul != nullptr ? static_cast<std::size_t>(static_cast<const char*>(nul) - text)
                               : static_cast<std::size_t>(len)};
}

char* duplicate(std::string_view s) {
  auto* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out == nullptr) throw std::bad_alloc();
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return out;
}

HandedOutKey decode(const std::string& principal) {
  HandedOutKey k;
#ifndef KEYNOTE_NO_CAPI_CRYPTO
  if (keynote::classifyPrincipal(principal) == keynote::PrincipalKind::Key) {
    keynote_deckey dk{};
    std::string copy = principal;
    const int saved = keynote_errno;
    if (kn_decode_key(&dk, copy.data(), KEYNOTE_PUBLIC_KEY) == 0) {
      keynote_errno = saved;
      k.algorithm = dk.dec_algorithm;
      k.key = dk.dec_key;
      k.decoded = true;
      return k;
    }
    keynote_errno = saved;
  }
#endif
  k.algorithm = KEYNOTE_ALGORITHM_NONE;
  k.key = duplicate(principal);
  return k;
}

void installFallback(CSession& s) {
  s.session.setActionFallback([&s](std::string_view name) -> std::optional<std::string> {
    std::string key(name);
    if (auto it = s.callbacks.find(key); it != s.callbacks.end()) {
      char* v = it->second(key.data());
      if (v == nullptr) return std::nullopt;
      return std::string(v);
    }
    for (const RegexAttribute& r : s.regexAttributes) {
      const auto* re = static_cast<const RE2*>(r.regex.get());
      if (!RE2::PartialMatch(re2::StringPiece(name.data(), name.size()), *re)) continue;
      if (r.callback != nullptr) {
        char* v = r.callback(key.data());
        if (v == nullptr) return std::nullopt;
        return std::string(v);
      }
      return r.value;
    }
    return std::nullopt;
  });
}

}  // namespace
}  // namespace keynote::capi

using keynote::capi::CSession;
using keynote::capi::fail;
using keynote::capi::findSession;
using keynote::capi::guarded;

extern "C" {

int kn_init(void) {
  return guarded(-1, [] {
    int id = keynote::capi::createSession();
    keynote::capi::installFallback(*findSession(id));
    return id;
  });
}

int kn_close(int sessid) {
  return guarded(-1, [&] {
    if (!keynote::capi::destroySession(sessid)) return fail(ERROR_NOTFOUND, -1);
    return 0;
  });
}

int kn_add_assertion(int sessid, char* assertion, int len, int flags) {
  return guarded(-1, [&] {
    CSession* s = findSession(sessid);
    if (s == nullptr) return fail(ERROR_NOTFOUND, -1);
    if (assertion == nullptr || len <= 0) return fail(ERROR_SYNTAX, -1);
    auto id = s->session.addAssertion(
        keynote::capi::boundedText(assertion, len),
        (flags & ASSERT_FLAG_LOCAL) != 0 ? keynote::Trust::Trusted : keynote::Trust::Untrusted);
    if (!id) {
      return fail(id.error().code == "limit" && id.error().line == 0 ? ERROR_MEMORY : ERROR_SYNTAX,
                  -1);
    }
    return static_cast<int>(*id);
  });
}

int kn_remove_assertion(int sessid, int assertid) {
  return guarded(-1, [&] {
    CSession* s = findSession(sessid);
    if (s == nullptr || assertid < 0) return fail(ERROR_NOTFOUND, -1);
    const auto id = static_cast<keynote::AssertionId>(assertid);
    if (!s->session.removeAssertion(id)) return fail(ERROR_NOTFOUND, -1);
    s->forget(id);
    return 0;
  });
}

int kn_add_action(int sessid, char* name, char* value, int flags) {
  return guarded(-1, [&] {
    if (name == nullptr || value == nullptr || name[0] == '_') return fail(ERROR_SYNTAX, -1);
    CSession* s = findSession(sessid);
    if (s == nullptr) return fail(ERROR_NOTFOUND, -1);
    auto callback = (flags & ENVIRONMENT_FLAG_FUNC) != 0
                        ? reinterpret_cast<keynote::capi::Callback>(value)  // NOLINT: keynote(3)
                        : nullptr;
    if (callback != nullptr) {
      static char init[] = KEYNOTE_CALLBACK_INITIALIZE;
      callback(init);
      if (keynote_errno != 0) return -1;
    }
    if ((flags & ENVIRONMENT_FLAG_REGEX) != 0) {
      RE2::Options options;
      options.set_posix_syntax(true);
      options.set_longest_match(true);
      options.set_log_errors(false);
      options.set_encoding(RE2::Options::EncodingLatin1);
      auto re = std::make_shared<const RE2>(name, options);
      if (!re->ok()) return fail(ERROR_SYNTAX, -1);
      keynote::capi::RegexAttribute r;
      r.pattern = name;
      r.regex = re;
      r.callback = callback;
      if (callback == nullptr) r.value = value;
      s->regexAttributes.insert(s->regexAttributes.begin(), std::move(r));
      return 0;
    }
    if (callback != nullptr) {
      s->session.removeAction(name);
      s->callbacks[name] = callback;
      return 0;
    }
    s->callbacks.erase(name);
    auto st = s->session.setAction(name, value);
    if (!st) return fail(st.error().code == "limit" ? ERROR_MEMORY : ERROR_SYNTAX, -1);
    return 0;
  });
}

int kn_remove_action(int sessid, char* name) {
  return guarded(-1, [&] {
    if (name == nullptr || name[0] == '_') return fail(ERROR_SYNTAX, -1);
    CSession* s = findSession(sessid);
    if (s == nullptr) return fail(ERROR_NOTFOUND, -1);
    if (s->session.removeAction(name)) return 0;
    if (auto it = s->callbacks.find(name); it != s->callbacks.end()) {
      static char cleanup[] = KEYNOTE_CALLBACK_CLEANUP;
      it->second(cleanup);
      s->callbacks.erase(it);
      return 0;
    }
    for (auto it = s->regexAttributes.begin(); it != s->regexAttributes.end(); ++it) {
      if (it->pattern == name) {
        if (it->callback != nullptr) {
          static char cleanup[] = KEYNOTE_CALLBACK_CLEANUP;
          it->callback(cleanup);
        }
        s->regexAttributes.erase(it);
        return 0;
      }
    }
    return fail(ERROR_NOTFOUND, -1);
  });
}

int kn_cleanup_action_environment(int sessid) {
  return guarded(-1, [&] {
    CSession* s = findSession(sessid);
    if (s == nullptr) return fail(ERROR_NOTFOUND, -1);
    s->session.clearActions();
    s->cleanupCallbacks();
    return 0;
  });
}

int kn_add_authorizer(int sessid, char* principal) {
  return guarded(-1, [&] {
    if (principal == nullptr) return fail(ERROR_SYNTAX, -1);
    CSession* s = findSession(sessid);
    if (s == nullptr) return fail(ERROR_NOTFOUND, -1);
#ifndef KEYNOTE_NO_CAPI_CRYPTO
    // A key that does not decode is refused, as the classic library does.
    if (keynote::classifyPrincipal(principal) == keynote::PrincipalKind::MalformedKey) {
      return fail(ERROR_SYNTAX, -1);
    }
#endif
    auto st = s->session.addAuthorizer(principal);
    if (!st) return fail(st.error().code == "limit" ? ERROR_MEMORY : ERROR_SYNTAX, -1);
    return 0;
  });
}

int kn_remove_authorizer(int sessid, char* principal) {
  return guarded(-1, [&] {
    if (principal == nullptr) return fail(ERROR_SYNTAX, -1);
    CSession* s = findSession(sessid);
    if (s == nullptr) return fail(ERROR_NOTFOUND, -1);
    if (!s->session.removeAuthorizer(principal)) return fail(ERROR_NOTFOUND, -1);
    return 0;
  });
}

int kn_do_query(int sessid, char** returnvalues, int numvalues) {
  return guarded(-1, [&] {
    CSession* s = findSession(sessid);
    if (s == nullptr) return fail(ERROR_NOTFOUND, -1);
    if (returnvalues != nullptr) {
      if (numvalues <= 0) return fail(ERROR_SYNTAX, -1);
      std::vector<std::string> values;
      for (int i = 0; i < numvalues; ++i) {
        if (returnvalues[i] == nullptr) return fail(ERROR_SYNTAX, -1);
        values.emplace_back(returnvalues[i]);
      }
      s->values = std::move(values);
    }
    if (s->values.empty()) return fail(ERROR_SYNTAX, -1);
    auto r = s->session.query(std::span<const std::string>(s->values));
    if (!r) return fail(r.error().code == "not-found" ? ERROR_NOTFOUND : ERROR_SYNTAX, -1);
    return static_cast<int>(*r);
  });
}

int kn_get_failed(int sessid, int type, int seq) {
  return guarded(-1, [&] {
    CSession* s = findSession(sessid);
    if (s == nullptr) return fail(ERROR_NOTFOUND, -1);
    int n = seq;
    for (const keynote::AssertionFailure& f : s->session.failures()) {
      bool match = type == KEYNOTE_ERROR_ANY ||
                   (type == KEYNOTE_ERROR_SYNTAX && f.kind == keynote::FailureKind::Syntax) ||
                   (type == KEYNOTE_ERROR_SIGNATURE && f.kind == keynote::FailureKind::Signature);
      if (match && n-- == 0) return static_cast<int>(f.id);
    }
    return fail(ERROR_NOTFOUND, -1);
  });
}

int kn_query(struct environment* env, char** returnvalues, int numvalues, char** trusted,
             int* trustedlen, int numtrusted, char** untrusted, int* untrustedlen, int numuntrusted,
             char** authorizers, int numauthorizers) {
  keynote_errno = 0;
  const int sid = kn_init();
  if (sid == -1) return -1;
  auto bail = [sid] {
    const int saved = keynote_errno;
    kn_close(sid);
    keynote_errno = saved;
    return -1;
  };
  for (struct environment* e = env; e != nullptr; e = e->env_next) {
    if (kn_add_action(sid, e->env_name, e->env_value, e->env_flags) == -1) return bail();
  }
  for (int i = 0; i < numtrusted; ++i) {
    if (kn_add_assertion(sid, trusted[i], trustedlen[i], ASSERT_FLAG_LOCAL) == -1 &&
        keynote_errno == ERROR_MEMORY) {
      return bail();
    }
  }
  for (int i = 0; i < numuntrusted; ++i) {
    if (kn_add_assertion(sid, untrusted[i], untrustedlen[i], 0) == -1 &&
        keynote_errno == ERROR_MEMORY) {
      return bail();
    }
  }
  for (int i = 0; i < numauthorizers; ++i) {
    if (kn_add_authorizer(sid, authorizers[i]) == -1) return bail();
  }
  const int result = kn_do_query(sid, returnvalues, numvalues);
  const int saved = keynote_errno;
  kn_close(sid);
  keynote_errno = saved;
  return result;
}

char** kn_read_asserts(char* array, int arraylen, int* numassertions) {
  keynote_errno = 0;
  if (array == nullptr || numassertions == nullptr || arraylen < 0) {
    keynote_errno = ERROR_SYNTAX;
    return nullptr;
  }
  try {
    auto pieces =
        keynote::splitAssertions(std::string_view(array, static_cast<std::size_t>(arraylen)));
    // One slot more than needed, like the classic library's array.
    auto** out = static_cast<char**>(std::calloc(pieces.size() + 1, sizeof(char*)));
    if (out == nullptr) throw std::bad_alloc();
    for (std::size_t i = 0; i < pieces.size(); ++i) {
      out[i] = static_cast<char*>(std::malloc(pieces[i].text.size() + 1));
      if (out[i] == nullptr) {
        for (std::size_t j = 0; j < i; ++j) std::free(out[j]);
        std::free(out);
        throw std::bad_alloc();
      }
      std::memcpy(out[i], pieces[i].text.data(), pieces[i].text.size());
      out[i][pieces[i].text.size()] = '\0';
    }
    *numassertions = static_cast<int>(pieces.size());
    return out;
  } catch (...) {
    keynote_errno = ERROR_MEMORY;
    return nullptr;
  }
}

void* kn_get_authorizer(int sessid, int assertid, int* algorithm) {
  if (algorithm != nullptr) *algorithm = KEYNOTE_ALGORITHM_NONE;
  return guarded(static_cast<void*>(nullptr), [&]() -> void* {
    CSession* s = findSession(sessid);
    if (s == nullptr || assertid < 0) return fail(ERROR_NOTFOUND, static_cast<void*>(nullptr));
    const auto id = static_cast<keynote::AssertionId>(assertid);
    const keynote::Assertion* a = s->session.assertion(id);
    if (a == nullptr) return fail(ERROR_NOTFOUND, static_cast<void*>(nullptr));
    if (a->error && a->authorizer.empty()) return fail(ERROR_SYNTAX, static_cast<void*>(nullptr));
    auto it = s->authorizers.find(id);
    if (it == s->authorizers.end()) {
      it = s->authorizers.emplace(id, keynote::capi::decode(a->authorizer)).first;
    }
    if (algorithm != nullptr) *algorithm = it->second.algorithm;
    return it->second.key;
  });
}

struct keynote_keylist* kn_get_licensees(int sessid, int assertid) {
  using List = keynote_keylist*;
  return guarded(static_cast<List>(nullptr), [&]() -> List {
    CSession* s = findSession(sessid);
    if (s == nullptr || assertid < 0) return fail(ERROR_NOTFOUND, static_cast<List>(nullptr));
    const auto id = static_cast<keynote::AssertionId>(assertid);
    const keynote::Assertion* a = s->session.assertion(id);
    if (a == nullptr) return fail(ERROR_NOTFOUND, static_cast<List>(nullptr));
    if (a->error) return fail(ERROR_SYNTAX, static_cast<List>(nullptr));
    if (auto it = s->licensees.find(id); it != s->licensees.end()) return it->second;
    List head = nullptr;
    // Build back to front so the list follows the order of the field.
    for (auto p = a->principals.rbegin(); p != a->principals.rend(); ++p) {
      auto* node = static_cast<keynote_keylist*>(std::calloc(1, sizeof(keynote_keylist)));
      if (node == nullptr) throw std::bad_alloc();
      node->key_next = head;
      head = node;
      node->key_stringkey = keynote::capi::duplicate(*p);
      keynote::capi::HandedOutKey k = keynote::capi::decode(*p);
      if (k.decoded) {
        node->key_alg = k.algorithm;
        node->key_key = k.key;
      } else {
        std::free(k.key);
        node->key_alg = KEYNOTE_ALGORITHM_NONE;
        node->key_key = node->key_stringkey;
      }
    }
    s->licensees[id] = head;
    return head;
  });
}

}  // extern "C"
