/* admin: agencies and users — creation, listing, role/agency changes, password resets and
 * disabling. Ending a user's access (disable, role, agency, reset) revokes their sessions
 * and tokens in the same transaction. */
#include "api.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/text.h"
#include "core/account.h"
#include "core/id.h"
#include "core/perm.h"
#include "sec/password.h"
#include "sec/token.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static const char *const agency_types[] = {"social_services", "ngo", "police", "border", "immigration",
					   "justice", "health", "education", "shelter", "other", NULL};

static int need(struct req *r, const char *action)
{
	return perm_allows(&r->user, action) ? 0 : api_fail(r, HV_EFORBID, NULL, "your role may not do this");
}

/* ---- agencies ---------------------------------------------------------------------------- */

static json_t *agency_json(const struct agency *a)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:o}", "id", a->id, "name", a->name, "type", a->type, "code", a->code,
			 "created_at", api_time(a->created_at));
}

int api_agencies_list(struct req *r)
{
	struct agency *list;
	size_t n;
	int all = perm_allows(&r->user, "agency.manage");
	if (store_agency_list(r->st, &list, &n))
		return api_fail(r, HV_EIO, NULL, "storage error");
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		if (all || !strcmp(list[i].id, r->user.agency_id))
			json_array_append_new(items, agency_json(&list[i]));
	free(list);
	r->no_store = 0;
	return api_reply(r, 200, json_pack("{s:o}", "items", items));
}

int api_agencies_create(struct req *r)
{
	json_t *b;
	int rc = need(r, "agency.manage");
	if (rc || (rc = api_body(r, &b)))
		return rc;
	static const char *const keys[] = {"name", "type", "code", NULL};
	const char *name, *type, *code;
	struct agency a = {0};
	rc = json_only_keys(b, keys, &r->err);
	if (!rc)
		rc = api_text_member(r, b, "name", 1, 200, &name);
	if (!rc)
		rc = api_text_member(r, b, "type", 1, 31, &type);
	if (!rc && !api_one_of(type, agency_types))
		rc = api_fail(r, HV_EVALID, "type", "must be one of social_services, ngo, police, border, "
						    "immigration, justice, health, education, shelter, other");
	if (!rc)
		rc = api_text_member(r, b, "code", 0, 4, &code);
	if (!rc && code && !id_agency_code_valid(code))
		rc = api_fail(r, HV_EVALID, "code", "must be 2 to 4 upper-case letters or digits");
	if (!rc) {
		token_uuid(a.id);
		snprintf(a.name, sizeof a.name, "%s", name);
		snprintf(a.type, sizeof a.type, "%s", type);
		if (code)
			snprintf(a.code, sizeof a.code, "%s", code);
		else
			id_agency_code(name, a.code);
		a.created_at = clock_now();
	}
	json_decref(b);
	if (rc)
		return rc;
	struct audit_tx *tx = NULL;
	struct agency other;
	char base[8];
	memcpy(base, a.code, sizeof base);
	rc = api_tx_begin(r);
	if (!rc && !store_agency_by_name(r->st, a.name, &other))
		rc = api_fail(r, HV_ECONFLICT, "name", "an agency with this name already exists");
	/* A derived code that is taken gets a digit (NVS -> NVS2 ...); a chosen one is the
	 * administrator's to change. */
	for (int n = 2; !rc; n++) {
		rc = store_agency_insert(r->st, &a, NULL);
		if (rc != -HV_ECONFLICT)
			break;
		if (code || n > 9) {
			rc = api_fail(r, HV_ECONFLICT, "code", "this agency code is taken; choose another");
		} else {
			rc = 0;
			id_agency_code_variant(base, n, a.code);
		}
	}
	if (!rc)
		rc = api_tx_audit(r, &tx, "agency.create", "agency", a.id, NULL);
	rc = api_tx_end(r, rc, tx);
	return rc ? rc : api_reply(r, 201, agency_json(&a));
}

/* ---- users ------------------------------------------------------------------------------- */

int api_users_list(struct req *r)
{
	struct scope sc;
	if (perm_scope(&r->user, "user.list", &sc, NULL))
		return api_fail(r, HV_EFORBID, NULL, "your role may not list users");
	struct user *list;
	size_t n;
	if (store_user_list(r->st, sc.kind == SCOPE_ALL ? NULL : r->user.agency_id, &list, &n))
		return api_fail(r, HV_EIO, NULL, "storage error");
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, api_user_json(&list[i]));
	user_list_free(list, n);
	return api_reply(r, 200, json_pack("{s:o}", "items", items));
}

int api_users_get(struct req *r)
{
	struct scope sc;
	struct user u = {0};
	int self = !strcmp(r->params[0], r->user.id);
	if (!self && perm_scope(&r->user, "user.list", &sc, NULL))
		return api_fail(r, HV_EFORBID, NULL, "your role may not read users");
	if (store_user_get(r->st, r->params[0], &u, 0) ||
	    (!self && sc.kind != SCOPE_ALL && strcmp(u.agency_id, r->user.agency_id)))
		return api_fail(r, HV_ENOTFOUND, NULL, "no such user");
	return api_reply(r, 200, api_user_json(&u));
}

/* Validates role, agency, locale and full name members into u (shared by create and patch). */
static int user_fields(struct req *r, const json_t *b, struct user *u)
{
	const char *role, *agency_id, *full_name, *locale;
	int rc = api_text_member(r, b, "role", 0, 31, &role);
	if (!rc && role && !perm_role_exists(role))
		rc = api_fail(r, HV_EVALID, "role", "must be one of %s", perm_roles());
	if (!rc)
		rc = api_text_member(r, b, "agency_id", 0, 36, &agency_id);
	struct agency a;
	if (!rc && agency_id && store_agency_get(r->st, agency_id, &a))
		rc = api_fail(r, HV_EVALID, "agency_id", "no such agency");
	if (!rc)
		rc = api_text_member(r, b, "full_name", 0, 200, &full_name);
	if (!rc)
		rc = api_text_member(r, b, "locale", 0, 15, &locale);
	if (!rc && locale && !account_locale_valid(locale))
		rc = api_fail(r, HV_EVALID, "locale", "must be a language tag such as en, ar or fr-CA");
	if (rc)
		return rc;
	if (role)
		snprintf(u->role, sizeof u->role, "%s", role);
	if (agency_id) {
		snprintf(u->agency_id, sizeof u->agency_id, "%s", agency_id);
		snprintf(u->agency_name, sizeof u->agency_name, "%s", a.name);
	}
	if (full_name)
		snprintf(u->full_name, sizeof u->full_name, "%s", full_name);
	if (locale)
		snprintf(u->locale, sizeof u->locale, "%s", locale);
	return 0;
}

int api_users_create(struct req *r)
{
	json_t *b;
	int rc = need(r, "user.manage");
	if (rc || (rc = api_body(r, &b)))
		return rc;
	static const char *const keys[] = {"username", "password", "role", "agency_id", "full_name", "locale", NULL};
	struct user u = {0};
	const char *username, *password;
	char hash[PASSWORD_HASH_MAX];
	rc = json_only_keys(b, keys, &r->err);
	if (!rc)
		rc = api_text_member(r, b, "username", 1, 64, &username);
	if (!rc && !account_username_valid(username))
		rc = api_fail(r, HV_EVALID, "username", "use 2-64 lower-case letters, digits, '.', '_', '-' or '@'");
	if (!rc)
		rc = api_text_member(r, b, "password", 1, 1024, &password);
	if (!rc)
		rc = password_policy(password, username, "password", &r->err);
	if (!rc && !json_object_get(b, "role"))
		rc = api_fail(r, HV_EVALID, "role", "is required");
	if (!rc && !json_object_get(b, "agency_id"))
		rc = api_fail(r, HV_EVALID, "agency_id", "is required");
	snprintf(u.locale, sizeof u.locale, "en");
	if (!rc)
		rc = user_fields(r, b, &u);
	if (!rc && password_hash(password, hash))
		rc = api_fail(r, HV_ERATE, NULL, "the server is busy; try again in a second");
	if (!rc) {
		token_uuid(u.id);
		snprintf(u.username, sizeof u.username, "%s", username);
		u.pw_hash = hash;
		u.created_at = u.updated_at = clock_now();
	}
	json_decref(b);
	if (rc)
		return rc;
	struct audit_tx *tx = NULL;
	rc = api_tx_begin(r);
	if (!rc)
		rc = store_user_insert(r->st, &u, &r->err);
	if (!rc)
		rc = api_tx_audit(r, &tx, "user.create", "user", u.id, NULL);
	u.pw_hash = NULL;
	sodium_memzero(hash, sizeof hash);
	if (rc == -HV_ECONFLICT) {
		err_clear(&r->err);
		rc = api_fail(r, HV_ECONFLICT, "username", "this username is taken");
	}
	rc = api_tx_end(r, rc, tx);
	return rc ? rc : api_reply(r, 201, api_user_json(&u));
}

/* Applies a validated PATCH body to u: the user_fields members, disabled, and a password
 * reset (hash given) that the user must replace at next sign-in. */
static int patch_user(struct req *r, const json_t *b, struct user *u, char *hash)
{
	json_t *disabled = json_object_get(b, "disabled");
	int rc = user_fields(r, b, u);
	if (!rc && disabled)
		u->disabled = json_is_true(disabled);
	if (!rc && hash) {
		u->pw_hash = hash;
		u->must_change_pw = 1; /* a reset password is known to the admin: the user replaces it */
	}
	u->updated_at = clock_now();
	return rc;
}

int api_users_patch(struct req *r)
{
	json_t *b;
	int rc = need(r, "user.manage");
	if (rc || (rc = api_body(r, &b)))
		return rc;
	static const char *const keys[] = {"role", "agency_id", "full_name", "locale", "disabled", "password", NULL};
	struct user u = {0}, cur = {0};
	char hash[PASSWORD_HASH_MAX];
	const char *password = NULL;
	json_t *disabled = json_object_get(b, "disabled");
	/* Validate and hash first (slow, outside the write lock) ... */
	rc = json_only_keys(b, keys, &r->err);
	if (!rc && store_user_get(r->st, r->params[0], &u, 0))
		rc = api_fail(r, HV_ENOTFOUND, NULL, "no such user");
	if (!rc)
		rc = user_fields(r, b, &u);
	if (!rc && disabled && !json_is_boolean(disabled))
		rc = api_fail(r, HV_EVALID, "disabled", "must be true or false");
	if (!rc && json_is_true(disabled) && !strcmp(u.id, r->user.id))
		rc = api_fail(r, HV_ECONFLICT, "disabled", "you cannot disable your own account");
	if (!rc)
		rc = api_text_member(r, b, "password", 0, 1024, &password);
	if (!rc && password)
		rc = password_policy(password, u.username, "password", &r->err);
	if (!rc && password && password_hash(password, hash))
		rc = api_fail(r, HV_ERATE, NULL, "the server is busy; try again in a second");
	/* ... then apply the change to the user as it is under the write lock, so a concurrent
	 * change (another admin, the user's own password change) is never silently undone. */
	struct audit_tx *tx = NULL;
	if (!rc)
		rc = api_tx_begin(r);
	if (!rc && store_user_get(r->st, r->params[0], &cur, 0))
		rc = api_fail(r, HV_ENOTFOUND, NULL, "no such user");
	struct user before = cur;
	if (!rc)
		rc = patch_user(r, b, &cur, password ? hash : NULL);
	int revoke = password || (cur.disabled && !before.disabled) || strcmp(cur.role, before.role) ||
		     strcmp(cur.agency_id, before.agency_id);
	if (!rc)
		rc = store_user_update(r->st, &cur, password != NULL, &r->err);
	if (!rc && revoke)
		rc = api_revoke_user(r, cur.id, NULL);
	if (!rc)
		rc = api_tx_audit(r, &tx, password ? "user.reset" : "user.update", "user", cur.id, NULL);
	cur.pw_hash = NULL;
	sodium_memzero(hash, sizeof hash);
	json_decref(b);
	rc = api_tx_end(r, rc, tx);
	return rc ? rc : api_reply(r, 200, api_user_json(&cur));
}
