/* match: record linkage inside Haven (docs/linkage.md). Which registered children a draft
 * registration may duplicate, which children a tracing request may be looking for, which
 * tracing requests may be looking for a child. The engine is core/link with the config
 * config/link/haven.json; this file fills its columns from the forms, keeps the linked data
 * in memory (rebuilt when records have changed since), and shapes each answer by what the
 * reader may see: a record they may read is named; one they may not is an agency to contact;
 * a sensitive one (hidden name) only "ask your supervisor". Every answer is audited, since
 * it says that a child is on record. */
#include "api.h"
#include "records.h"
#include "match.h"
#include "base/alloc.h"
#include "base/asset.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "core/link/link.h"
#include "core/perm.h"
#include "sec/token.h"
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Where each column of config/link/haven.json comes from: a path in a case's document, and in
 * one sought child of a tracing request (the item of tr_children; "^" reads the request). A
 * path is dot-separated; name[key=value] is the first item of a list whose key has value. */
static const struct source {
	const char *column, *in_case, *in_child;
} SOURCES[] = {
	{"first_name", "name_first", "name_first"},
	{"last_name", "name_last", "name_last"},
	{"father_name", "fam_members[relationship=father].name", "father_name"},
	{"mother_name", "fam_members[relationship=mother].name", "mother_name"},
	{"sex", "sex", "sex"},
	{"dob", "date_of_birth", "date_of_birth"},
	{"age", "age", "age"},
	{"recorded_on", "age_stated_on", "age_stated_on"},
	{"place", "location_area", "last_seen_area"},
};
#define NSOURCES (sizeof SOURCES / sizeof *SOURCES)

enum { ROW_CASE, ROW_CHILD };

/* One linked row: a case, or one sought child of a tracing request. */
struct row {
	char id[ID_LEN];
	uint8_t kind;
	uint8_t child;       /* the index in tr_children */
	uint8_t tracing;     /* consent to tracing on record, and for a request: not closed */
};

static struct matcher {
	pthread_mutex_t lock;
	int ready;            /* sp parsed */
	struct lk_spec sp;
	struct lk_data d;
	int built;
	struct row *row;
	size_t nrow, cap;
	int64_t stamp;        /* of the records the data was built from */
	size_t trained_rows;  /* rows of the last training here (0: the shipped model is in use) */
	double trained_lambda;
	int col[NSOURCES];    /* spec column of each source */
} M = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* ---- reading the forms ------------------------------------------------------------------- */

static const json_t *item_where(const json_t *list, const char *filter)
{
	char key[64];
	const char *eq = strchr(filter, '=');
	if (!eq || (size_t)(eq - filter) >= sizeof key)
		return NULL;
	snprintf(key, sizeof key, "%.*s", (int)(eq - filter), filter);
	size_t i, n = strcspn(eq + 1, "]");
	const json_t *it;
	json_array_foreach(list, i, it) {
		const char *v = json_get_str(it, key);
		if (v && strlen(v) == n && !strncmp(v, eq + 1, n))
			return it;
	}
	return NULL;
}

static const json_t *at_path(const json_t *doc, const char *path)
{
	char part[96];
	while (doc && *path) {
		size_t n = strcspn(path, ".");
		snprintf(part, sizeof part, "%.*s", (int)n, path);
		char *br = strchr(part, '[');
		if (br)
			*br = '\0';
		doc = json_object_get(doc, part);
		if (br)
			doc = item_where(doc, br + 1);
		path += n + (path[n] == '.');
	}
	return doc;
}

/* The text of a value for the engine: a string, a whole number, or a list's strings. */
static void value_text(const json_t *v, struct buf *out)
{
	size_t i;
	const json_t *it;
	if (json_is_string(v))
		buf_adds(out, json_string_value(v));
	else if (json_is_integer(v))
		buf_addf(out, "%lld", (long long)json_integer_value(v));
	else if (json_is_array(v))
		json_array_foreach(v, i, it) {
			if (json_is_string(it))
				buf_addf(out, "%s%s", out->len ? " " : "", json_string_value(it));
		}
}

/* Fills the columns of one row; a date of birth marked estimated keeps only its year (the
 * config's placeholder 01-01), so a guessed day is never taken as agreement. An age given
 * without the date it was stated on counts as stated on `stated` (the day the record was
 * made, or today for a draft). */
static long add_row(const json_t *doc, int child, const char *id, int query, const char *stated, struct buf *why)
{
	struct buf text[NSOURCES];
	const char *field[LK_MAX_COLS] = {0};
	for (size_t s = 0; s < NSOURCES; s++) {
		buf_init(&text[s], 0);
		value_text(at_path(doc, child ? SOURCES[s].in_child : SOURCES[s].in_case), &text[s]);
		if (!strcmp(SOURCES[s].column, "dob") && text[s].len == 10 &&
		    json_is_true(json_object_get(doc, "date_of_birth_estimated")))
			memcpy(text[s].p + 4, "-01-01", 6);
		if (!strcmp(SOURCES[s].column, "recorded_on") && !text[s].len)
			buf_adds(&text[s], stated);
		field[M.col[s]] = text[s].p;
	}
	long n = query ? lk_data_add_query(&M.d, id, field, why) : lk_data_add(&M.d, id, field, 0, why);
	for (size_t s = 0; s < NSOURCES; s++)
		buf_release(&text[s]);
	return n;
}

static void push_row(const char *id, int kind, int child, int tracing)
{
	if (M.nrow == M.cap)
		M.row = xreallocarray(M.row, M.cap = M.cap ? M.cap * 2 : 256, sizeof *M.row);
	struct row *w = &M.row[M.nrow++];
	snprintf(w->id, sizeof w->id, "%s", id);
	w->kind = (uint8_t)kind;
	w->child = (uint8_t)child;
	w->tracing = (uint8_t)tracing;
}

static int yes(const json_t *doc, const char *field)
{
	const char *v = json_get_str(doc, field);
	return v && !strcmp(v, "yes");
}

static int take(const struct record *rec, void *ctx)
{
	struct buf *why = ctx;
	json_t *doc = json_loads(rec->data, 0, NULL);
	char made[32];
	clock_iso(rec->created_at, made, sizeof made);
	made[10] = '\0';
	if (!strcmp(rec->type, "case")) {
		if (add_row(doc, 0, rec->id, 0, made, why) >= 0)
			push_row(rec->id, ROW_CASE, 0, yes(doc, "consent_for_tracing"));
	} else {
		size_t i;
		json_t *c;
		json_array_foreach(json_object_get(doc, "tr_children"), i, c) {
			if (i > 255 || add_row(c, 1, rec->id, 0, made, why) < 0)
				break;
			push_row(rec->id, ROW_CHILD, (int)i, yes(doc, "consent_for_tracing") && strcmp(rec->stage, "closed"));
		}
	}
	json_decref(doc);
	buf_reset(why); /* a record that cannot be reduced (bad UTF-8) is left out, not fatal */
	return 0;
}

/* ---- the linked data --------------------------------------------------------------------- */

static int setup(struct buf *why)
{
	const struct asset *a = asset_find("config/link/haven.json");
	if (!a || lk_spec_parse(&M.sp, (const char *)a->data, a->len, why))
		return -1;
	for (size_t s = 0; s < NSOURCES; s++)
		if ((M.col[s] = lk_spec_column(&M.sp, SOURCES[s].column)) < 0) {
			buf_addf(why, "config/link/haven.json has no column %s", SOURCES[s].column);
			return -1;
		}
	M.ready = 1;
	return 0;
}

/* Rows (cases and sought children) enough to train on; below it, or when training fails, the
 * parameters trained on synthetic children's records (config/link/haven_model.json) serve,
 * their prior rescaled to the register's size. */
#define TRAIN_MIN 20000

static int build(struct store *st, int64_t stamp, struct buf *why)
{
	if (M.built)
		lk_data_free(&M.d);
	M.built = 0;
	M.nrow = 0;
	if (lk_data_init(&M.d, &M.sp, why))
		return -1;
	if (store_record_each(st, "case", take, why) || store_record_each(st, "tracing_request", take, why)) {
		buf_adds(why, "cannot read the records");
		lk_data_free(&M.d);
		return -1;
	}
	lk_data_finish(&M.d, -1);
	struct buf report = BUF_INIT;
	const struct asset *model = asset_find("config/link/haven_model.json");
	/* Training takes seconds at this size: again only when the register has grown or shrunk by
	 * a fifth since; in between, the trained m and u serve and the prior follows the size. */
	int rc = -1;
	size_t n = M.d.n;
	if (n >= TRAIN_MIN && M.trained_rows && n * 5 < M.trained_rows * 6 && n * 5 > M.trained_rows * 4) {
		M.sp.lambda = fmin(0.5, M.trained_lambda * (double)M.trained_rows / (double)n);
		rc = 0;
	} else if (n >= TRAIN_MIN && !(rc = lk_train(&M.sp, &M.d, 1, &report, why))) {
		M.trained_rows = n;
		M.trained_lambda = M.sp.lambda;
	}
	if (rc && model) { /* too few to train on, or training failed (said in the log) */
		M.trained_rows = 0;
		if (why->len)
			log_event(LOG_WARN, "match", "training: %s; using the shipped model", why->p);
		buf_reset(why);
		rc = lk_model_load(&M.sp, (const char *)model->data, model->len, M.d.n, why);
	}
	buf_release(&report);
	if (rc) {
		lk_data_free(&M.d);
		return -1;
	}
	lk_data_shrink_tf(&M.d, &M.sp);
	M.built = 1;
	M.stamp = stamp;
	return 0;
}

/* Brings the data up to date with the store; with M.lock held. 0, or -HV_EIO (the store) or
 * -HV_EINTERNAL (the config or the model) with the reason in why. */
static int up_to_date(struct store *st, struct buf *why)
{
	int64_t a, b;
	if (store_record_stamp(st, "case", &a) || store_record_stamp(st, "tracing_request", &b)) {
		buf_adds(why, "cannot read the records");
		return -HV_EIO;
	}
	if ((!M.ready && setup(why)) || ((!M.built || M.stamp != a * 31 + b) && build(st, a * 31 + b, why)))
		return -HV_EINTERNAL;
	return 0;
}

static int refresh(struct req *r)
{
	struct buf why = BUF_INIT;
	int rc = up_to_date(r->st, &why);
	if (rc) /* configuration or storage trouble: the engine's words, never a child's data */
		log_event(LOG_ERROR, "match", "%s", why.p);
	buf_release(&why);
	if (rc == -HV_EIO)
		return api_fail(r, HV_EIO, NULL, "storage error");
	return rc ? api_fail(r, HV_EINTERNAL, NULL, "matching is not available") : 0;
}

/* ---- answers ----------------------------------------------------------------------------- */

#define LIST_MIN 0.05 /* candidates shown at all; "likely" from the config's threshold */
#define LIST_MAX 20

static int may_read(struct req *r, const char *type, const struct record *rec)
{
	const char *saved = r->rtype;
	r->rtype = type;
	int ok = records_may(r, "read", rec);
	r->rtype = saved;
	return ok;
}

/* A record whose names are hidden (sensitive) still shows them to the roles the form lets read
 * them. */
static int names_readable(struct req *r, const char *type, const json_t *doc)
{
	const char *saved = r->rtype;
	r->rtype = type;
	const struct formset *fs = records_formset(r);
	int ok = fs && form_field_readable(fs, "name_first", r->user.role, doc);
	r->rtype = saved;
	return ok;
}

static json_t *explanation(size_t a, size_t b)
{
	struct lk_part parts[LK_MAX_CMPS];
	lk_explain(&M.sp, &M.d, a, b, parts);
	json_t *list = json_array();
	for (int c = 0; c < M.sp.ncmp; c++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:f}", "comparison", parts[c].comparison, "level",
						      parts[c].level, "weight", round(parts[c].weight * 100) / 100));
	return json_pack("{s:f, s:o}", "prior", round(log2(M.sp.lambda / (1 - M.sp.lambda)) * 100) / 100, "parts", list);
}

/* One candidate as this reader may know it; NULL when it is gone. ids collects its id. */
static json_t *candidate(struct req *r, const struct lk_pair *p, size_t query, struct buf *ids)
{
	const struct row *w = &M.row[p->l];
	struct record rec;
	if (store_record_get(r->st, w->id, &rec) || rec.deleted) {
		record_release(&rec);
		return NULL;
	}
	const char *type = w->kind == ROW_CASE ? "case" : "tracing_request";
	json_t *out = json_pack("{s:f, s:b, s:s}", "probability", round(p->p * 1e4) / 1e4, "likely",
				p->p >= M.sp.threshold, "record_type", type);
	if (may_read(r, type, &rec)) {
		json_t *doc = json_loads(rec.data, 0, NULL);
		const json_t *src = w->kind == ROW_CASE ? doc : json_array_get(json_object_get(doc, "tr_children"), w->child);
		json_object_set_new(out, "id", json_string(rec.id));
		json_object_set_new(out, "display_id", json_string(rec.display_id));
		json_object_set_new(out, "agency", api_agencyref(r, rec.agency_id));
		if (w->kind == ROW_CHILD)
			json_object_set_new(out, "child", json_integer(w->child));
		if (!rec.name_hidden || names_readable(r, type, doc))
			json_object_set_new(out, "name", json_pack("{s:s?, s:s?}", "first", json_get_str(src, "name_first"),
								     "last", json_get_str(src, "name_last")));
		json_object_set_new(out, "explanation", explanation(p->l, query));
		json_decref(doc);
	} else if (rec.name_hidden) {
		json_object_set_new(out, "ask_supervisor", json_true());
	} else {
		json_object_set_new(out, "contact", api_agencyref(r, rec.agency_id));
	}
	buf_addf(ids, "%s%s", ids->len ? "," : "", rec.id); /* named or not, its existence was told */
	record_release(&rec);
	return out;
}

/* The rows matching row query that keep(row) accepts, best first, shaped for the reader; ids
 * collects the records listed. */
static json_t *ranked(struct req *r, size_t query, int (*keep)(const struct row *, const void *), const void *ctx,
		      struct buf *ids)
{
	struct lk_result res;
	lk_query(&M.sp, &M.d, query, LIST_MIN, &res);
	json_t *list = json_array();
	for (size_t k = 0; k < res.n && json_array_size(list) < LIST_MAX; k++) {
		if (res.pair[k].l >= M.nrow || !keep(&M.row[res.pair[k].l], ctx))
			continue;
		json_t *c = candidate(r, &res.pair[k], query, ids);
		if (c)
			json_array_append_new(list, c);
	}
	lk_result_free(&res);
	return list;
}

/* Marks the listed pairs a person has decided on ("decision": confirmed or rejected). */
static void annotate(json_t *items, const struct tracing_match *m, size_t n, const char *request_id, int child,
		     const char *case_id)
{
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		const char *id = json_get_str(it, "id");
		if (!id)
			continue; /* a record the reader may not read: its decisions are not theirs to see */
		const char *rq = request_id ? request_id : id, *cs = case_id ? case_id : id;
		int ch = request_id ? child : (int)json_integer_value(json_object_get(it, "child"));
		for (size_t k = 0; k < n; k++)
			if (m[k].child == ch && !strcmp(m[k].request_id, rq) && !strcmp(m[k].case_id, cs))
				json_object_set_new(it, "decision", json_string(m[k].status));
	}
}

static int is_other_case(const struct row *w, const void *self)
{
	return w->kind == ROW_CASE && (!self || strcmp(w->id, self));
}

static int is_traceable_case(const struct row *w, const void *unused)
{
	(void)unused;
	return w->kind == ROW_CASE && w->tracing;
}

static int is_open_request(const struct row *w, const void *unused)
{
	(void)unused;
	return w->kind == ROW_CHILD && w->tracing;
}

/* ---- rate limit of duplicate checks: each reveals whether a child is on record ----------- */

#define CHECKS_PER_MINUTE 30
#define RATE_USERS 256

static struct {
	char user[ID_LEN];
	int64_t minute;
	int count;
} rate[RATE_USERS];
static pthread_mutex_t rate_mu = PTHREAD_MUTEX_INITIALIZER;

static int rate_ok(const char *user)
{
	int64_t minute = clock_now() / 60;
	pthread_mutex_lock(&rate_mu);
	size_t slot = (size_t)(hash_bytes(user, strlen(user), 0) % RATE_USERS);
	if (strcmp(rate[slot].user, user) || rate[slot].minute != minute) {
		snprintf(rate[slot].user, sizeof rate[slot].user, "%s", user);
		rate[slot].minute = minute;
		rate[slot].count = 0;
	}
	int ok = ++rate[slot].count <= CHECKS_PER_MINUTE;
	pthread_mutex_unlock(&rate_mu);
	return ok;
}

/* ---- handlers ---------------------------------------------------------------------------- */

/* POST /api/v1/cases/duplicates {"data": {...}}: the registered children a draft may be. */
int api_cases_duplicates(struct req *r)
{
	json_t *b = NULL;
	if (!perm_allows(&r->user, "case.create"))
		return api_fail(r, HV_EFORBID, NULL, "you may not register cases");
	if (api_body(r, &b))
		return -1;
	const json_t *data = json_object_get(b, "data");
	int rc = 0;
	if (!json_is_object(data) || json_object_size(b) != 1) {
		rc = api_fail(r, HV_EVALID, "data", "give the draft's fields as {\"data\": {...}}");
	} else if (!rate_ok(r->user.id)) {
		r->retry_after = 60;
		rc = api_fail(r, HV_ERATE, NULL, "too many duplicate checks; try again in a minute");
	}
	if (rc) {
		json_decref(b);
		return rc;
	}
	struct buf ids = BUF_INIT, why = BUF_INIT;
	pthread_mutex_lock(&M.lock);
	if (!(rc = refresh(r))) {
		char today[11];
		clock_today_iso(today);
		long q = add_row(data, 0, "", 1, today, &why);
		if (q < 0) {
			rc = api_fail(r, HV_EVALID, "data", "names must be valid UTF-8");
		} else {
			json_t *items = ranked(r, (size_t)q, is_other_case, NULL, &ids);
			lk_data_pop(&M.d);
			pthread_mutex_unlock(&M.lock);
			api_audit_read(r, "case.duplicate_check", "case", ids.len ? ids.p : NULL, NULL);
			rc = api_reply(r, 200, json_pack("{s:o}", "items", items));
			goto out;
		}
	}
	pthread_mutex_unlock(&M.lock);
out:
	buf_release(&ids);
	buf_release(&why);
	json_decref(b);
	return rc;
}

/* The rows of one record in M (a case's one, or a request's children), by record id. */
static size_t rows_of(const char *id, size_t *first)
{
	size_t n = 0;
	for (size_t i = 0; i < M.nrow; i++)
		if (!strcmp(M.row[i].id, id)) {
			if (!n)
				*first = i;
			n++;
		}
	return n;
}

/* GET /api/v1/cases/{id}/matches: tracing requests that may be looking for this child. */
int api_case_matches(struct req *r)
{
	struct record rec;
	const char *reason = NULL;
	if (records_load(r, "read", &rec, &reason))
		return -1;
	json_t *doc = json_loads(rec.data, 0, NULL);
	int rc = 0, consent = yes(doc, "consent_for_tracing");
	json_decref(doc);
	if (!consent) {
		record_release(&rec);
		return api_fail(r, HV_ECONFLICT, "consent_for_tracing",
				"this child's consent to tracing is not on record, so the case is not matched");
	}
	struct buf ids = BUF_INIT;
	json_t *items = NULL;
	pthread_mutex_lock(&M.lock);
	size_t first = 0;
	if (!(rc = refresh(r)) && rows_of(rec.id, &first))
		items = ranked(r, first, is_open_request, NULL, &ids);
	pthread_mutex_unlock(&M.lock);
	struct tracing_match *dec = NULL;
	size_t ndec = 0;
	if (!rc && store_tracing_match_list(r->st, NULL, rec.id, &dec, &ndec))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc && items)
		annotate(items, dec, ndec, NULL, 0, rec.id);
	tracing_match_list_free(dec, ndec);
	if (!rc) {
		api_audit_read(r, "case.matches", "case", rec.id, reason);
		if (ids.len)
			api_audit_read(r, "tracing_request.match_read", "tracing_request", ids.p, NULL);
		rc = api_reply(r, 200, json_pack("{s:o}", "items", items ? items : json_array()));
	} else {
		json_decref(items);
	}
	buf_release(&ids);
	record_release(&rec);
	return rc;
}

/* GET /api/v1/tracing_requests/{id}/matches: for each sought child, the registered children
 * with consent to tracing who may be that child. */
int api_tracing_matches(struct req *r)
{
	struct record rec;
	const char *reason = NULL;
	if (records_load(r, "read", &rec, &reason))
		return -1;
	json_t *doc = json_loads(rec.data, 0, NULL);
	int consent = yes(doc, "consent_for_tracing");
	json_decref(doc);
	if (!consent) {
		record_release(&rec);
		return api_fail(r, HV_ECONFLICT, "consent_for_tracing", "the inquirer's consent to tracing is not on record");
	}
	struct buf ids = BUF_INIT;
	json_t *children = json_array();
	int rc;
	pthread_mutex_lock(&M.lock);
	size_t first = 0, n = 0;
	if (!(rc = refresh(r)))
		n = rows_of(rec.id, &first);
	for (size_t k = 0; k < n; k++)
		json_array_append_new(children, json_pack("{s:i, s:o}", "child", M.row[first + k].child, "matches",
							  M.row[first + k].tracing ? ranked(r, first + k, is_traceable_case,
											    rec.id, &ids)
										   : json_array()));
	pthread_mutex_unlock(&M.lock);
	struct tracing_match *dec = NULL;
	size_t ndec = 0, i;
	json_t *c;
	if (!rc && store_tracing_match_list(r->st, rec.id, NULL, &dec, &ndec))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	json_array_foreach(children, i, c) {
		if (!rc)
			annotate(json_object_get(c, "matches"), dec, ndec, rec.id, (int)json_integer_value(json_object_get(c, "child")), NULL);
	}
	tracing_match_list_free(dec, ndec);
	if (!rc) {
		api_audit_read(r, "tracing_request.matches", "tracing_request", rec.id, reason);
		if (ids.len)
			api_audit_read(r, "case.match_read", "case", ids.p, NULL);
		rc = api_reply(r, 200, json_pack("{s:o}", "children", children));
	} else {
		json_decref(children);
	}
	buf_release(&ids);
	record_release(&rec);
	return rc;
}

/* The probability the model gives the pair (case, sought child), or 0 when either is not
 * linked (no consent to tracing is not a reason: the decision records what was shown). */
static double pair_probability(const char *case_id, const char *request_id, int child)
{
	size_t a = SIZE_MAX, b = SIZE_MAX;
	for (size_t i = 0; i < M.nrow; i++) {
		if (M.row[i].kind == ROW_CASE && !strcmp(M.row[i].id, case_id))
			a = i;
		if (M.row[i].kind == ROW_CHILD && M.row[i].child == child && !strcmp(M.row[i].id, request_id))
			b = i;
	}
	if (a == SIZE_MAX || b == SIZE_MAX)
		return 0;
	int8_t g[LK_MAX_CMPS];
	lk_gamma(&M.sp, &M.d, a, b, g);
	return lk_probability(lk_weight(&M.sp, &M.d, a, b, g));
}

static void match_ref(const char *request_display, int child, char ref[24])
{
	snprintf(ref, 24, "trace:%.14s/%d", request_display, child);
}

static const char *const DECISIONS[] = {"confirmed", "rejected", NULL};

/* Checks the body and loads both records: the request for update, the case for reading, each
 * with consent to tracing on record. */
static int decision_records(struct req *r, const json_t *b, struct tracing_match *m, struct record *req,
			    struct record *cs)
{
	const char *case_id, *decision, *note, *reason = NULL;
	const json_t *child = json_object_get(b, "child");
	static const char *const keys[] = {"child", "case_id", "decision", "note", NULL};
	if (json_only_keys(b, keys, &r->err))
		return api_fail(r, HV_EVALID, r->err.field.p, "unknown field");
	if (!json_is_integer(child) || json_integer_value(child) < 0 || json_integer_value(child) > 255)
		return api_fail(r, HV_EVALID, "child", "the number of the sought child, from 0");
	if (api_text_member(r, b, "case_id", 1, 36, &case_id) || api_enum_member(r, b, "decision", DECISIONS, &decision) ||
	    api_text_member(r, b, "note", 0, 2000, &note) || records_load_for(r, "update", req, &reason))
		return -1;
	m->child = (int)json_integer_value(child);
	snprintf(m->case_id, sizeof m->case_id, "%s", case_id);
	snprintf(m->status, sizeof m->status, "%s", decision);
	m->note = xstrdup(note ? note : "");
	json_t *doc = json_loads(req->data, 0, NULL);
	int has_child = json_array_get(json_object_get(doc, "tr_children"), (size_t)m->child) != NULL;
	int consent = yes(doc, "consent_for_tracing");
	json_decref(doc);
	if (!has_child)
		return api_fail(r, HV_EVALID, "child", "this tracing request has no sought child %d", m->child);
	if (!consent)
		return api_fail(r, HV_ECONFLICT, "consent_for_tracing", "the inquirer's consent to tracing is not on record");
	const char *saved = r->rtype;
	r->rtype = "case";
	int rc = records_load_id(r, case_id, "read", cs, &reason);
	r->rtype = saved;
	if (rc)
		return -1;
	doc = json_loads(cs->data, 0, NULL);
	consent = yes(doc, "consent_for_tracing");
	json_decref(doc);
	if (!consent)
		return api_fail(r, HV_ECONFLICT, "consent_for_tracing", "this child's consent to tracing is not on record");
	return 0;
}

/* POST /api/v1/tracing_requests/{id}/matches {"child", "case_id", "decision", "note"}: a person
 * decides that a sought child is, or is not, the child of a case. Confirming starts the case's
 * reunification tasks (the workflow's match_confirmed rules); undoing a confirmation ends them. */
int api_tracing_match_decide(struct req *r)
{
	json_t *b = NULL;
	struct record req = {0}, cs = {0};
	struct tracing_match m = {0}, *prev = NULL;
	struct audit_tx *tx = NULL;
	size_t nprev = 0;
	char ref[24], ids[2 * ID_LEN + 1];
	int rc = api_body(r, &b);
	if (!rc)
		rc = decision_records(r, b, &m, &req, &cs);
	if (!rc) {
		pthread_mutex_lock(&M.lock);
		if (!(rc = refresh(r)))
			m.probability = pair_probability(cs.id, req.id, m.child);
		pthread_mutex_unlock(&M.lock);
	}
	if (!rc) {
		token_uuid(m.id);
		snprintf(m.request_id, sizeof m.request_id, "%s", req.id);
		snprintf(m.decided_by, sizeof m.decided_by, "%s", r->user.id);
		m.decided_at = clock_now();
		match_ref(req.display_id, m.child, ref);
		snprintf(ids, sizeof ids, "%s,%s", req.id, cs.id);
		rc = api_tx_begin(r);
	}
	if (!rc && store_tracing_match_list(r->st, req.id, NULL, &prev, &nprev))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	int was_confirmed = 0;
	for (size_t i = 0; !rc && i < nprev; i++)
		was_confirmed |= prev[i].child == m.child && !strcmp(prev[i].case_id, cs.id) && !strcmp(prev[i].status, "confirmed");
	if (!rc && store_tracing_match_put(r->st, &m))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc)
		rc = records_event(r, req.id, "tracing", "tracing_match",
				   json_pack("{s:i, s:s, s:s}", "child", m.child, "case_id", cs.id, "status", m.status));
	if (!rc)
		rc = records_event(r, cs.id, "tracing", "tracing_match",
				   json_pack("{s:s, s:i, s:s}", "request_id", req.id, "child", m.child, "status", m.status));
	const char *saved = r->rtype;
	r->rtype = "case"; /* the tasks are the case's workflow's */
	if (!rc && !strcmp(m.status, "confirmed") && !was_confirmed) /* again (a new note): tasks as they are */
		rc = records_event_task(r, cs.id, "match_confirmed", ref, NULL, NULL);
	else if (!rc && was_confirmed)
		rc = records_event_task_close(r, cs.id, "match_confirmed", ref, "cancelled");
	r->rtype = saved;
	if (!rc)
		rc = api_tx_audit(r, &tx, "tracing_request.match_decide", "tracing_request", ids, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = api_reply(r, 200, json_pack("{s:s, s:i, s:s, s:s, s:f, s:s, s:o}", "request_id", req.id, "child", m.child,
						 "case_id", cs.id, "decision", m.status, "probability",
						 round(m.probability * 1e4) / 1e4, "note", m.note, "decided_at",
						 api_time(m.decided_at)));
	tracing_match_list_free(prev, nprev);
	free(m.note);
	record_release(&req);
	record_release(&cs);
	json_decref(b);
	return rc;
}

int match_dedup_cases(struct store *st, double threshold, int threads,
		      int (*fn)(const char *a_id, const char *b_id, double p, void *ctx), void *ctx, struct buf *why)
{
	pthread_mutex_lock(&M.lock);
	int rc = up_to_date(st, why);
	if (!rc) {
		struct lk_result res;
		lk_predict(&M.sp, &M.d, 0, threshold, threads, &res);
		for (size_t k = 0; !rc && k < res.n; k++) {
			const struct row *x = &M.row[res.pair[k].l], *y = &M.row[res.pair[k].r];
			if (x->kind != ROW_CASE || y->kind != ROW_CASE)
				continue;
			int first = strcmp(x->id, y->id) < 0;
			rc = fn(first ? x->id : y->id, first ? y->id : x->id, res.pair[k].p, ctx);
		}
		lk_result_free(&res);
	}
	pthread_mutex_unlock(&M.lock);
	return rc;
}

/* ---- the duplicate review queue ---------------------------------------------------------- */

static json_t *dup_json(struct req *r, const struct dup_pair *p, const struct record *a, const struct record *b)
{
	json_t *side[2];
	const struct record *recs[2] = {a, b};
	for (int k = 0; k < 2; k++) {
		json_t *doc = json_loads(recs[k]->data, 0, NULL);
		side[k] = json_pack("{s:s, s:s, s:o}", "id", recs[k]->id, "display_id", recs[k]->display_id, "agency",
				    api_agencyref(r, recs[k]->agency_id));
		if (!recs[k]->name_hidden || names_readable(r, "case", doc))
			json_object_set_new(side[k], "name", json_pack("{s:s?, s:s?}", "first", json_get_str(doc, "name_first"),
									"last", json_get_str(doc, "name_last")));
		json_decref(doc);
	}
	return json_pack("{s:s, s:f, s:s, s:o, s:o, s:o}", "id", p->id, "probability", round(p->probability * 1e4) / 1e4,
			 "status", p->status, "found_at", api_time(p->found_at), "a", side[0], "b", side[1]);
}

/* Both cases of a pair, when the user may merge both (the queue is for those who decide). */
static int dup_cases(struct req *r, const struct dup_pair *p, struct record *a, struct record *b)
{
	const char *saved = r->rtype;
	r->rtype = "case";
	int ok = !store_record_get(r->st, p->a_id, a) && !store_record_get(r->st, p->b_id, b) && !a->deleted &&
		 !b->deleted && records_may(r, "merge", a) && records_may(r, "merge", b);
	r->rtype = saved;
	return ok;
}

/* GET /api/v1/duplicates: the open pairs the user may decide on, likeliest first (at most 200). */
int api_duplicates_list(struct req *r)
{
	if (!perm_allows(&r->user, "case.merge"))
		return api_fail(r, HV_EFORBID, NULL, "you may not merge cases");
	struct dup_pair *p = NULL;
	size_t n = 0;
	if (store_dup_list(r->st, "open", &p, &n))
		return api_fail(r, HV_EIO, NULL, "storage error");
	json_t *items = json_array();
	struct buf ids = BUF_INIT;
	for (size_t i = 0; i < n && json_array_size(items) < 200; i++) {
		struct record a = {0}, b = {0};
		if (dup_cases(r, &p[i], &a, &b)) {
			json_array_append_new(items, dup_json(r, &p[i], &a, &b));
			buf_addf(&ids, "%s%s,%s", ids.len ? "," : "", a.id, b.id);
		}
		record_release(&a);
		record_release(&b);
	}
	free(p);
	api_audit_read(r, "case.duplicates_list", "case", ids.len ? ids.p : NULL, NULL);
	buf_release(&ids);
	return api_reply(r, 200, json_pack("{s:o}", "items", items));
}

/* PATCH /api/v1/duplicates/{id} {"status": "dismissed"}: two children after all. (A merge
 * through POST /cases/{id}/merge closes its pair as merged.) */
int api_duplicates_patch(struct req *r)
{
	struct dup_pair p;
	struct record a = {0}, b = {0};
	struct audit_tx *tx = NULL;
	json_t *body = NULL;
	const char *status;
	static const char *const allowed[] = {"dismissed", NULL};
	static const char *const keys[] = {"status", NULL};
	char ids[2 * ID_LEN + 1];
	int rc = store_dup_get(r->st, r->params[0], &p);
	if (rc)
		return api_fail(r, rc == -HV_ENOTFOUND ? HV_ENOTFOUND : HV_EIO, NULL,
				rc == -HV_ENOTFOUND ? "no such pair" : "storage error");
	if (!dup_cases(r, &p, &a, &b))
		rc = api_fail(r, HV_ENOTFOUND, NULL, "no such pair");
	if (!rc)
		rc = api_body(r, &body);
	if (!rc && json_only_keys(body, keys, &r->err))
		rc = api_fail(r, HV_EVALID, r->err.field.p, "unknown field");
	if (!rc)
		rc = api_enum_member(r, body, "status", allowed, &status);
	if (!rc && strcmp(p.status, "open"))
		rc = api_fail(r, HV_ECONFLICT, "status", "this pair has been decided already");
	if (!rc)
		rc = api_tx_begin(r);
	if (!rc && store_dup_decide(r->st, a.id, b.id, status, r->user.id, clock_now()))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	snprintf(ids, sizeof ids, "%s,%s", a.id, b.id);
	if (!rc)
		rc = api_tx_audit(r, &tx, "case.duplicate_dismiss", "case", ids, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc) {
		snprintf(p.status, sizeof p.status, "%s", status);
		rc = api_reply(r, 200, dup_json(r, &p, &a, &b));
	}
	json_decref(body);
	record_release(&a);
	record_release(&b);
	return rc;
}
