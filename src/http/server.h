/* server: the HTTP front end over libmicrohttpd. It owns sockets, request bodies (bounded),
 * security headers, embedded static assets and the access log; everything under /api and
 * /healthz goes to api_handle. */
#ifndef HV_SERVER_H
#define HV_SERVER_H
#include "base/err.h"

struct server_config {
	const char *listen;      /* "127.0.0.1:8080" */
	const char *web_dir;     /* serve the UI from disk instead of the embedded copy */
	int threads;             /* size of the thread pool */
	int hsts;                /* send Strict-Transport-Security (behind TLS) */
	const char *trusted_proxies;
};

int server_start(const struct server_config *cfg, struct err *e);
/* The port listened on (the one the system chose for port 0). */
int server_port(void);
void server_stop(void);

#endif
