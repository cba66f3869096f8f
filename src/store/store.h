/* store: Haven's backend-neutral storage interface. Everything above the store speaks in
 * these structs and operations; only store_<backend>.c knows SQL. A handle is used by one
 * thread at a time. Writes happen between store_begin(st, 1) and store_commit; a failed
 * operation leaves the transaction for the caller to roll back. Strings in result structs
 * are owned by the struct and freed by its *_release function. */
#ifndef HV_STORE_H
#define HV_STORE_H
#include <stddef.h>
#include <stdint.h>
#include "base/err.h"

#define ID_LEN 37 /* UUID text + NUL */

/* Text fields hold their limit in code points: 4 bytes each, plus the NUL. */
struct agency {
	char id[ID_LEN];
	char name[801];
	char type[32];
	char code[8];
	int64_t created_at;
};

struct user {
	char id[ID_LEN];
	char username[65];
	char full_name[801];
	char role[32];
	char agency_id[ID_LEN];
	char agency_name[801];
	char locale[16];
	char *pw_hash; /* owned; NULL unless asked for */
	int disabled;
	int must_change_pw;
	int64_t created_at, updated_at;
};

struct session {
	char user_id[ID_LEN];
	char csrf[64];
	int64_t created_at, last_seen;
	int is_token; /* 1 when it came from an API token */
	char token_id[ID_LEN];
	int64_t expires_at;
};

struct token {
	char id[ID_LEN];
	char name[401];
	int64_t created_at, expires_at;
};

struct userref {
	char id[ID_LEN];
	char username[65];
	char full_name[801];
};

struct record {
	char id[ID_LEN];
	char display_id[24];
	char type[16];
	char status[16];
	char risk_level[8];
	char owner_id[ID_LEN];
	char agency_id[ID_LEN];
	char created_by[ID_LEN];
	int64_t version;
	int64_t created_at, updated_at;
	int deleted;
	char stage[32];      /* workflow stage */
	int name_hidden;     /* the name is readable only by some roles */
	char *data;          /* JSON document text, owned */
	char *form_versions; /* {"form": version} it was last written under, owned */
	char *search_key;    /* folded search text (write only), owned */
	char *hidden_key;    /* folded names of a name_hidden record (write only), owned */
	char *sort_name;     /* folded name for sorting (write only), owned */
};

/* Who may see what, in the store's terms (built by core/perm from the policy table). */
enum scope_kind { SCOPE_NONE, SCOPE_OWN, SCOPE_ASSIGNED, SCOPE_AGENCY, SCOPE_ALL };
struct scope {
	enum scope_kind kind;
	const char *user_id;
	const char *agency_id;
	int64_t created_after; /* 0 = no limit; with SCOPE_OWN, only records created after */
};

struct record_query {
	struct scope scope;
	const char *type;       /* "case" */
	const char *status;     /* NULL = any */
	const char *stage;      /* NULL = any */
	int hidden_names;       /* the text query may match names of name_hidden records */
	const char *risk_level; /* NULL = any */
	int mine;               /* owner or assigned is the user in scope.user_id */
	const char *q;          /* folded substring, NULL = no text filter */
	const char *sort;       /* validated key: updated_at, -updated_at, created_at, ... */
	int page, per;
};

struct record_list {
	struct record *items;
	size_t n;
	int64_t total;
};

struct history_entry {
	int64_t at;
	char user_id[ID_LEN];
	char username[65];
	char action[16];
	char field[64];
	char *old_value, *new_value; /* JSON text or NULL */
};

struct note {
	char id[ID_LEN];
	char record_id[ID_LEN];
	char author_id[ID_LEN];
	char date[11];
	char *text;
	int64_t created_at;
	struct userref author;
};

struct audit_entry {
	int64_t seq;
	int64_t at_ms;
	char user_id[ID_LEN];   /* empty when not signed in */
	char actor_hash[65];    /* hash of a typed-in unknown username, else empty */
	char client[64];
	char action[48];
	char record_type[16];
	char *record_ids;       /* comma-separated ids, owned, may be NULL */
	char *reason;           /* break-glass reason, owned, may be NULL */
	char prev_hash[65];
	char hash[65];
	int malformed; /* a stored value did not read back whole (too long, NUL, wrong type) */
};

struct audit_query {
	const char *record_id, *user_id, *agency_id; /* agency: entries by its users or on its records */
	const char *action;                           /* exact action, e.g. case.read.break_glass */
	int64_t since_ms;
	int page, per;
};

struct audit_seal {
	int64_t seq;
	char hash[65];
	char sig[129];
	int64_t at_ms;
};

/* A configuration document (see core/schema.h): a form, a lookup or a workflow. */
struct config_doc {
	char kind[16];
	char name[64];
	int64_t version;
	char *body;    /* JSON text, owned */
	char *shipped; /* the shipped text it was last synced from, '' if made here; owned */
	int64_t updated_at;
	char updated_by[ID_LEN];
};

/* An administrative area: p-code, level (0 = country), parent p-code, names by locale. */
struct location {
	char pcode[32];
	int level;
	char parent[32];
	char *names; /* JSON {"en": ...}, owned */
};

struct task {
	char id[ID_LEN];
	char record_id[ID_LEN];
	char display_id[24];
	char record_type[16];
	char rule[64];
	char ref[24];
	char *title; /* owned; may hold case data (a plan goal) */
	char due_on[11];
	char status[12]; /* open, done, cancelled */
	int64_t created_at, done_at;
	char done_by[ID_LEN];
};

struct task_query {
	struct scope scope; /* over the tasks' records */
	const char *status; /* NULL = any */
	const char *due_before; /* YYYY-MM-DD: due strictly before (overdue), or NULL */
	const char *record_id;  /* NULL = any */
	int page, per;
};

struct approval {
	char id[ID_LEN];
	char record_id[ID_LEN];
	char kind[32];
	char to_stage[32];
	char status[12]; /* pending, approved, rejected */
	char requested_by[ID_LEN];
	int64_t requested_at;
	char decided_by[ID_LEN];
	int64_t decided_at;
	char *comment; /* owned */
};

struct attachment {
	char id[ID_LEN];
	char record_id[ID_LEN];
	char field[64];
	char content_type[48];
	int64_t size;
	char sha256[65];
	unsigned char *data; /* owned; NULL unless asked for */
	char created_by[ID_LEN];
	int64_t created_at;
};

/* A link between two records (record fields): the other record, and the field that links. */
struct record_link {
	char id[ID_LEN];
	char display_id[24];
	char type[16];
	char field[64];
};

/* A screening: the tool (and version) used, the answers, the assent and the result (JSON). */
struct screening {
	char id[ID_LEN];
	char tool[64];
	int64_t tool_version;
	char record_id[ID_LEN]; /* "" until attached to a case */
	char agency_id[ID_LEN];
	char created_by[ID_LEN];
	int64_t created_at;
	char *answers, *assent, *result; /* JSON text, owned */
};

/* A person's decision on a tracing match: sought child `child` of tracing request request_id
 * is (status "confirmed") or is not ("rejected") the child of case case_id. */
struct tracing_match {
	char id[ID_LEN];
	char request_id[ID_LEN];
	int child;
	char case_id[ID_LEN];
	char status[12];
	double probability;
	char *note; /* owned */
	char decided_by[ID_LEN];
	int64_t decided_at;
};

/* A merge of case merged_id into kept_id (see 0006_matching.sql); JSON texts owned. */
struct merge {
	char id[ID_LEN];
	char kept_id[ID_LEN], merged_id[ID_LEN];
	char *set_values, *before_values, *conflicts;
	int64_t kept_version;
	char merged_by[ID_LEN];
	int64_t merged_at;
	char undone_by[ID_LEN];
	int64_t undone_at;
};

/* A pair of cases a batch run found likely to be one child (a_id < b_id), for review. */
struct dup_pair {
	char id[ID_LEN];
	char a_id[ID_LEN], b_id[ID_LEN];
	double probability;
	int64_t found_at;
	char status[12]; /* open, merged, dismissed */
	char decided_by[ID_LEN];
	int64_t decided_at;
};

/* A service of the directory; languages and data are JSON text (owned). */
struct service {
	char id[ID_LEN];
	char agency_id[ID_LEN];
	char name[801];
	char type[48];
	char pcode[32];
	char *languages, *data;
	int active;
	int64_t version, created_at, updated_at;
	int rank; /* search: 0 in the asked area, 1 its parent, 2 the grandparent ... */
};

/* type: a service type, or NULL for all; chain: the asked area and the areas above it (at
 * most 8 count; nchain 0: anywhere); language: a code the service must offer, or NULL. */
struct service_query {
	const char *type;
	const char *const *chain;
	size_t nchain;
	const char *language;
	int page, per;
};

/* A consent or refusal on a case (core/consent.h); purposes, agencies and withdrawn are JSON
 * arrays, data holds the giver's name, a note and reasons (all owned). */
struct consent {
	char id[ID_LEN];
	char record_id[ID_LEN];
	char giver[16];
	char decision[12];
	char method[12];
	char given_on[11];
	char *purposes, *agencies, *withdrawn, *data;
	int64_t withdrawn_at;
	char withdrawn_by[ID_LEN];
	char created_by[ID_LEN];
	int64_t created_at;
};

/* A referral of a case to a service; share is a JSON array of form ids, data holds the note,
 * the override reason and the provider's answers (owned). display_id and service_name are
 * read with it. */
struct referral {
	char id[ID_LEN];
	char record_id[ID_LEN];
	char display_id[24];
	char service_id[ID_LEN];
	char service_name[801];
	char to_agency_id[ID_LEN];
	char from_agency_id[ID_LEN];
	char referred_by[ID_LEN];
	char referrer_role[32];
	char status[20]; /* pending, accepted, declined, completed, cancelled, consent_withdrawn */
	char respond_by[11];
	char *share, *data;
	int64_t version, created_at, updated_at;
};

/* Referrals to an agency (inbox), from an agency or by a user (sent), or of a case. */
struct referral_query {
	const char *record_id, *to_agency_id, *from_agency_id, *referred_by, *status;
	int page, per;
};

/* A proposed hand-over of a case (kind "transfer") or a request for one ("request"). */
struct transfer {
	char id[ID_LEN];
	char record_id[ID_LEN];
	char display_id[24];
	char kind[12];
	char from_agency_id[ID_LEN];
	char proposed_by[ID_LEN];
	char to_agency_id[ID_LEN];
	char to_user_id[ID_LEN]; /* "" = anyone entitled in to_agency */
	char status[16];         /* pending, accepted, declined, cancelled */
	char *data;              /* reason, override reason, the answer (owned) */
	int64_t version, created_at, updated_at;
};

/* What awaits user_id's answer: transfers to them, or to receive_agency (when the user may
 * receive for it); requests on cases they own, or of decide_agency. Or (proposed_by) what they
 * proposed; or (record_id) a case's. */
struct transfer_query {
	const char *user_id, *receive_agency, *decide_agency, *proposed_by, *record_id, *status;
	int page, per;
};

struct store;

/* Lifecycle. store_open creates the file only when create is set. */
int store_open(struct store **out, const char *path, int create, struct err *e);
void store_close(struct store *st);
int store_migrate(struct store *st, int *from, int *to, struct err *e);
int store_schema_version(struct store *st);
int store_is_initialised(struct store *st);

int store_begin(struct store *st, int write);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* Agencies */
int store_agency_insert(struct store *st, const struct agency *a, struct err *e);
int store_agency_get(struct store *st, const char *id, struct agency *out);
int store_agency_by_name(struct store *st, const char *name, struct agency *out);
int store_agency_list(struct store *st, struct agency **out, size_t *n);

/* Users */
int store_user_insert(struct store *st, const struct user *u, struct err *e);
int store_user_get(struct store *st, const char *id, struct user *out, int with_hash);
int store_user_by_name(struct store *st, const char *username, struct user *out, int with_hash);
int store_user_update(struct store *st, const struct user *u, int set_hash, struct err *e);
/* Sets only the password hash (and the must-change flag): a password change must not write
 * back other columns an administrator may be changing at the same time. */
int store_user_set_password(struct store *st, const char *id, const char *hash, int must_change, int64_t now);
int store_user_list(struct store *st, const char *agency_id, struct user **out, size_t *n);
void user_release(struct user *u);
void user_list_free(struct user *u, size_t n);

/* Sessions and API tokens, looked up by the hash of their secret */
int store_session_insert(struct store *st, const char *hash, const struct session *s);
int store_session_get(struct store *st, const char *hash, struct session *out);
int store_session_touch(struct store *st, const char *hash, int64_t now);
int store_session_delete(struct store *st, const char *hash);
int store_credentials_revoke(struct store *st, const char *user_id, const char *keep_session_hash);
int store_token_insert(struct store *st, const char *hash, const char *user_id, const struct token *t);
int store_token_get(struct store *st, const char *hash, struct session *out);
int store_token_list(struct store *st, const char *user_id, struct token **out, size_t *n);
int store_token_delete(struct store *st, const char *user_id, const char *id);
/* Deletes sessions idle since before idle_before or created before created_before, and
 * tokens expired by now. */
int store_expired_delete(struct store *st, int64_t idle_before, int64_t created_before, int64_t now);

/* Records */
int store_record_insert(struct store *st, const struct record *r, struct err *e);
int store_record_get(struct store *st, const char *id, struct record *out);
int store_record_by_display_id(struct store *st, const char *display_id, struct record *out);
/* Writes r (data, status, owner, agency, search key...) if the stored version equals expected_version,
 * storing r->version (caller sets it to expected + 1); -HV_ESTALE otherwise. */
int store_record_update(struct store *st, const struct record *r, int64_t expected_version, struct err *e);
int store_record_visible(struct store *st, const char *id, const struct scope *sc);
/* Every record of type not deleted, oldest first, to fn (the record is the store's, valid during
 * the call); fn returns non-zero to stop. For record linkage, which reads them all. */
int store_record_each(struct store *st, const char *type, int (*fn)(const struct record *, void *), void *ctx);
/* Records the decision on a (request, child, case) pair, replacing an earlier one (whose id
 * then stays). In the caller's write transaction. */
int store_tracing_match_put(struct store *st, const struct tracing_match *m);
/* Decisions on the pairs of a tracing request (request_id) or of a case (case_id); the other NULL. */
int store_tracing_match_list(struct store *st, const char *request_id, const char *case_id, struct tracing_match **out,
			     size_t *n);
void tracing_match_list_free(struct tracing_match *m, size_t n);
/* Proposes a pair (a new id is taken from p->id); an open pair's probability is refreshed, a
 * decided one left alone. */
int store_dup_put(struct store *st, const struct dup_pair *p);
int store_dup_list(struct store *st, const char *status, struct dup_pair **out, size_t *n);
int store_dup_get(struct store *st, const char *id, struct dup_pair *out);
/* Decides the open pair of the two cases (either order), if there is one; with status "open",
 * reopens their merged pair instead (a merge undone). */
int store_dup_decide(struct store *st, const char *a_id, const char *b_id, const char *status, const char *user_id,
		     int64_t at);
int store_merge_insert(struct store *st, const struct merge *m);
int store_merge_get(struct store *st, const char *id, struct merge *out);
int store_merge_undone(struct store *st, const char *id, const char *user_id, int64_t at);
void merge_release(struct merge *m);
/* A number that changes whenever a record of type is created, changed or deleted. */
int store_record_stamp(struct store *st, const char *type, int64_t *stamp);
int store_record_query(struct store *st, const struct record_query *q, struct record_list *out);
int store_record_purge(struct store *st, const char *id);
void record_release(struct record *r);
void record_list_release(struct record_list *l);

int store_assignees_get(struct store *st, const char *record_id, struct userref **out, size_t *n);
int store_assignees_set(struct store *st, const char *record_id, const char *const *user_ids, size_t n);
int store_userref_get(struct store *st, const char *user_id, struct userref *out);

int store_history_insert(struct store *st, const char *record_id, int64_t at, const char *user_id,
			 const char *action, const char *field, const char *old_v, const char *new_v);
int store_history_list(struct store *st, const char *record_id, struct history_entry **out, size_t *n);
void history_list_free(struct history_entry *h, size_t n);

int store_note_insert(struct store *st, const struct note *nt);
int store_note_list(struct store *st, const char *record_id, struct note **out, size_t *n);
void note_list_free(struct note *nt, size_t n);

/* Audit trail rows; the chain itself is computed by sec/audit. */
int store_audit_head(struct store *st, int64_t *seq, char hash[65]);
int store_audit_insert(struct store *st, const struct audit_entry *a);
int store_audit_query(struct store *st, const struct audit_query *q, struct audit_entry **out, size_t *n,
		      int64_t *total);
/* Calls fn for every entry in seq order; stops on a non-zero return. */
int store_audit_each(struct store *st, int (*fn)(const struct audit_entry *, void *), void *ctx);
/* Moves the record-id index entries appended since the last call into the sorted index, in
 * one bulk pass (inside the caller's write transaction). Queries see both meanwhile. */
int store_audit_index(struct store *st);
int store_seal_insert(struct store *st, const struct audit_seal *s);
int store_seal_latest(struct store *st, struct audit_seal *out);
void audit_entry_release(struct audit_entry *a);
void audit_list_free(struct audit_entry *a, size_t n);

/* Configuration documents. put inserts (expected 0; the version goes on from any earlier
 * document of that name) or replaces the document whose stored version is expected, storing
 * version expected + 1, and keeps every version; -HV_ESTALE when the stored version differs.
 * The generation is the number of the latest change. */
int store_config_list(struct store *st, struct config_doc **out, size_t *n);
int store_config_get(struct store *st, const char *kind, const char *name, struct config_doc *out);
int store_config_put(struct store *st, const struct config_doc *d, int64_t expected, struct err *e);
int64_t store_config_generation(struct store *st);
void config_doc_release(struct config_doc *d);
void config_list_free(struct config_doc *d, size_t n);

int store_location_put(struct store *st, const struct location *l);
int store_location_get(struct store *st, const char *pcode, struct location *out);
/* pcode and every area above it, the area itself first (none when it is unknown). */
int store_location_chain(struct store *st, const char *pcode, struct location **out, size_t *n);
/* The children of parent ("" = the top level); every area when parent is NULL. */
int store_location_list(struct store *st, const char *parent, struct location **out, size_t *n);
void location_list_free(struct location *l, size_t n);

/* Tasks. insert keeps an existing task with the same (record, rule, ref) and updates its due
 * date, title and status only when refresh is set (tasks derived from a document). */
int store_task_put(struct store *st, const struct task *t, int refresh);
int store_task_get(struct store *st, const char *id, struct task *out);
/* Sets the status of one task (id), or of a record's open tasks of a rule (rule NULL: all). */
int store_task_set_status(struct store *st, const char *id, const char *status, int64_t at, const char *user_id);
int store_task_close_rule(struct store *st, const char *record_id, const char *rule, const char *ref, const char *status,
			  int64_t at,
			  const char *user_id);
/* Deletes a record's tasks of rule whose ref is not listed (refs: n strings). */
int store_task_prune(struct store *st, const char *record_id, const char *rule, char (*refs)[24], size_t n);
int store_task_query(struct store *st, const struct task_query *q, struct task **out, size_t *n, int64_t *total);
void task_list_free(struct task *t, size_t n);

int store_approval_insert(struct store *st, const struct approval *a);
/* The pending approval of kind on a record: 0, or -HV_ENOTFOUND. */
int store_approval_pending(struct store *st, const char *record_id, const char *kind, struct approval *out);
int store_approval_decide(struct store *st, const struct approval *a);
int store_approval_list(struct store *st, const char *record_id, struct approval **out, size_t *n);
void approval_list_free(struct approval *a, size_t n);

/* Replaces the links record from_id makes (to the ids in links[i].id, by links[i].field). */
int store_links_set(struct store *st, const char *from_id, const struct record_link *links, size_t n);
/* Whether from_id already links to the record with display_id. */
int store_link_exists(struct store *st, const char *from_id, const char *display_id);
/* The live records from_id links to (outgoing) or that link to it (incoming). */
int store_links_list(struct store *st, const char *id, int incoming, struct record_link **out, size_t *n);

int store_screening_insert(struct store *st, const struct screening *s);
int store_screening_get(struct store *st, const char *id, struct screening *out);
int store_screening_list(struct store *st, const char *record_id, struct screening **out, size_t *n);
void screening_release(struct screening *s);
void screening_list_free(struct screening *s, size_t n);

/* Inserts (expected 0) or replaces the service whose version is expected (version expected
 * + 1), with its search rows: its own area and every area above it. */
int store_service_put(struct store *st, const struct service *s, int64_t expected, struct err *e);
int store_service_get(struct store *st, const char *id, struct service *out);
int store_service_search(struct store *st, const struct service_query *q, struct service **out, size_t *n,
			 int64_t *total);
void service_release(struct service *s);
void service_list_free(struct service *s, size_t n);

/* Consents. withdraw stores the new withdrawn list and data of c; cut ends what the consent
 * allowed: referrals relying on it become consent_withdrawn, pending transfers cancelled, and
 * *pending (n ids, freed by the caller) lists the referrals that were still waiting. */
int store_consent_insert(struct store *st, const struct consent *c);
int store_consent_get(struct store *st, const char *id, struct consent *out);
int store_consent_list(struct store *st, const char *record_id, struct consent **out, size_t *n);
int store_consent_withdraw(struct store *st, const struct consent *c);
int store_consent_use(struct store *st, const char *consent_id, const char *kind, const char *use_id);
int store_consent_cut(struct store *st, const char *consent_id, int64_t at, char (**pending)[ID_LEN], size_t *n);
void consent_release(struct consent *c);
void consent_list_free(struct consent *c, size_t n);

/* Referrals and transfers. update writes status, data and version = expected + 1 when the
 * stored version is expected; -HV_ESTALE otherwise. */
int store_referral_insert(struct store *st, const struct referral *x);
int store_referral_get(struct store *st, const char *id, struct referral *out);
int store_referral_update(struct store *st, const struct referral *x, int64_t expected);
int store_referral_query(struct store *st, const struct referral_query *q, struct referral **out, size_t *n,
			 int64_t *total);
void referral_release(struct referral *x);
void referral_list_free(struct referral *x, size_t n);

int store_transfer_insert(struct store *st, const struct transfer *x);
int store_transfer_get(struct store *st, const char *id, struct transfer *out);
int store_transfer_update(struct store *st, const struct transfer *x, int64_t expected);
int store_transfer_query(struct store *st, const struct transfer_query *q, struct transfer **out, size_t *n,
			 int64_t *total);
void transfer_release(struct transfer *x);
void transfer_list_free(struct transfer *x, size_t n);

int store_attachment_insert(struct store *st, const struct attachment *a);
/* Reads an attachment, with its bytes when with_data is set (free with attachment_release). */
int store_attachment_get(struct store *st, const char *id, struct attachment *out, int with_data);
void attachment_release(struct attachment *a);

/* Maintenance */
int store_backup(struct store *st, const char *dest_path, struct err *e);
/* Copies the write-ahead log into the database: truncate = wait for readers and empty the
 * log (purge), else a passive pass that never blocks (background upkeep). */
int store_checkpoint(struct store *st, int truncate);
/* Server handles leave checkpoints to a background thread, so no request pays for one. */
void store_autocheckpoint(struct store *st, int on);

#endif
