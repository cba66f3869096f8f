/* serve: runs the HTTP server and API until SIGINT or SIGTERM, then drains the audit queue
 * and seals the chain head. */
#include "cmd.h"
#include "api/conf.h"
#include "api/api.h"
#include "base/clock.h"
#include "base/log.h"
#include "http/server.h"
#include "sec/audit.h"
#include "sec/password.h"
#include <pthread.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
	"usage: haven serve --db PATH [--listen 127.0.0.1:8080] [options]\n"
	"  --db PATH              database (or HAVEN_DB)\n"
	"  --listen HOST:PORT     address to listen on (or HAVEN_LISTEN; default 127.0.0.1:8080)\n"
	"  --audit-key PATH       audit signing key (or HAVEN_AUDIT_KEY; default audit.key beside the db)\n"
	"  --web-dir DIR          serve the UI from DIR instead of the embedded copy (development)\n"
	"  --threads N            HTTP worker threads (default 4)\n"
	"  --secure-cookies       mark cookies Secure and send HSTS (when behind a TLS proxy)\n"
	"  --trusted-proxy LIST   comma-separated proxy addresses whose X-Forwarded-For is used\n"
	"  --idle-timeout SEC     session idle timeout (default 1800)\n"
	"  --absolute-timeout SEC session lifetime (default 43200)\n";

static long num(struct opts *o, const char *name, long def)
{
	const char *v = opt_str(o, name, NULL);
	return v ? strtol(v, NULL, 10) : def;
}

int cmd_serve(int argc, char **argv)
{
	struct opts o = {argc, argv, usage};
	static const char *const values[] = {"--db", "--listen", "--audit-key", "--web-dir", "--threads",
					     "--trusted-proxy", "--idle-timeout", "--absolute-timeout", NULL};
	static const char *const flags[] = {"--secure-cookies", "--help", "-h", NULL};
	if (!opt_help(&o))
		return 0;
	if (opt_check(&o, values, flags))
		return 2;
	const char *db = cmd_db_path(&o);
	const char *listen = opt_str(&o, "--listen", "HAVEN_LISTEN");
	struct store *st;
	if (!db || cmd_open(&o, db, &st, 1))
		return 1;
	store_close(st);
	const char *fast = getenv("HAVEN_TEST_KDF");
	struct err e;
	err_init(&e);
	struct api_config ac = {
		.db_path = db,
		.idle_timeout = num(&o, "--idle-timeout", 1800),
		.absolute_timeout = num(&o, "--absolute-timeout", 43200),
		.secure_cookies = opt_flag(&o, "--secure-cookies"),
		.trusted_proxies = opt_str(&o, "--trusted-proxy", NULL),
	};
	struct server_config sc = {
		.listen = listen && *listen ? listen : "127.0.0.1:8080",
		.web_dir = opt_str(&o, "--web-dir", NULL),
		.threads = (int)num(&o, "--threads", 4),
		.hsts = ac.secure_cookies,
		.trusted_proxies = ac.trusted_proxies,
	};
	/* Block the signals before any thread starts, so only sigwait below sees them. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* One malloc arena per thread would multiply resident memory by the pool size. */
	mallopt(M_ARENA_MAX, 2);
	log_buffered(1);
	int rc = password_init(fast && !strcmp(fast, "fast"));
	if (!rc)
		rc = api_init(&ac, &e);
	if (!rc)
		rc = audit_start(db, &e);
	if (!rc)
		rc = server_start(&sc, &e);
	if (rc) {
		cmd_fail("%s", e.msg.len ? e.msg.p : "cannot start");
		err_release(&e);
		return 1;
	}
	/* The address as bound: with port 0 the system chose one (tests start servers this way). */
	char bound[160];
	snprintf(bound, sizeof bound, "%.*s:%d", (int)(strrchr(sc.listen, ':') - sc.listen), sc.listen, server_port());
	log_event(LOG_INFO, "started", "listen=%s", bound);
	printf("Haven is serving http://%s/\n", bound);
	fflush(stdout);
	/* Wake once a second to write out buffered log lines and session activity, once a minute
	 * to delete expired sessions and tokens; stop on a signal. */
	int sig = -1;
	struct store *maint = NULL;
	store_open(&maint, db, 0, NULL);
	struct timespec second = {1, 0};
	for (int tick = 0; (sig = sigtimedwait(&set, NULL, &second)) < 0; tick++) {
		log_flush();
		if (maint) {
			api_sessions_flush(maint);
			conf_refresh(maint); /* a configuration imported from the command line */
		}
		if (tick % 60)
			continue;
		int64_t now = clock_now();
		if (maint && !store_begin(maint, 1)) {
			store_expired_delete(maint, now - ac.idle_timeout, now - ac.absolute_timeout, now);
			if (store_commit(maint))
				store_rollback(maint);
		}
	}
	log_event(LOG_INFO, "stopping", "signal=%d", sig);
	server_stop();
	if (maint)
		api_sessions_flush(maint);
	store_close(maint);
	audit_stop();
	api_shutdown();
	log_flush();
	err_release(&e);
	return 0;
}
