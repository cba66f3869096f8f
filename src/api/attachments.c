/* attachments: files for a record's attachment fields — a document scan, a photo for family
 * tracing — kept outside the JSON document (the field holds the file's id). An upload is
 * checked by its declared type and its first bytes (JPEG, PNG, PDF only) and limited to the
 * API's 1 MiB body; reading one needs the right to read its record and its field, and is
 * audited like any read of the child's data. */
#include "records.h"
#include "core/record.h"
#include "base/clock.h"
#include "base/json.h"
#include "sec/token.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *type, *ext;
	const char *magic;
	size_t n;
} kinds[] = {
	{"image/jpeg", "jpg", "\xFF\xD8\xFF", 3},
	{"image/png", "png", "\x89PNG\r\n\x1a\n", 8},
	{"application/pdf", "pdf", "%PDF-", 5},
};

/* The kind the request declares (Content-Type) and its bytes confirm, or -1. */
static int kind_of(struct req *r)
{
	const char *ct = r->header(r->conn, "Content-Type");
	for (size_t i = 0; ct && i < sizeof kinds / sizeof *kinds; i++) {
		size_t n = strlen(kinds[i].type);
		if (!strncasecmp(ct, kinds[i].type, n) && (!ct[n] || ct[n] == ';'))
			return r->body_len >= kinds[i].n && !memcmp(r->body, kinds[i].magic, kinds[i].n) ? (int)i : -1;
	}
	return -1;
}

int api_attachments_create(struct req *r)
{
	const char *reason, *field = r->query(r->conn, "field");
	struct record rec;
	int rc = records_load_for(r, "update", &rec, &reason);
	if (rc)
		return rc;
	const struct formset *fs = records_formset(r);
	const char *type = field && fs ? form_field_type(fs, field) : NULL;
	int k = kind_of(r);
	if (!type || strcmp(type, "attachment"))
		rc = api_fail(r, HV_EVALID, "field", "must name an attachment field of this %s", records_noun(r));
	else if (!form_field_readable(fs, field, r->user.role, NULL))
		rc = api_fail(r, HV_EFORBID, "field", "your role may not see this field");
	else if (!r->body_len)
		rc = api_fail(r, HV_EVALID, NULL, "the file is empty");
	else if (k < 0)
		rc = api_fail(r, HV_EMEDIA, NULL, "send a JPEG, PNG or PDF file with its Content-Type");
	struct attachment a = {0};
	struct audit_tx *tx = NULL;
	if (!rc) {
		unsigned char h[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(h, (const unsigned char *)r->body, r->body_len);
		sodium_bin2hex(a.sha256, sizeof a.sha256, h, sizeof h);
		token_uuid(a.id);
		snprintf(a.record_id, sizeof a.record_id, "%s", rec.id);
		snprintf(a.field, sizeof a.field, "%s", field);
		snprintf(a.content_type, sizeof a.content_type, "%s", kinds[k].type);
		a.size = (int64_t)r->body_len;
		a.data = (unsigned char *)r->body;
		snprintf(a.created_by, sizeof a.created_by, "%s", r->user.id);
		a.created_at = clock_now();
		rc = api_tx_begin(r);
	}
	if (!rc && (store_attachment_insert(r->st, &a) ||
		    store_history_insert(r->st, rec.id, a.created_at, r->user.id, "attach", field, NULL, NULL)))
		rc = api_fail(r, HV_EIO, NULL, "storage error");
	if (!rc)
		rc = api_tx_audit(r, &tx, records_action(r, "attach"), r->rtype, rec.id, NULL);
	rc = api_tx_end(r, rc, tx);
	if (!rc)
		rc = api_reply(r, 201, json_pack("{s:s,s:s,s:s,s:I,s:s,s:o}", "id", a.id, "field", a.field, "content_type",
						 a.content_type, "size", (json_int_t)a.size, "sha256", a.sha256, "created_at",
						 api_time(a.created_at)));
	record_release(&rec);
	return rc;
}

int api_attachments_get(struct req *r)
{
	struct attachment a;
	struct record rec = {0};
	char type[16] = "";
	const char *reason, *id = r->params[0];
	if (!token_is_uuid(id) || store_attachment_get(r->st, id, &a, 0))
		return api_fail(r, HV_ENOTFOUND, NULL, "no such file");
	/* Readable when its record and its field are. */
	if (store_record_get(r->st, a.record_id, &rec) == 0)
		snprintf(type, sizeof type, "%s", rec.type);
	record_release(&rec);
	r->rtype = type;
	int rc = *type ? records_load_id(r, a.record_id, "read", &rec, &reason) : -HV_ENOTFOUND;
	json_t *doc = rc ? NULL : record_output(json_loads(rec.data, 0, NULL)); /* as conditions see it */
	const struct formset *fs = rc ? NULL : records_formset(r);
	if (!rc && fs && !form_field_readable(fs, a.field, r->user.role, doc))
		rc = -HV_ENOTFOUND;
	/* The bytes are read only for a reader who may have them. */
	if (!rc) {
		attachment_release(&a);
		rc = store_attachment_get(r->st, id, &a, 1) ? -HV_ENOTFOUND : 0;
	}
	if (rc) {
		err_clear(&r->err);
		rc = api_fail(r, HV_ENOTFOUND, NULL, "no such file");
	} else {
		buf_reset(&r->out);
		buf_add(&r->out, a.data, (size_t)a.size);
		snprintf(r->content_type, sizeof r->content_type, "%s", a.content_type);
		for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++)
			if (!strcmp(kinds[i].type, a.content_type))
				snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"%s.%s\"", a.id, kinds[i].ext);
		r->status = 200;
		char action[64];
		snprintf(action, sizeof action, "%s.attachment.read", rec.type);
		api_audit_read(r, action, rec.type, rec.id, reason);
	}
	json_decref(doc);
	record_release(&rec);
	attachment_release(&a);
	return rc;
}
