/*
 * Shared by the C tests: check counting and reporting, file reading, and a minimal JSON
 * scanner (enough to split the fixtures' {"key": value, ...} maps and read a field).
 */
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int failures = 0;
int checks = 0;

void fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "FAIL: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    failures++;
}

/* The last error's message (static buffer: valid until the next call). */
const char *last_message(void) {
    static char msg[1024];
    mithril_lite_last_error_message(msg, sizeof msg, NULL);
    return msg;
}

/* Check a call's code; on mismatch report both codes by name and the last error message. */
int expect(mithril_lite_code got, mithril_lite_code want, const char *what) {
    checks++;
    if (got == want) return 1;
    fail("%s: got %u (%s) expected %u (%s): %s", what, (unsigned)got, mithril_lite_code_name(got),
         (unsigned)want, mithril_lite_code_name(want), got != MITHRIL_LITE_CODE_OK ? last_message() : "");
    return 0;
}

void expect_true(int cond, const char *what) {
    checks++;
    if (!cond) fail("%s", what);
}

/* ---------------------------------------------------------------------------------------- */
/* Files and a minimal JSON scanner. */

static buffer read_whole(const char *dir, const char *name, int required) {
    buffer b = {NULL, 0};
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (required) fail("cannot open %s", path);
        return b;
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b.data = malloc((size_t)n + 1);
    if (b.data && fread(b.data, 1, (size_t)n, f) == (size_t)n) {
        b.len = (size_t)n;
        b.data[n] = 0;
    } else {
        fail("cannot read %s", path);
        free(b.data);
        b.data = NULL;
    }
    fclose(f);
    return b;
}

buffer read_file(const char *dir, const char *name) { return read_whole(dir, name, 1); }

buffer read_optional(const char *dir, const char *name) { return read_whole(dir, name, 0); }

static const char *skip_ws(const char *p, const char *end) {
    while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++;
    return p;
}

/* p at an opening quote: returns the position after the closing quote (NULL if unterminated). */
static const char *skip_string(const char *p, const char *end) {
    for (p++; p < end; p++) {
        if (*p == '\\') {
            p++;
        } else if (*p == '"') {
            return p + 1;
        }
    }
    return NULL;
}

/* p at a value: returns the position after it. */
static const char *skip_value(const char *p, const char *end) {
    if (p >= end) return NULL;
    if (*p == '"') return skip_string(p, end);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (p < end) {
            if (*p == '"') {
                p = skip_string(p, end);
                if (!p) return NULL;
                continue;
            }
            if (*p == '{' || *p == '[') depth++;
            if (*p == '}' || *p == ']') {
                depth--;
                if (depth == 0) return p + 1;
            }
            p++;
        }
        return NULL;
    }
    while (p < end && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n') p++;
    return p;
}

/* Split a top-level JSON object into (key, raw value) entries pointing into the file. */
json_map load_map(const char *dir, const char *name) {
    json_map m = {read_file(dir, name), NULL, 0};
    if (!m.file.data) return m;
    const char *p = m.file.data, *end = m.file.data + m.file.len;
    size_t cap = 0;
    p = skip_ws(p, end);
    if (p >= end || *p != '{') {
        fail("%s: not a JSON object", name);
        return m;
    }
    p = skip_ws(p + 1, end);
    while (p < end && *p == '"') {
        const char *key_end = skip_string(p, end);
        if (!key_end || (size_t)(key_end - p - 2) >= sizeof m.entries[0].key) break;
        const char *v = skip_ws(key_end, end);
        if (v >= end || *v != ':') break;
        v = skip_ws(v + 1, end);
        const char *v_end = skip_value(v, end);
        if (!v_end) break;
        if (m.count == cap) {
            cap = cap ? 2 * cap : 16;
            entry *grown = realloc(m.entries, cap * sizeof *grown);
            if (!grown) break;
            m.entries = grown;
        }
        entry *e = &m.entries[m.count++];
        memcpy(e->key, p + 1, (size_t)(key_end - p - 2));
        e->key[key_end - p - 2] = 0;
        e->value = v;
        e->len = (size_t)(v_end - v);
        p = skip_ws(v_end, end);
        if (p < end && *p == ',') p = skip_ws(p + 1, end);
    }
    if (p >= end || *p != '}') fail("%s: could not split the object", name);
    return m;
}

void free_map(json_map *m) {
    free(m->entries);
    free(m->file.data);
    m->entries = NULL;
    m->file.data = NULL;
}

const entry *find(const json_map *m, const char *key) {
    for (size_t i = 0; i < m->count; i++)
        if (strcmp(m->entries[i].key, key) == 0) return &m->entries[i];
    return NULL;
}

/* The position of the value of the first `"key":` in body (NULL if absent). */
const char *find_key(const char *body, size_t len, const char *key) {
    char quoted[128];
    snprintf(quoted, sizeof quoted, "\"%s\"", key);
    size_t qlen = strlen(quoted);
    const char *end = body + len;
    for (const char *p = body; p + qlen <= end; p++) {
        if (memcmp(p, quoted, qlen) != 0) continue;
        const char *v = skip_ws(p + qlen, end);
        if (v < end && *v == ':') return skip_ws(v + 1, end);
    }
    return NULL;
}

/* The string value of the first `"key": "..."` in body, copied into out. */
int string_field(const char *body, size_t len, const char *key, char *out, size_t cap) {
    const char *v = find_key(body, len, key);
    if (!v || *v != '"') return 0;
    const char *v_end = skip_string(v, body + len);
    if (!v_end || (size_t)(v_end - v - 2) >= cap) return 0;
    memcpy(out, v + 1, (size_t)(v_end - v - 2));
    out[v_end - v - 2] = 0;
    return 1;
}

/* A copy of body with the number after the first `"key":` increased by one (malloc'd). */
char *bump_number(const char *body, size_t len, const char *key, size_t *out_len) {
    const char *v = find_key(body, len, key);
    if (!v) {
        fail("no %s to tamper with", key);
        return NULL;
    }
    char *rest = NULL;
    unsigned long long n = strtoull(v, &rest, 10);
    char number[32];
    int nlen = snprintf(number, sizeof number, "%llu", n + 1);
    size_t before = (size_t)(v - body), after = len - (size_t)(rest - body);
    char *out = malloc(before + (size_t)nlen + after + 1);
    if (!out) return NULL;
    memcpy(out, body, before);
    memcpy(out + before, number, (size_t)nlen);
    memcpy(out + before + (size_t)nlen, rest, after);
    *out_len = before + (size_t)nlen + after;
    out[*out_len] = 0;
    return out;
}
