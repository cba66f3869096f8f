/* audit_api: reading the audit trail — administrators see all of it, supervisors the entries
 * of their agency's users and records (break-glass reads of their children included). */
#include "api.h"
#include "base/clock.h"
#include "base/json.h"
#include "core/perm.h"
#include "sec/audit.h"
#include "sec/token.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int parse_since(const char *s, int64_t *ms)
{
	int y, m, d, H = 0, M = 0, S = 0;
	char date[11];
	if (strlen(s) < 10)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (clock_parse_date(date, &y, &m, &d))
		return -1;
	if (s[10] && (strlen(s) != 20 || s[10] != 'T' || s[19] != 'Z' ||
		      sscanf(s + 11, "%2d:%2d:%2d", &H, &M, &S) != 3 || H > 23 || M > 59 || S > 59))
		return -1;
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = H, .tm_min = M, .tm_sec = S};
	*ms = (int64_t)timegm(&tm) * 1000;
	return 0;
}

static json_t *ids_json(const char *ids)
{
	json_t *a = json_array();
	for (const char *p = ids; p && *p;) {
		const char *end = strchr(p, ',');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, n));
		p += n + (end != NULL);
	}
	return a;
}

int api_audit_list(struct req *r)
{
	struct scope sc;
	if (perm_scope(&r->user, "audit.read", &sc, NULL))
		return api_fail(r, HV_EFORBID, NULL, "your role may not read the audit trail");
	struct audit_query q = {0};
	const char *rid = r->query(r->conn, "record_id"), *user = r->query(r->conn, "user"),
		   *since = r->query(r->conn, "since"), *action = r->query(r->conn, "action");
	int rc = api_page(r, NULL, &q.page, &q.per);
	if (!rc && rid && !token_is_uuid(rid))
		rc = api_fail(r, HV_EVALID, "record_id", "must be a record id");
	char uid[ID_LEN];
	struct user u = {0};
	if (!rc && user && !token_is_uuid(user)) { /* a username: look its id up */
		if (store_user_by_name(r->st, user, &u, 0))
			rc = api_fail(r, HV_EVALID, "user", "no such user");
		memcpy(uid, u.id, sizeof uid);
		user = uid;
	}
	if (!rc && since && parse_since(since, &q.since_ms))
		rc = api_fail(r, HV_EVALID, "since", "must be a date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM:SSZ)");
	if (rc)
		return rc;
	if (!rc && action && (strlen(action) > 47 || strspn(action, "abcdefghijklmnopqrstuvwxyz._") != strlen(action)))
		rc = api_fail(r, HV_EVALID, "action", "must be an action name such as case.read.break_glass");
	if (rc)
		return rc;
	q.action = action;
	q.record_id = rid;
	q.user_id = user;
	q.agency_id = sc.kind == SCOPE_ALL ? NULL : r->user.agency_id;
	audit_flush(); /* pending read entries first, so the list is complete and in commit order */
	struct audit_entry *list;
	size_t n;
	int64_t total;
	if (store_audit_query(r->st, &q, &list, &n, &total))
		return api_fail(r, HV_EIO, NULL, "storage error");
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++) {
		struct audit_entry *a = &list[i];
		struct userref who = {0};
		if (*a->user_id)
			store_userref_get(r->st, a->user_id, &who);
		json_t *row = json_pack("{s:I,s:o,s:s,s:s,s:s,s:s,s:s,s:o}", "seq", (json_int_t)a->seq, "at",
					api_time(a->at_ms / 1000), "user_id", a->user_id, "username", who.username,
					"client", a->client, "action", a->action, "record_type", a->record_type,
					"record_ids", ids_json(a->record_ids));
		json_object_set_new(row, "reason", a->reason ? json_string(a->reason) : json_null());
		json_array_append_new(items, row);
	}
	audit_list_free(list, n);
	return api_reply(r, 200, json_pack("{s:o,s:I,s:i,s:i}", "items", items, "total", (json_int_t)total, "page",
					   q.page, "per", q.per));
}
