/*
 * Shared by the C tests (tests/c/): check counting and reporting, file reading, and a minimal
 * JSON scanner. Single-threaded: only the thread that drives the walks calls these.
 */
#ifndef MITHRIL_LITE_TEST_HARNESS_H
#define MITHRIL_LITE_TEST_HARNESS_H

#include <stddef.h>

#include "mithril_lite.h"

/* Checks run and failed so far. */
extern int failures;
extern int checks;

/* Report a failure (printf-style) and count it. */
void fail(const char *fmt, ...);
/* The last error's message (static buffer: valid until the next call). */
const char *last_message(void);
/* Check a call's code; on mismatch report both codes by name and the last error message. */
int expect(mithril_lite_code got, mithril_lite_code want, const char *what);
void expect_true(int cond, const char *what);

typedef struct {
    char *data;
    size_t len;
} buffer;

/* DIR/NAME read whole, NUL-terminated (data NULL and a failure counted if it cannot be). */
buffer read_file(const char *dir, const char *name);
/* The same for a file that may be missing (data NULL then, and no failure). */
buffer read_optional(const char *dir, const char *name);

typedef struct {
    char key[128];
    const char *value; /* the raw JSON value, inside the map's file */
    size_t len;
} entry;

typedef struct {
    buffer file;
    entry *entries;
    size_t count;
} json_map;

/* Split a top-level JSON object into (key, raw value) entries pointing into the file. */
json_map load_map(const char *dir, const char *name);
void free_map(json_map *m);
const entry *find(const json_map *m, const char *key);
/* The position of the value of the first `"key":` in body (NULL if absent). */
const char *find_key(const char *body, size_t len, const char *key);
/* The string value of the first `"key": "..."` in body, copied into out. */
int string_field(const char *body, size_t len, const char *key, char *out, size_t cap);
/* A copy of body with the number after the first `"key":` increased by one (malloc'd). */
char *bump_number(const char *body, size_t len, const char *key, size_t *out_len);

#endif
