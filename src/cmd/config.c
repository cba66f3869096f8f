/* config: the shipped default configuration (forms, lookups, workflows, administrative
 * areas, embedded from config/) and its journey into a database — installed by init, merged
 * by migrate without overwriting an administrator's edits — and 'haven forms export|import',
 * which moves a configuration between deployments. */
#include "cmd.h"
#include "api/conf.h"
#include "base/asset.h"
#include "base/clock.h"
#include "base/csv.h"
#include "base/json.h"
#include "core/perm.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where each kind of document lives in the tree, and the member that names it. */
static const struct {
	const char *kind, *prefix, *name_key;
} kinds[] = {
	{"lookup", "config/lookups/", "name"},
	{"form", "config/forms/", "id"},
	{"workflow", "config/workflows/", "record_type"},
	{"screening", "config/screening/", "id"},
};

static int is_json(const char *name)
{
	size_t n = strlen(name);
	return n > 5 && !strcmp(name + n - 5, ".json");
}

/* Top-level fields of a form (or values of a lookup) in shipped that cur lacks, appended to
 * cur; their names are added to added. */
static void add_missing(json_t *cur, const json_t *shipped, const char *list, const char *key, json_t *added)
{
	json_t *have = json_object_get(cur, list);
	size_t i, k;
	json_t *item, *mine;
	json_array_foreach(json_object_get(shipped, list), i, item) {
		const char *id = json_string_value(json_object_get(item, key));
		int found = 0;
		json_array_foreach(have, k, mine) found |= id && json_equal(json_object_get(mine, key), json_object_get(item, key));
		if (!found && id && json_is_array(have)) {
			json_array_append(have, item);
			json_array_append_new(added, json_string(id));
		}
	}
}

static int sync_doc(struct store *st, const char *kind, const char *key, const json_t *shipped, FILE *report,
		    struct err *e)
{
	const char *name = json_string_value(json_object_get(shipped, key));
	if (!name)
		return err_set(e, HV_EINVAL, NULL, "a shipped %s has no %s", kind, key);
	char *text = json_canonical(shipped);
	struct config_doc cur = {0}, d = {0};
	snprintf(d.kind, sizeof d.kind, "%s", kind);
	snprintf(d.name, sizeof d.name, "%s", name);
	d.shipped = text;
	d.updated_at = clock_now();
	int rc = store_config_get(st, kind, name, &cur);
	if (rc == -HV_ENOTFOUND) {
		d.body = text;
		rc = store_config_put(st, &d, 0, e);
		if (!rc && report)
			fprintf(report, "added %s %s\n", kind, name);
	} else if (!rc && strcmp(cur.shipped, text)) {
		json_t *mine = json_loads(cur.body, 0, NULL), *added = json_array();
		if (!strcmp(cur.body, cur.shipped)) { /* never edited here: take the new default */
			d.body = text;
			if (report)
				fprintf(report, "updated %s %s to the new default\n", kind, name);
		} else if (mine) {
			if (!strcmp(kind, "form") || !strcmp(kind, "lookup"))
				add_missing(mine, shipped, !strcmp(kind, "form") ? "fields" : "values",
					    !strcmp(kind, "form") ? "name" : "value", added);
			d.body = json_canonical(mine);
			if (report) {
				char *list = json_dumps(added, JSON_COMPACT);
				fprintf(report, "%s %s was edited here: kept the edits, added %s; compare with 'haven forms export'\n",
					kind, name, json_array_size(added) ? list : "nothing");
				free(list);
			}
		}
		rc = d.body ? store_config_put(st, &d, cur.version, e) : err_set(e, HV_EINTERNAL, NULL, "stored %s %s is not JSON", kind, name);
		if (d.body != text)
			free(d.body);
		json_decref(mine);
		json_decref(added);
	}
	config_doc_release(&cur);
	free(text);
	return rc;
}

/* Loads areas from CSV text (NUL-terminated at len) with the columns
 * pcode,level,parent,name_<locale>...; every parent must come before its children. */
static int load_locations(struct store *st, const char *data, size_t len, const char *what, FILE *report,
			  struct err *e)
{
	struct csv c;
	csv_init(&c, data, len);
	int rc = csv_next(&c) == 1 && !strcmp(csv_field(&c, 0), "pcode") ? 0 : -1;
	char header[CSV_MAX_FIELDS][16];
	size_t cols = c.n, rows = 0;
	for (size_t i = 0; !rc && i < cols; i++)
		snprintf(header[i], sizeof header[i], "%s", csv_field(&c, i));
	while (!rc && (rc = csv_next(&c)) == 1) {
		struct location l = {0};
		json_t *names = json_object();
		snprintf(l.pcode, sizeof l.pcode, "%s", csv_field(&c, 0));
		l.level = (int)strtol(csv_field(&c, 1), NULL, 10);
		snprintf(l.parent, sizeof l.parent, "%s", csv_field(&c, 2));
		for (size_t i = 3; i < cols; i++)
			if (!strncmp(header[i], "name_", 5))
				json_object_set_new(names, header[i] + 5, json_string(csv_field(&c, i)));
		l.names = json_dumps(names, JSON_COMPACT);
		struct location parent = {0};
		int parent_ok = !*l.parent || !store_location_get(st, l.parent, &parent);
		free(parent.names);
		rc = *l.pcode && parent_ok && strspn(l.pcode, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == strlen(l.pcode)
			     ? store_location_put(st, &l)
			     : -1;
		free(l.names);
		json_decref(names);
		rows++;
		rc = rc ? -1 : 0;
	}
	size_t line = c.line;
	csv_release(&c);
	if (rc < 0)
		return err_set(e, HV_EINVAL, NULL, "%s: a malformed row, a bad p-code or an unknown parent at line %zu", what, line);
	if (report)
		fprintf(report, "loaded %zu administrative areas from %s\n", rows, what);
	return 0;
}

/* The shipped areas are loaded when the table is empty, so a deployment that imported its own
 * areas keeps them. */
static int sync_locations(struct store *st, const struct asset *a, FILE *report, struct err *e)
{
	struct location *have;
	size_t n;
	if (store_location_list(st, NULL, &have, &n))
		return err_set(e, HV_EIO, NULL, "storage error");
	location_list_free(have, n);
	return n ? 0 : load_locations(st, (const char *)a->data, a->len, a->name, report, e);
}

int config_sync(struct store *st, FILE *report, struct err *e)
{
	int rc = 0;
	for (size_t k = 0; !rc && k < sizeof kinds / sizeof *kinds; k++)
		for (const struct asset *a = assets; !rc && a->name; a++) {
			if (strncmp(a->name, kinds[k].prefix, strlen(kinds[k].prefix)) || !is_json(a->name))
				continue;
			json_t *doc;
			rc = json_parse_object((const char *)a->data, a->len, &doc, e);
			if (!rc)
				rc = sync_doc(st, kinds[k].kind, kinds[k].name_key, doc, report, e);
			json_decref(doc);
		}
	for (const struct asset *a = assets; !rc && a->name; a++)
		if (!strncmp(a->name, "config/locations/", 17) && strstr(a->name, ".csv"))
			rc = sync_locations(st, a, report, e);
	struct schema *s;
	if (!rc && !(rc = conf_build(st, &s, e)))
		schema_free(s);
	return rc;
}

/* ---- haven forms export|import ------------------------------------------------------------ */

static const char usage[] =
	"usage: haven forms export --db PATH [--out FILE]\n"
	"       haven forms import --db PATH FILE\n"
	"       haven forms areas --db PATH FILE.csv\n"
	"  export writes every form, lookup and workflow of the database as one JSON file;\n"
	"  import replaces the documents the file holds (each becomes a new version) after checking\n"
	"  that the whole configuration is consistent. A running server picks it up within a second.\n"
	"  areas adds or updates administrative areas from a CSV with the columns\n"
	"  pcode,level,parent,name_en,name_fr,name_es,name_ar (parents first), e.g. a national COD-AB.\n";

static int forms_export(struct store *st, const char *out)
{
	struct config_doc *docs;
	size_t n;
	if (store_config_list(st, &docs, &n))
		return cmd_fail("cannot read the configuration");
	json_t *all = json_pack("{s:s,s:[]}", "haven_config", "1", "documents");
	for (size_t i = 0; i < n; i++)
		json_array_append_new(json_object_get(all, "documents"),
				      json_pack("{s:s,s:s,s:o}", "kind", docs[i].kind, "name", docs[i].name, "body",
						json_loads(docs[i].body, 0, NULL)));
	config_list_free(docs, n);
	int rc = out ? json_dump_file(all, out, JSON_INDENT(2))
		     : json_dumpf(all, stdout, JSON_INDENT(2));
	json_decref(all);
	if (!out)
		fputc('\n', stdout);
	return rc ? cmd_fail("could not write the export") : 0;
}

static int forms_import(struct store *st, const char *file)
{
	/* The roles sensitive fields name are checked against the permission table. */
	perm_load((const char *)asset_find("config/roles.json")->data, NULL);
	json_error_t je;
	json_t *all = json_load_file(file, JSON_REJECT_DUPLICATES, &je);
	json_t *docs = json_object_get(all, "documents");
	if (!json_is_array(docs)) {
		json_decref(all);
		return cmd_fail("%s is not a Haven configuration export (line %d)", file, je.line);
	}
	struct err e;
	err_init(&e);
	int rc = store_begin(st, 1);
	size_t i, changed = 0;
	json_t *d;
	json_array_foreach(docs, i, d) {
		const char *kind = json_string_value(json_object_get(d, "kind"));
		const char *name = json_string_value(json_object_get(d, "name"));
		if (rc)
			break;
		if (!schema_kind_valid(kind) || !name || !json_is_object(json_object_get(d, "body"))) {
			rc = err_set(&e, HV_EINVAL, NULL, "document %zu needs a kind, a name and a body", i + 1);
			break;
		}
		if (!strcmp(kind, "form") && (rc = conf_roles_known(json_object_get(d, "body"), &e)))
			break;
		struct config_doc cur = {0}, nd = {0};
		snprintf(nd.kind, sizeof nd.kind, "%s", kind);
		snprintf(nd.name, sizeof nd.name, "%s", name);
		nd.body = json_canonical(json_object_get(d, "body"));
		nd.updated_at = clock_now();
		int found = store_config_get(st, kind, name, &cur) == 0;
		if (found)
			nd.shipped = cur.shipped;
		if (!found || strcmp(cur.body, nd.body)) {
			rc = store_config_put(st, &nd, found ? cur.version : 0, &e);
			changed++;
		}
		free(nd.body);
		config_doc_release(&cur);
	}
	struct schema *s;
	if (!rc && !(rc = conf_build(st, &s, &e)))
		schema_free(s);
	if (rc && e.msg.len)
		cmd_fail("%s; nothing was imported", e.msg.p);
	rc = cmd_commit(st, rc, "config.import", NULL, NULL);
	if (!rc)
		printf("imported %zu changed documents from %s\n", changed, file);
	json_decref(all);
	err_release(&e);
	return rc ? 1 : 0;
}

static int areas_import(struct store *st, const char *file)
{
	FILE *f = fopen(file, "rb");
	if (!f)
		return cmd_fail("cannot read %s", file);
	struct buf text = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&text, chunk, n);
	fclose(f);
	struct err e;
	err_init(&e);
	int rc = store_begin(st, 1);
	if (!rc)
		rc = load_locations(st, text.p, text.len, file, stdout, &e);
	if (rc && e.msg.len)
		cmd_fail("%s; nothing was imported", e.msg.p);
	rc = cmd_commit(st, rc, "config.areas", NULL, NULL);
	buf_release(&text);
	err_release(&e);
	return rc ? 1 : 0;
}

int cmd_forms(int argc, char **argv)
{
	struct opts o = {argc, argv, usage};
	static const char *const values[] = {"--db", "--out", "--audit-key", NULL};
	static const char *const flags[] = {"--help", "-h", "export", "import", "areas", NULL};
	if (!opt_help(&o))
		return 0;
	const char *verb = argc > 1 ? argv[1] : "";
	int areas = !strcmp(verb, "areas"), import = areas || !strcmp(verb, "import");
	if (!import && strcmp(verb, "export"))
		return cmd_usage(&o, "say export, import or areas");
	const char *file = import && argc > 2 && strncmp(argv[argc - 1], "--", 1) ? argv[argc - 1] : NULL;
	struct opts rest = {import && file ? argc - 1 : argc, argv, usage};
	if (opt_check(&rest, values, flags))
		return 2;
	if (import && !file)
		return cmd_usage(&o, "import needs the file to read");
	const char *db = cmd_db_path(&o);
	struct store *st;
	if (!db || cmd_open(&o, db, &st, 0))
		return 1;
	int rc = areas ? areas_import(st, file) : import ? forms_import(st, file) : forms_export(st, opt_str(&o, "--out", NULL));
	store_close(st);
	return rc;
}
