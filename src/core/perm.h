/* perm: the permission policy, loaded from config/roles.json (role -> action -> scope). Code
 * asks "may this user do this action, and over which records?"; no role names appear
 * elsewhere in the code. */
#ifndef HV_PERM_H
#define HV_PERM_H
#include "base/err.h"
#include "store/store.h"

int perm_load(const char *json, struct err *e);
int perm_role_exists(const char *role);
/* Fills sc with the scope of action for u (SCOPE_NONE when denied). *reason_required is set
 * when the action is break-glass for this role. Returns 0 when allowed at some scope. */
int perm_scope(const struct user *u, const char *action, struct scope *sc, int *reason_required);
/* Shorthand: may u perform action at all? */
int perm_allows(const struct user *u, const char *action);
/* Does scope sc cover record rec? assignees (user ids, n of them) matter only for
 * SCOPE_ASSIGNED. The same rule as the store's query predicate, evaluated in memory: own and
 * assigned records count only within the user's own agency. */
int perm_covers(const struct scope *sc, const struct record *rec, const char *const *assignees, size_t n);
/* Comma-separated list of role names, for error messages and help. */
const char *perm_roles(void);

#endif
