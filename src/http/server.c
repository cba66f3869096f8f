/* server: libmicrohttpd front end (see server.h). Threading: a pool of epoll threads (default
 * 4), each serving many keep-alive connections, answers reads inline. Slow work never runs
 * on them: a request that may hash a password or wait for fsync (every API call but GET) is
 * suspended and handed to a pool of worker threads, and its connection resumes with the
 * answer, so the event threads keep every other connection moving. */
#include "server.h"
#include "api/api.h"
#include "base/alloc.h"
#include "base/asset.h"
#include "base/buf.h"
#include "base/clock.h"
#include "base/log.h"
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define HARD_BODY_LIMIT (64 * 1024 * 1024) /* beyond this we do not even read the body */

static struct MHD_Daemon *daemon_;
static struct server_config cfg;
static atomic_ullong request_seq;

struct conn_state {
	struct buf body;
	int too_big;
	int64_t start_ms;
	/* Slow requests (every API call that is not a GET: sign-in hashes a password, writes
	 * fsync) run on a worker thread while their connection is suspended. */
	enum { FRESH, QUEUED, ANSWERED } state;
	struct req r;
	struct MHD_Connection *conn;
	struct conn_state *next;
};

/* The worker pool and its job queue. */
static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct conn_state *head, *tail;
	pthread_t *threads;
	int n, stop;
} W = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static const char *const security_headers[][2] = {
	{"Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
				    "connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; "
				    "base-uri 'none'; form-action 'self'"},
	{"Referrer-Policy", "no-referrer"},
	{"X-Content-Type-Options", "nosniff"},
	{"X-Frame-Options", "DENY"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"Cross-Origin-Resource-Policy", "same-origin"},
	{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"},
};

static const char *get_header(void *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_HEADER_KIND, name);
}

static const char *get_query(void *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
}

static const char *get_cookie(void *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, name);
}

static void peer_address(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "unknown");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)ci->client_addr)->sin_addr, out, (socklen_t)n);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)ci->client_addr)->sin6_addr, out, (socklen_t)n);
}

/* The client address: the socket peer, or — only when the peer is a trusted proxy — the
 * last address it appended to X-Forwarded-For. */
static void client_address(struct MHD_Connection *c, const char *peer, char *out, size_t n)
{
	snprintf(out, n, "%s", peer);
	const char *xff = get_header(c, "X-Forwarded-For");
	if (!xff || !cfg.trusted_proxies)
		return;
	size_t pl = strlen(peer);
	for (const char *p = cfg.trusted_proxies; *p;) {
		size_t len = strcspn(p, ",");
		if (len == pl && !strncmp(p, peer, len)) {
			const char *last = strrchr(xff, ',');
			last = last ? last + 1 : xff;
			while (*last == ' ')
				last++;
			if (*last && strlen(last) < n)
				snprintf(out, n, "%s", last);
			return;
		}
		p += len + (p[len] == ',');
	}
}

static void add_common_headers(struct MHD_Response *resp)
{
	for (size_t i = 0; i < sizeof security_headers / sizeof *security_headers; i++)
		MHD_add_response_header(resp, security_headers[i][0], security_headers[i][1]);
	if (cfg.hsts)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

static const char *mime_type(const char *name)
{
	static const char *const types[][2] = {
		{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},   {".json", "application/json; charset=utf-8"},
		{".svg", "image/svg+xml"},             {".png", "image/png"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
		if (!strcmp(dot, types[i][0]))
			return types[i][1];
	return "application/octet-stream";
}

static int accepts_gzip(struct MHD_Connection *c)
{
	const char *ae = get_header(c, "Accept-Encoding");
	return ae && strstr(ae, "gzip");
}

/* Reads a UI file from --web-dir (development only); rejects any path with "..". */
static struct MHD_Response *from_disk(const char *name)
{
	if (strstr(name, ".."))
		return NULL;
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", cfg.web_dir, name + 4);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	size_t len = b.len;
	return MHD_create_response_from_buffer(len, buf_detach(&b), MHD_RESPMEM_MUST_FREE);
}

static struct MHD_Response *asset_response(struct MHD_Connection *c, const char *url, const char **type)
{
	char name[256];
	const char *base = strrchr(url, '/');
	int is_file = base && strchr(base, '.');
	snprintf(name, sizeof name, "web%s", is_file ? url : "/index.html");
	*type = mime_type(name);
	if (cfg.web_dir)
		return from_disk(name);
	const struct asset *a = asset_find(name);
	if (!a)
		return NULL;
	if (accepts_gzip(c)) {
		struct MHD_Response *r =
			MHD_create_response_from_buffer(a->len, (void *)a->data, MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, "Content-Encoding", "gzip");
		return r;
	}
	unsigned char *raw = xmalloc(a->raw_len + 1);
	uLongf rawlen = a->raw_len;
	z_stream z = {0};
	inflateInit2(&z, 31);
	z.next_in = (unsigned char *)a->data;
	z.avail_in = (uInt)a->len;
	z.next_out = raw;
	z.avail_out = (uInt)rawlen;
	inflate(&z, Z_FINISH);
	inflateEnd(&z);
	return MHD_create_response_from_buffer(rawlen, raw, MHD_RESPMEM_MUST_FREE);
}

static enum MHD_Result serve_asset(struct MHD_Connection *c, const char *url, const char *method)
{
	const char *type;
	struct MHD_Response *resp = strcmp(method, "GET") && strcmp(method, "HEAD") ? NULL : asset_response(c, url, &type);
	unsigned status = MHD_HTTP_OK;
	if (!resp) {
		static const char nf[] = "not found\n";
		resp = MHD_create_response_from_buffer(sizeof nf - 1, (void *)nf, MHD_RESPMEM_PERSISTENT);
		type = "text/plain; charset=utf-8";
		status = MHD_HTTP_NOT_FOUND;
	}
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Cache-Control", "no-cache");
	MHD_add_response_header(resp, "Vary", "Accept-Encoding");
	add_common_headers(resp);
	enum MHD_Result ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void prepare(struct MHD_Connection *c, const char *url, const char *method, struct conn_state *cs)
{
	struct req *r = &cs->r;
	memset(r, 0, sizeof *r);
	r->method = method;
	r->path = url;
	r->header = get_header;
	r->query = get_query;
	r->cookie = get_cookie;
	r->conn = c;
	r->body = cs->body.p;
	r->body_len = cs->body.len;
	r->body_too_big = cs->too_big;
	peer_address(c, r->peer, sizeof r->peer);
	client_address(c, r->peer, r->client, sizeof r->client);
	snprintf(r->rid, sizeof r->rid, "%llx", (unsigned long long)atomic_fetch_add(&request_seq, 1) + 1);
}

static enum MHD_Result reply(struct MHD_Connection *c, struct conn_state *cs)
{
	struct req *r = &cs->r;
	size_t len = r->out.len;
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, buf_detach(&r->out), MHD_RESPMEM_MUST_FREE);
	if (r->content_type[0] && r->status == 200) {
		MHD_add_response_header(resp, "Content-Type", r->content_type);
		MHD_add_response_header(resp, "Content-Disposition", r->disposition);
	} else if (len || r->status != 204) {
		MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	}
	MHD_add_response_header(resp, "Cache-Control", r->no_store ? "no-store" : "no-cache");
	if (r->etag[0])
		MHD_add_response_header(resp, "ETag", r->etag);
	if (r->set_cookie[0])
		MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
	if (r->retry_after) {
		char ra[24];
		snprintf(ra, sizeof ra, "%d", r->retry_after);
		MHD_add_response_header(resp, "Retry-After", ra);
	}
	add_common_headers(resp);
	enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	/* The path may carry record ids (UUIDs) but never names: those travel in bodies. It is
	 * decoded, so control characters are masked to keep one event per line. */
	char path[256];
	size_t i;
	for (i = 0; r->path[i] && i < sizeof path - 1; i++)
		path[i] = (unsigned char)r->path[i] < 0x20 || r->path[i] == 0x7f || r->path[i] == ' ' ? '?' : r->path[i];
	path[i] = '\0';
	log_event(r->status >= 500 ? LOG_ERROR : LOG_INFO, "http", "rid=%s method=%s path=%s status=%d ms=%lld",
		  r->rid, r->method, path, r->status, (long long)(clock_now_ms() - cs->start_ms));
	sodium_memzero(r->set_cookie, sizeof r->set_cookie);
	return ret;
}

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&W.mu);
		while (!W.head && !W.stop)
			pthread_cond_wait(&W.cv, &W.mu);
		struct conn_state *cs = W.head;
		if (cs) {
			W.head = cs->next;
			if (!W.head)
				W.tail = NULL;
		}
		pthread_mutex_unlock(&W.mu);
		if (!cs)
			return NULL; /* stopping and the queue is empty */
		api_handle(&cs->r);
		cs->state = ANSWERED;
		MHD_resume_connection(cs->conn);
	}
}

/* Suspends the connection and hands its request to the worker pool. */
static enum MHD_Result defer(struct MHD_Connection *c, struct conn_state *cs)
{
	pthread_mutex_lock(&W.mu);
	if (W.stop) { /* shutting down: the workers are gone, answer here */
		pthread_mutex_unlock(&W.mu);
		api_handle(&cs->r);
		return reply(c, cs);
	}
	cs->state = QUEUED;
	cs->conn = c;
	cs->next = NULL;
	MHD_suspend_connection(c);
	if (W.tail)
		W.tail->next = cs;
	else
		W.head = cs;
	W.tail = cs;
	pthread_cond_signal(&W.cv);
	pthread_mutex_unlock(&W.mu);
	return MHD_YES;
}

static enum MHD_Result serve_api(struct MHD_Connection *c, const char *url, const char *method,
				 struct conn_state *cs)
{
	if (cs->state == ANSWERED)
		return reply(c, cs);
	prepare(c, url, method, cs);
	if (api_blocks(method, url))
		return defer(c, cs);
	api_handle(&cs->r);
	return reply(c, cs);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	(void)cls;
	(void)version;
	struct conn_state *cs = *con_cls;
	if (!cs) {
		const char *cl = get_header(c, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > HARD_BODY_LIMIT)
			return MHD_NO; /* absurd: drop the connection rather than read it */
		cs = xcalloc(1, sizeof *cs);
		buf_init(&cs->body, API_MAX_BODY);
		cs->start_ms = clock_now_ms();
		*con_cls = cs;
		return MHD_YES; /* answer on a later call, so keep-alive stays on */
	}
	if (*upload_size) {
		if (!cs->too_big && buf_add(&cs->body, upload, *upload_size)) {
			cs->too_big = 1;
			buf_release(&cs->body);
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (!strncmp(url, "/api/", 5) || !strcmp(url, "/healthz"))
		return serve_api(c, url, method, cs);
	return serve_asset(c, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode t)
{
	(void)cls;
	(void)c;
	(void)t;
	struct conn_state *cs = *con_cls;
	if (cs) {
		buf_release(&cs->body);
		buf_release(&cs->r.out);
		free(cs);
		*con_cls = NULL;
	}
}

int server_start(const struct server_config *c, struct err *e)
{
	cfg = *c;
	char host[128];
	const char *colon = strrchr(cfg.listen, ':');
	if (!colon || (size_t)(colon - cfg.listen) >= sizeof host)
		return err_set(e, HV_EINVAL, "listen", "must be HOST:PORT, e.g. 127.0.0.1:8080");
	memcpy(host, cfg.listen, (size_t)(colon - cfg.listen));
	host[colon - cfg.listen] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535 || end == colon + 1)
		return err_set(e, HV_EINVAL, "listen", "port must be 1-65535 (or 0: any free port)");
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return err_set(e, HV_EINVAL, "listen", "host must be an IPv4 address such as 127.0.0.1");
	int threads = cfg.threads > 0 ? cfg.threads : 4;
	W.stop = 0;
	W.n = 0;
	W.threads = xcalloc((size_t)threads, sizeof *W.threads);
	/* On failure, server_stop joins the workers started so far: nothing is left running. */
	for (; W.n < threads; W.n++)
		if (pthread_create(&W.threads[W.n], NULL, worker, NULL)) {
			server_stop();
			return err_set(e, HV_EINTERNAL, NULL, "cannot start worker threads");
		}
	daemon_ = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL,
				   on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				   MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
				   MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
				   MHD_OPTION_CONNECTION_LIMIT, (unsigned)2048,
				   MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
	if (!daemon_) {
		server_stop();
		return err_set(e, HV_EIO, NULL, "cannot listen on %s", cfg.listen);
	}
	return 0;
}

int server_port(void)
{
	const union MHD_DaemonInfo *i = daemon_ ? MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT) : NULL;
	return i ? i->port : 0;
}

void server_stop(void)
{
	/* Let the workers finish what is queued (their connections resume), then stop both. */
	pthread_mutex_lock(&W.mu);
	W.stop = 1;
	pthread_cond_broadcast(&W.cv);
	pthread_mutex_unlock(&W.mu);
	for (int i = 0; i < W.n; i++)
		pthread_join(W.threads[i], NULL);
	free(W.threads);
	W.threads = NULL;
	W.n = 0;
	if (daemon_)
		MHD_stop_daemon(daemon_);
	daemon_ = NULL;
}
