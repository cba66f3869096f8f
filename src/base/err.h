/* err: Haven's one error table. Functions return 0 or a negative HV_E* code; the table maps
 * each code to a stable API code string and an HTTP status. Details (message, field) go into
 * a caller's struct err, which is what the API serialises as {"error":{...}}. */
#ifndef HV_ERR_H
#define HV_ERR_H
#include "buf.h"
#include <stdarg.h>

#define HV_ERRORS(X)                                                      \
	X(HV_OK, 200, "ok")                                               \
	X(HV_EINVAL, 400, "bad_request")                                  \
	X(HV_EUNAUTH, 401, "unauthenticated")                             \
	X(HV_EFORBID, 403, "forbidden")                                   \
	X(HV_ENOTFOUND, 404, "not_found")                                 \
	X(HV_EMETHOD, 405, "method_not_allowed")                          \
	X(HV_ECONFLICT, 409, "conflict")                                  \
	X(HV_ESTALE, 412, "version_mismatch")                             \
	X(HV_ETOOBIG, 413, "payload_too_large")                           \
	X(HV_EMEDIA, 415, "unsupported_media_type")                       \
	X(HV_EVALID, 422, "validation_failed")                            \
	X(HV_EPRECOND, 428, "precondition_required")                      \
	X(HV_ERATE, 429, "rate_limited")                                  \
	X(HV_EINTERNAL, 500, "internal_error")                            \
	X(HV_EIO, 500, "storage_error")                                   \
	X(HV_EBUSY, 503, "unavailable")                                   \
	X(HV_EPWCHANGE, 403, "password_change_required")

enum hv_err {
#define HV_ERR_ENUM(name, status, code) name,
	HV_ERRORS(HV_ERR_ENUM)
#undef HV_ERR_ENUM
	HV_ERR_COUNT
};

struct err {
	int code;          /* positive HV_E* or 0 */
	struct buf msg;
	struct buf field;  /* the offending field name, when there is one */
};

void err_init(struct err *e);
void err_release(struct err *e);
void err_clear(struct err *e);
/* Records code/field/message in e (if e is non-NULL) and returns -code. The first error set
 * wins, so a low-level cause is not overwritten by a generic wrapper. */
int err_set(struct err *e, int code, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int err_vset(struct err *e, int code, const char *field, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));
/* Messages in the reader's language: the catalogue (config/i18n/errors.json: {"messages":
 * {"English format": {"fr": ...}}}) is loaded once at start, before any thread reads it;
 * err_locale sets the language of the calling thread's later err_set messages (NULL or "en":
 * English). A translation whose printf conversions differ from the English is ignored. */
int err_catalogue_load(const char *json_text);
void err_locale(const char *locale);
/* A word or phrase put into a message through %s ("case", "family record"), in the calling
 * thread's language; s itself when there is no translation. Such literals are written
 * MSG("...") so tools/messages.mjs lists them for the catalogue too. */
const char *err_tr(const char *s);
#define MSG(s) (s)
int err_http_status(int code);
const char *err_code_str(int code);

#define BUG(msg) err_bug(__FILE__, __LINE__, msg)
_Noreturn void err_bug(const char *file, int line, const char *msg);

#endif
