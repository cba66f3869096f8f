/* perm: policy table parsed from roles.json (see perm.h). */
#include "perm.h"
#include "base/alloc.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/json.h"
#include <string.h>

struct rule {
	char role[32];
	char action[48];
	enum scope_kind kind;
	int hours;
	int reason;
};

static struct rule *rules;
static size_t nrules;
static struct buf role_names = BUF_INIT;

static const struct {
	const char *name;
	enum scope_kind kind;
} scopes[] = {{"own", SCOPE_OWN}, {"assigned", SCOPE_ASSIGNED}, {"agency", SCOPE_AGENCY}, {"all", SCOPE_ALL}};

static int parse_scope(const char *role, const char *action, json_t *v, struct rule *r, struct err *e)
{
	const char *name = json_is_string(v) ? json_string_value(v) : json_get_str(v, "scope");
	snprintf(r->role, sizeof r->role, "%s", role);
	snprintf(r->action, sizeof r->action, "%s", action);
	r->hours = (int)json_integer_value(json_object_get(v, "hours"));
	r->reason = json_is_true(json_object_get(v, "reason_required"));
	for (size_t i = 0; name && i < sizeof scopes / sizeof *scopes; i++)
		if (!strcmp(name, scopes[i].name)) {
			r->kind = scopes[i].kind;
			return 0;
		}
	return err_set(e, HV_EINVAL, NULL, "roles.json: %s.%s has no valid scope", role, action);
}

int perm_load(const char *text, struct err *e)
{
	json_t *root;
	int rc = json_parse_object(text, strlen(text), &root, e);
	if (rc)
		return rc;
	json_t *roles = json_object_get(root, "roles");
	const char *role, *action;
	json_t *acts, *v;
	free(rules);
	rules = NULL;
	nrules = 0;
	buf_release(&role_names);
	if (!json_is_object(roles))
		rc = err_set(e, HV_EINVAL, NULL, "roles.json: \"roles\" must be an object");
	json_object_foreach(roles, role, acts) {
		buf_addf(&role_names, "%s%s", role_names.len ? ", " : "", role);
		json_object_foreach(acts, action, v) {
			rules = xreallocarray(rules, nrules + 1, sizeof *rules);
			memset(&rules[nrules], 0, sizeof *rules);
			if (!rc)
				rc = parse_scope(role, action, v, &rules[nrules], e);
			nrules++;
		}
	}
	json_decref(root);
	return rc;
}

int perm_role_exists(const char *role)
{
	size_t n = strlen(role);
	for (const char *p = role_names.p; n && (p = strstr(p, role)); p += n)
		if ((p == role_names.p || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

const char *perm_roles(void)
{
	return role_names.p;
}

int perm_scope(const struct user *u, const char *action, struct scope *sc, int *reason_required)
{
	memset(sc, 0, sizeof *sc);
	sc->user_id = u->id;
	sc->agency_id = u->agency_id;
	if (reason_required)
		*reason_required = 0;
	for (size_t i = 0; i < nrules; i++) {
		const struct rule *r = &rules[i];
		if (strcmp(r->role, u->role) || strcmp(r->action, action))
			continue;
		sc->kind = r->kind;
		if (r->hours)
			sc->created_after = clock_now() - (int64_t)r->hours * 3600;
		if (reason_required)
			*reason_required = r->reason;
		return 0;
	}
	return -HV_EFORBID;
}

int perm_allows(const struct user *u, const char *action)
{
	struct scope sc;
	return perm_scope(u, action, &sc, NULL) == 0;
}

int perm_covers(const struct scope *sc, const struct record *rec, const char *const *assignees, size_t n)
{
	if (rec->deleted)
		return 0;
	switch (sc->kind) {
	case SCOPE_ALL:
		return 1;
	case SCOPE_AGENCY:
		return !strcmp(rec->agency_id, sc->agency_id);
	case SCOPE_OWN:
		return !strcmp(rec->agency_id, sc->agency_id) && !strcmp(rec->created_by, sc->user_id) &&
		       rec->created_at > sc->created_after;
	case SCOPE_ASSIGNED:
		/* Only within the user's agency: moving a user to another agency ends their access. */
		if (strcmp(rec->agency_id, sc->agency_id))
			return 0;
		if (!strcmp(rec->owner_id, sc->user_id))
			return 1;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(assignees[i], sc->user_id))
				return 1;
		return 0;
	case SCOPE_NONE:
		break;
	}
	return 0;
}
