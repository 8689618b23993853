#include "session_table.hpp"

#include <cstdlib>

namespace keynote::capi {
namespace {

std::map<int, std::unique_ptr<CSession>>& table() {
  static auto* t = new std::map<int, std::unique_ptr<CSession>>();  // never destroyed: no
  return *t;                                                        // exit-order surprises
}
int nextId = 0;

void freeKey(HandedOutKey& k) {
  if (k.key == nullptr) return;
#ifndef KEYNOTE_NO_CAPI_CRYPTO
  if (k.decoded) {
    keynote_deckey dk{k.algorithm, k.key};
    kn_free_key(&dk);
    k.key = nullptr;
    return;
  }
#endif
  std::free(k.key);
  k.key = nullptr;
}

void freeKeylist(keynote_keylist* list) {
  while (list != nullptr) {
    keynote_keylist* next = list->key_next;
    HandedOutKey k{list->key_alg, list->key_key, list->key_key != list->key_stringkey};
    if (list->key_key != list->key_stringkey) freeKey(k);
    std::free(list->key_stringkey);
    std::free(list);
    list = next;
  }
}

}  // namespace

CSession::~CSession() {
  cleanupCallbacks();
  for (auto& [id, k] : authorizers) freeKey(k);
  for (auto& [id, l] : licensees) freeKeylist(l);
}

void CSession::forget(AssertionId id) {
  if (auto it = authorizers.find(id); it != authorizers.end()) {
    freeKey(it->second);
    authorizers.erase(it);
  }
  if (auto it = licensees.find(id); it != licensees.end()) {
    freeKeylist(it->second);
    licensees.erase(it);
  }
}

void CSession::cleanupCallbacks() {
  // keynote(3): callbacks are told when their attribute goes away.
  static char cleanup[] = KEYNOTE_CALLBACK_CLEANUP;
  for (auto& [name, cb] : callbacks) {
    if (cb != nullptr) cb(cleanup);
  }
  for (auto& r : regexAttributes) {
    if (r.callback != nullptr) r.callback(cleanup);
  }
  callbacks.clear();
  regexAttributes.clear();
}

std::recursive_mutex& tableMutex() {
  static auto* m = new std::recursive_mutex();
  return *m;
}

CSession* findSession(int id) {
  auto it = table().find(id);
  return it == table().end() ? nullptr : it->second.get();
}

int createSession() {
  auto s = std::make_unique<CSession>(defaultCryptoProvider());
  while (table().count(nextId) != 0 || nextId < 0) {
    nextId = nextId < 0 ? 0 : nextId + 1;
  }
  const int id = nextId++;
  if (nextId < 0) nextId = 0;
  table().emplace(id, std::move(s));
  return id;
}

bool destroySession(int id) {
  return table().erase(id) != 0;
}

}  // namespace keynote::capi
