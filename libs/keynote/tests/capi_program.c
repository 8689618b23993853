/*
 * A C program (compiled as C11) written against keynote(3): proves that
 * keynote.h is C and that libkeynote (keynote_c) links in place of the
 * classic library. Exit status 0 when every check holds.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keynote/keynote.h"

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

int main(void) {
  char policy[] =
      "KeyNote-Version: 2\n"
      "Authorizer: \"POLICY\"\n"
      "Licensees: \"TargetAdmin\"\n"
      "Conditions: app_domain == \"XMPP\" -> \"allow\";\n";
  char delegation[] =
      "Authorizer: \"TargetAdmin\"\n"
      "Licensees: \"Alice\"\n"
      "Conditions: Server_IP_Address == \"192.168.40.55\";\n";
  char name1[] = "app_domain", value1[] = "XMPP";
  char name2[] = "Server_IP_Address", value2[] = "192.168.40.55";
  char alice[] = "Alice";
  char deny[] = "deny", allow[] = "allow";
  char* values[2];
  char hexsrc[] = "\x01\xab";
  char* hex = NULL;
  char* raw = NULL;
  int sid, result;

  values[0] = deny;
  values[1] = allow;
  sid = kn_init();
  CHECK(sid >= 0);
  CHECK(kn_add_assertion(sid, policy, (int)strlen(policy), ASSERT_FLAG_LOCAL) == 0);
  /* A trusted delegation (a signed credential would be added with flags 0). */
  CHECK(kn_add_assertion(sid, delegation, (int)strlen(delegation), ASSERT_FLAG_LOCAL) == 1);
  CHECK(kn_add_action(sid, name1, value1, 0) == 0);
  CHECK(kn_add_action(sid, name2, value2, 0) == 0);
  CHECK(kn_add_authorizer(sid, alice) == 0);
  result = kn_do_query(sid, values, 2);
  CHECK(result == 1);
  CHECK(keynote_errno == 0);
  CHECK(kn_get_failed(sid, KEYNOTE_ERROR_ANY, 0) == -1);
  CHECK(kn_remove_assertion(sid, 1) == 0);
  CHECK(kn_do_query(sid, values, 2) == 0);
  CHECK(kn_close(sid) == 0);

  /* The encoding helpers live in the same library. */
  CHECK(kn_encode_hex((unsigned char*)hexsrc, &hex, 2) == 0);
  CHECK(hex != NULL && strcmp(hex, "01ab") == 0);
  CHECK(kn_decode_hex(hex, &raw) == 0 && raw != NULL && memcmp(raw, hexsrc, 2) == 0);
  free(hex);
  free(raw);

  if (failures == 0) printf("keynote C API: all checks passed\n");
  return failures == 0 ? 0 : 1;
}
