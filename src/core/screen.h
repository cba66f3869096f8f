/* screen: screening and risk-assessment tools as data, and their explainable evaluation —
 * groundwork for issue [3/4] (not yet used by the API). A tool asks questions; answers make
 * indicators present; indicators are grouped by dimension (the ILO/EC operational indicators:
 * deceptive recruitment, coercive recruitment, abuse of vulnerability at recruitment,
 * exploitative conditions, coercion at destination, abuse of vulnerability at destination) and
 * rated strong, medium or weak; a dimension is positive when its indicators meet one clause of
 * the tool's dimension rule; the first result rule whose groups of dimensions are all positive
 * gives the result. For a child the tool's rules simply leave out the "means" dimensions
 * (Palermo Protocol). Every present indicator and red flag is a reason naming its dimension,
 * strength and the rule that fired, so a person can check the result. Pure: no store, no HTTP.
 *
 * {"id","version","kind":"screening"|"risk","population":"child"|"adult","labels","help"?,
 *  "questions":[{"id","labels","help"?,"options"?:[{"value","labels"}]}]   (no options: yes/no/unknown)
 *  "dimensions":[{"id","labels"}],
 *  "indicators":[{"id","question","when":[answer...],"dimension","strength","labels"}],
 *  "dimension_rule":[{"strong"?:n,"medium"?:n,"weak"?:n}, ...]   (at least these many present)
 *  "results":[{"id","result":"presumed_victim"|"possible_victim","groups":[[dimension...]...]}
 *             or {"id","result",..., "min_indicators":n}],
 *  "red_flags":[{"id","question","when":[answer...],"labels"}],
 *  "risk":[{"level":"high"|"medium","results"?:[result...],"red_flag"?:true,"min_indicators"?:n}],
 *  "services":[{"service","results"?:[result...],"dimensions"?:[dimension...],"red_flag"?:true}]}
 */
#ifndef HV_SCREEN_H
#define HV_SCREEN_H
#include <jansson.h>
#include "base/err.h"

struct screen;

/* Parses and checks a tool: ids unique, every indicator names a known question, answer and
 * dimension, strengths and results from the fixed lists. On success *out keeps a copy. */
int screen_load(const json_t *def, struct screen **out, struct err *e);
void screen_free(struct screen *s);
const char *screen_id(const struct screen *s);

/* Evaluates answers ({"question": "answer"}; a question left out is unanswered). An unknown
 * question or an answer it does not offer is 422 naming it. *out gets
 * {"result","risk_level","immediate_danger","reasons":[...],"suggested_services":[...],
 *  "dimensions":{"dim":{"positive","strong","medium","weak"}}}; the caller frees it. */
int screen_evaluate(const struct screen *s, const json_t *answers, json_t **out, struct err *e);

#endif
