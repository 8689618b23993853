#pragma once
// The sessions of the keynote(3) C API, by integer id, and what each keeps
// besides its keynote::Session: the last compliance values, attribute
// callbacks and regex-named attributes, and the decoded keys handed out by
// kn_get_authorizer()/kn_get_licensees() (owned by the session, as in the
// classic library).

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "keynote/keynote.h"
#include "keynote/session.hpp"

namespace keynote::capi {

using Callback = char* (*)(char*);

struct RegexAttribute {
  std::string pattern;
  std::shared_ptr<const void> regex;  // re2::RE2, type-erased to keep re2.h out of here
  std::string value;
  Callback callback = nullptr;
};

struct HandedOutKey {
  int algorithm = KEYNOTE_ALGORITHM_NONE;
  void* key = nullptr;   // decoded key, or a copy of the principal text
  bool decoded = false;  // free with kn_free_key(), else free()
};

struct CSession {
  explicit CSession(const CryptoProvider& crypto) : session(crypto) {}
  ~CSession();
  CSession(const CSession&) = delete;
  CSession& operator=(const CSession&) = delete;

  keynote::Session session;
  std::vector<std::string> values;
  std::map<std::string, Callback> callbacks;
  std::vector<RegexAttribute> regexAttributes;  // newest first
  std::map<AssertionId, HandedOutKey> authorizers;
  std::map<AssertionId, keynote_keylist*> licensees;

  void forget(AssertionId id);
  void cleanupCallbacks();
};

// The table; all access holds tableMutex() (recursive: attribute callbacks may call back
// into the API).
std::recursive_mutex& tableMutex();
CSession* findSession(int id);
int createSession();  // -1 when out of memory
bool destroySession(int id);

}  // namespace keynote::capi
