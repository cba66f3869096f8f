/* tokens: API tokens for scripts and integrations. The secret is shown once, at creation;
 * the store keeps only its hash. Tokens expire (default 90 days, at most a year). */
#include "api.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/text.h"
#include "sec/token.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

int api_tokens_create(struct req *r)
{
	json_t *b;
	int rc = api_body(r, &b);
	if (rc)
		return rc;
	static const char *const keys[] = {"name", "expires_in_days", NULL};
	json_t *name = json_object_get(b, "name"), *days = json_object_get(b, "expires_in_days");
	rc = json_only_keys(b, keys, &r->err);
	if (!rc && name && (!json_is_string(name) || text_codepoints(json_string_value(name)) > 100 ||
			    !text_valid_utf8(json_string_value(name), json_string_length(name))))
		rc = api_fail(r, HV_EVALID, "name", "must be text of at most 100 characters");
	if (!rc && days && (!json_is_integer(days) || json_integer_value(days) < 1 || json_integer_value(days) > 365))
		rc = api_fail(r, HV_EVALID, "expires_in_days", "must be a whole number from 1 to 365");
	struct token t = {0};
	token_uuid(t.id);
	snprintf(t.name, sizeof t.name, "%s", name ? json_string_value(name) : "");
	t.created_at = clock_now();
	t.expires_at = t.created_at + (days ? json_integer_value(days) : 90) * 86400;
	json_decref(b);
	if (rc)
		return rc;
	char secret[TOKEN_LEN], hash[65];
	token_new(secret);
	token_hash(secret, hash);
	struct audit_tx *tx = NULL;
	rc = api_tx_begin(r);
	if (!rc && store_token_insert(r->st, hash, r->user.id, &t))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc)
		rc = api_tx_audit(r, &tx, "token.create", "token", t.id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = api_reply(r, 201, json_pack("{s:s,s:s,s:s,s:o,s:o}", "id", t.id, "token", secret, "name", t.name,
						 "created_at", api_time(t.created_at), "expires_at",
						 api_time(t.expires_at)));
	sodium_memzero(secret, sizeof secret);
	return rc;
}

int api_tokens_list(struct req *r)
{
	struct token *list;
	size_t n;
	if (store_token_list(r->st, r->user.id, &list, &n))
		return api_fail(r, HV_EIO, NULL, "storage error");
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:s,s:s,s:o,s:o}", "id", list[i].id, "name", list[i].name,
						       "created_at", api_time(list[i].created_at), "expires_at",
						       api_time(list[i].expires_at)));
	free(list);
	return api_reply(r, 200, json_pack("{s:o}", "items", items));
}

int api_tokens_delete(struct req *r)
{
	struct audit_tx *tx = NULL;
	int rc = api_tx_begin(r);
	if (rc)
		return rc;
	rc = store_token_delete(r->st, r->user.id, r->params[0]);
	if (rc == -HV_ENOTFOUND)
		rc = api_fail(r, HV_ENOTFOUND, NULL, "no such token");
	if (!rc)
		rc = api_tx_audit(r, &tx, "token.delete", "token", r->params[0], NULL);
	rc = api_tx_end(r, rc, tx);
	return rc ? rc : api_reply(r, 204, NULL);
}
