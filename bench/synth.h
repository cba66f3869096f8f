/* synth: invented case data for the benchmark, shared by seed.c and storage_ceiling.c so the
 * seeded cases, the storage ceiling and the POST load (bench/create.lua, which uses the same
 * lists) carry documents of the same shape and size. No real person's data. */
#ifndef HV_BENCH_SYNTH_H
#define HV_BENCH_SYNTH_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *const syn_firsts[] = {
	"Amal",   "Mohammed", "Oleg",    "Selam",  "Sokha",  "José",   "Fatima", "Ahmed",  "Maria",  "Noé",
	"Aziza",  "Yonas",    "Chenda",  "Zoë",    "Samir",  "Hana",   "Layla",  "Omar",   "Nadia",  "Ivan",
	"Tigist", "Dara",     "Lucía",   "Kofi",   "Ama",    "Yusuf",  "Mariam", "Pavel",  "Sophea", "Elif",
	"Emre",   "Aisha",    "Bilal",   "Rania",  "Tariq",  "Olena",  "Dmytro", "Abeba",  "Makda",  "Vanna",
	"Bopha",  "Carlos",   "Ana",     "Juan",   "Chidi",  "Ngozi",  "Farah",  "Karim",  "Salma",  "Yara",
	"Alina",  "Bogdan",   "Hiwot",   "Dawit",  "Rithy",  "Srey",   "Mateo",  "Valentina", "Emeka", "Zainab",
	"Hassan", "Leila",    "Nikolai", "Marta",  "Sara",   "Tomas",  "Ines",   "Jamal",  "Rashid", "Amina",
};
#define SYN_NFIRST (sizeof syn_firsts / sizeof *syn_firsts)

/* Last names are three syllables: 32^3 = 32768 distinct names, so a four-letter substring
 * matches from a few dozen to a few thousand of 100,000 cases. */
static const char *const syn_syll[] = {
	"ha", "dad", "ka", "rim", "no", "vak", "ba", "kel", "ok", "af", "or", "pet", "ren", "ko", "mu", "noz",
	"ra", "hi", "mi", "sok", "le", "fev", "na", "sser", "iva", "nov", "tes", "fa", "ye", "cha", "lin", "dro",
};
#define SYN_NSYLL (sizeof syn_syll / sizeof *syn_syll)

static const char *const syn_sexes[] = {"female", "male", "female", "male", "unknown"};
static const char *const syn_risks[] = {"low", "medium", "high"};
static const char *const syn_nats[] = {"SYR", "ERI", "UKR", "AFG", "KHM", "NGA", "VEN", "SDN"};
static const char *const syn_concerns[] = {"trafficking", "separated", "child_labour", "sexual_exploitation",
					   "unaccompanied", "gbv"};
static const char *const syn_places[] = {"North district", "Harbour camp", "Central shelter", "East border post",
					 "River town"};

static inline uint64_t syn_rand(uint64_t *s) /* splitmix64 */
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static inline void syn_last(uint64_t *s, char *out, size_t n)
{
	const char *a = syn_syll[syn_rand(s) % SYN_NSYLL], *b = syn_syll[syn_rand(s) % SYN_NSYLL],
		   *c = syn_syll[syn_rand(s) % SYN_NSYLL];
	snprintf(out, n, "%c%s%s%s", a[0] - 'a' + 'A', a + 1, b, c);
}

/* The "data" object of a case create, as JSON text (the same fields as bench/create.lua). */
static inline void syn_case_json(uint64_t *s, char *out, size_t n)
{
	char last[64];
	syn_last(s, last, sizeof last);
	snprintf(out, n,
		 "{\"name_first\":\"%s\",\"name_last\":\"%s\",\"sex\":\"%s\",\"age\":%d,"
		 "\"nationality\":[\"%s\"],\"languages\":[\"ar\",\"en\"],\"protection_concerns\":[\"%s\",\"%s\"],"
		 "\"risk_level\":\"%s\",\"consent_for_services\":\"yes\",\"consent_for_tracing\":\"unknown\","
		 "\"location_current\":\"%s\"}",
		 syn_firsts[syn_rand(s) % SYN_NFIRST], last, syn_sexes[syn_rand(s) % 5], (int)(3 + syn_rand(s) % 15),
		 syn_nats[syn_rand(s) % 8], syn_concerns[syn_rand(s) % 6], syn_concerns[syn_rand(s) % 6],
		 syn_risks[syn_rand(s) % 3], syn_places[syn_rand(s) % 5]);
}

#endif
