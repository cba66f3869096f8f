/* conf: the live configuration, reference-counted and swapped under one lock (see conf.h). */
#include "conf.h"
#include "base/alloc.h"
#include "base/log.h"
#include "core/perm.h"
#include <jansson.h>
#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct conf *current;

int conf_build(struct store *st, struct schema **out, struct err *e)
{
	struct config_doc *docs;
	size_t n;
	if (store_config_list(st, &docs, &n))
		return err_set(e, HV_EIO, NULL, "storage error");
	struct schema_doc *sd = xcalloc(n + 1, sizeof *sd);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		json_error_t je;
		sd[i] = (struct schema_doc){docs[i].kind, docs[i].name, (int)docs[i].version,
					    json_loads(docs[i].body, JSON_REJECT_DUPLICATES, &je)};
		if (!sd[i].body && !rc)
			rc = err_set(e, HV_EINTERNAL, NULL, "stored %s %s is not JSON", docs[i].kind, docs[i].name);
	}
	if (!rc)
		rc = schema_build(sd, n, out, e);
	for (size_t i = 0; i < n; i++)
		json_decref((json_t *)sd[i].body);
	free(sd);
	config_list_free(docs, n);
	return rc;
}

static void conf_put(struct conf *c)
{
	/* Called with mu held. */
	if (c && --c->refs == 0) {
		schema_free(c->schema);
		free(c);
	}
}

void conf_install(struct schema *s, int64_t gen)
{
	struct conf *c = xcalloc(1, sizeof *c);
	c->schema = s;
	c->generation = gen;
	c->refs = 1; /* the module's own reference */
	pthread_mutex_lock(&mu);
	/* Two changes committed close together may install out of order: keep the newer. */
	struct conf *old = current;
	if (old && old->generation > gen) {
		old = c;
	} else {
		current = c;
	}
	conf_put(old);
	pthread_mutex_unlock(&mu);
}

int conf_init(struct store *st, struct err *e)
{
	struct schema *s;
	int64_t gen = store_config_generation(st);
	int rc = conf_build(st, &s, e);
	if (!rc)
		conf_install(s, gen);
	return rc;
}

void conf_shutdown(void)
{
	pthread_mutex_lock(&mu);
	conf_put(current);
	current = NULL;
	pthread_mutex_unlock(&mu);
}

struct conf *conf_acquire(void)
{
	pthread_mutex_lock(&mu);
	struct conf *c = current;
	if (c)
		c->refs++;
	pthread_mutex_unlock(&mu);
	return c;
}

void conf_release(struct conf *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&mu);
	conf_put(c);
	pthread_mutex_unlock(&mu);
}

int conf_refresh(struct store *st)
{
	int64_t gen = store_config_generation(st);
	struct conf *c = conf_acquire();
	int stale = !c || c->generation < gen;
	conf_release(c);
	if (!stale || gen < 0)
		return 0;
	struct err e;
	err_init(&e);
	struct schema *s;
	int rc = conf_build(st, &s, &e);
	if (rc)
		log_event(LOG_ERROR, "config_reload_failed", "msg=\"%s\"", e.msg.p);
	else
		conf_install(s, gen);
	err_release(&e);
	return rc;
}

int conf_roles_known(const json_t *form, struct err *e)
{
	size_t i, k;
	json_t *f, *role;
	json_array_foreach(json_object_get(form, "fields"), i, f) {
		json_array_foreach(json_object_get(f, "sensitive"), k, role) {
			if (!json_is_string(role) || !perm_role_exists(json_string_value(role)))
				return err_set(e, HV_EVALID, json_string_value(json_object_get(f, "name")),
					       "sensitive names a role that does not exist (roles: %s)", perm_roles());
		}
	}
	return 0;
}
