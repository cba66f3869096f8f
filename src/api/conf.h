/* conf: the server's live configuration — the schema (forms, lookups, workflows) built from
 * the store's configuration documents, shared by every request thread. An administrator's
 * change through the API swaps in a new one at once; a change made by the command line is
 * picked up by conf_refresh, which serve calls once a second. */
#ifndef HV_CONF_H
#define HV_CONF_H
#include <jansson.h>
#include <stdint.h>
#include "base/err.h"
#include "core/schema.h"
#include "store/store.h"

struct conf {
	struct schema *schema;
	int64_t generation;
	int refs; /* guarded by the module's lock */
};

/* Builds a schema from every configuration document in the store (inside the caller's
 * transaction, if any): what an administrator's change must pass before it is committed. */
int conf_build(struct store *st, struct schema **out, struct err *e);
/* The roles a form's sensitive fields name must exist (config/roles.json, loaded by perm), or
 * the field would be hidden from everyone by a typing mistake. 0 or 422 naming the field. */
int conf_roles_known(const json_t *form, struct err *e);
/* Loads the configuration at start; 0 or an error naming the broken document. */
int conf_init(struct store *st, struct err *e);
void conf_shutdown(void);
/* The current configuration, held until conf_release (a swap never frees one in use). */
struct conf *conf_acquire(void);
void conf_release(struct conf *c);
/* Swaps in s (built from the store at generation gen); takes ownership. */
void conf_install(struct schema *s, int64_t gen);
/* Reloads when the store's generation has moved; 0, or an error (the old one stays). */
int conf_refresh(struct store *st);

#endif
