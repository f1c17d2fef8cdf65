/*
 * C test of the jobs mode of the mithril-lite C ABI with a pthread worker pool: each chain is
 * walked inline, then in jobs mode with its checks run on N worker threads and completed as
 * finished, in reverse and in random order (two seeds); every jobs-mode verdict must equal the
 * inline one (code and message, or the verified certificate and its chain length).
 *
 * Usage: verify_chains [--threads N] CHAIN_DIR...
 *   CHAIN_DIR: certificates.json, genesis.vkey, and `latest` (the reference chains) or
 *   certificates-list.json (the devnet fixture); expected.json when there is one ("valid",
 *   "certificates", "reference_error"). A CHAIN_DIR/negative/ directory is walked too, case by
 *   case: each case gets the reference's error class (as tests/chains.rs maps it), or verifies
 *   when its data is the valid chain's unchanged (four fixtures ship so).
 *
 * Exit status 0 when every check passed; everything allocated is freed (valgrind runs it).
 */
/* opendir, strdup */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mithril_lite.h"
#include "walk_driver.h"

static mithril_lite_code fetch_certificate(void *ctx, mithril_lite_walk *walk, size_t fetch,
                                           const char *needed) {
    const entry *e = find((const json_map *)ctx, needed);
    (void)fetch;
    if (e) return mithril_lite_walk_feed(walk, (const uint8_t *)e->value, e->len);
    return mithril_lite_walk_fetch_failed(walk, "not in certificates.json");
}

/* A walk's verdict: its code, and the message (failure) or the certificate JSON (success). */
typedef struct {
    mithril_lite_code code;
    char text[16384];
} verdict;

static void walk(const mithril_lite_verifier *v, const json_map *certs, const char *hash,
                 walk_mode mode, worker_pool *pool, unsigned long long seed, verdict *out) {
    mithril_lite_certificate *cert = NULL;
    out->code = drive_walk(v, hash, mode, pool, seed, fetch_certificate, (void *)certs, &cert);
    if (out->code == MITHRIL_LITE_CODE_OK) {
        expect(mithril_lite_certificate_json(cert, out->text, sizeof out->text, NULL),
               MITHRIL_LITE_CODE_OK, "certificate_json");
    } else {
        snprintf(out->text, sizeof out->text, "%s", last_message());
    }
    mithril_lite_certificate_free(&cert);
}

/* The error classes the reference's message maps to (tests/chains.rs, expected_codes). */
static int in_reference_class(const char *reference_error, mithril_lite_code code) {
    static const struct {
        const char *says;
        mithril_lite_code lo, hi;
    } classes[] = {
        {"Ed25519 signature verification error", MITHRIL_LITE_CODE_GENESIS_SIGNATURE_INVALID,
         MITHRIL_LITE_CODE_GENESIS_SIGNATURE_INVALID},
        {"multi signature verification failed", MITHRIL_LITE_CODE_STM_LOTTERY_LOST,
         MITHRIL_LITE_CODE_STM_SIGNATURE_INVALID},
        {"not found", MITHRIL_LITE_CODE_CERTIFICATE_UNAVAILABLE,
         MITHRIL_LITE_CODE_CERTIFICATE_UNAVAILABLE},
        {"protocol message unmatch", MITHRIL_LITE_CODE_CERTIFICATE_PROTOCOL_MESSAGE_MISMATCH,
         MITHRIL_LITE_CODE_CERTIFICATE_PROTOCOL_MESSAGE_MISMATCH},
        {"protocol parameters unmatch", MITHRIL_LITE_CODE_CHAIN_PARAMETERS_MISMATCH,
         MITHRIL_LITE_CODE_CHAIN_PARAMETERS_MISMATCH},
        {"certificate hash unmatch", MITHRIL_LITE_CODE_CERTIFICATE_HASH_MISMATCH,
         MITHRIL_LITE_CODE_CERTIFICATE_HASH_MISMATCH},
        {"can not decode the multi-signature", MITHRIL_LITE_CODE_CERTIFICATE_MALFORMED,
         MITHRIL_LITE_CODE_CERTIFICATE_MALFORMED},
        {"infinite loop", MITHRIL_LITE_CODE_CHAIN_INFINITE_LOOP, MITHRIL_LITE_CODE_CHAIN_INFINITE_LOOP},
    };
    for (size_t i = 0; i < sizeof classes / sizeof classes[0]; i++)
        if (strstr(reference_error, classes[i].says))
            return code >= classes[i].lo && code <= classes[i].hi;
    fail("unmapped reference error: %s", reference_error);
    return 0;
}

static int same_file(const char *dir_a, const char *dir_b, const char *name) {
    buffer a = read_file(dir_a, name), b = read_file(dir_b, name);
    int same = a.data && b.data && a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
    free(a.data);
    free(b.data);
    return same;
}

static size_t walks = 0;

/* Walk one chain directory in every mode. `valid_dir` is the valid chain a negative case was
 * made from (NULL for a chain directory itself). */
static void check_chain(const char *dir, const char *valid_dir, worker_pool *pool) {
    buffer key = read_file(dir, "genesis.vkey");
    buffer expected = read_optional(dir, "expected.json"); /* the devnet fixture has none */
    json_map certs = load_map(dir, "certificates.json");
    char latest[65] = {0};
    buffer latest_file = read_optional(dir, "latest");
    if (latest_file.data) {
        snprintf(latest, sizeof latest, "%.64s", latest_file.data);
    } else {
        /* The devnet fixture: the aggregator's list is newest first. */
        buffer list = read_file(dir, "certificates-list.json");
        if (!list.data || !string_field(list.data, list.len, "hash", latest, sizeof latest))
            fail("%s: no latest certificate", dir);
        free(list.data);
    }
    while (key.data && key.len > 0 && (key.data[key.len - 1] == '\n' || key.data[key.len - 1] == ' '))
        key.data[--key.len] = 0;

    mithril_lite_verifier *v = NULL;
    if (key.data && latest[0] &&
        expect(mithril_lite_verifier_new(key.data, &v), MITHRIL_LITE_CODE_OK, "verifier_new")) {
        static verdict inline_verdict, jobs_verdict;
        walk(v, &certs, latest, WALK_INLINE, NULL, 0, &inline_verdict);
        walks++;
        static const struct {
            walk_mode mode;
            unsigned long long seed;
        } runs[] = {{WALK_STREAM, 0}, {WALK_REVERSE, 0}, {WALK_RANDOM, 1}, {WALK_RANDOM, 2}};
        for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
            walk(v, &certs, latest, runs[i].mode, pool, runs[i].seed, &jobs_verdict);
            walks++;
            char what[256];
            snprintf(what, sizeof what, "%s: %s (seed %llu) gives the inline verdict", dir,
                     walk_mode_name(runs[i].mode), runs[i].seed);
            expect(jobs_verdict.code, inline_verdict.code, what);
            expect_true(strcmp(jobs_verdict.text, inline_verdict.text) == 0, what);
        }

        /* What the verdict must be. */
        int valid = expected.data ? find_key(expected.data, expected.len, "valid") &&
                                        strncmp(find_key(expected.data, expected.len, "valid"), "true", 4) == 0
                                  : valid_dir == NULL;
        char reference_error[1024] = "";
        if (expected.data)
            string_field(expected.data, expected.len, "reference_error", reference_error,
                         sizeof reference_error);
        /* Every negative variant is really tampered: a copy of the valid chain would pass
         * this test for the wrong reason. */
        int unchanged = valid_dir && same_file(dir, valid_dir, "certificates.json") &&
                        same_file(dir, valid_dir, "genesis.vkey");
        expect_true(!unchanged, "a negative variant differs from the valid chain");
        if (valid) {
            expect(inline_verdict.code, MITHRIL_LITE_CODE_OK, dir);
            /* (expected.json's "certificates" counts the file's certificates, not the walk's.) */
            const char *n = strstr(inline_verdict.text, "\"certificates_checked\":");
            printf("  ok   %-44s verified, %ld certificates (inline = 4 jobs runs)\n",
                   strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir,
                   n ? strtol(n + strlen("\"certificates_checked\":"), NULL, 10) : -1L);
        } else {
            expect_true(inline_verdict.code != MITHRIL_LITE_CODE_OK, "a negative case fails");
            expect_true(in_reference_class(reference_error, inline_verdict.code),
                        "the reference's error class");
            printf("  ok   %-44s %s (inline = 4 jobs runs)\n",
                   strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir,
                   mithril_lite_code_name(inline_verdict.code));
        }
    }
    mithril_lite_verifier_free(&v);
    free_map(&certs);
    free(latest_file.data);
    free(expected.data);
    free(key.data);
}

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every case of DIR/negative, in name order. */
static void check_negatives(const char *dir, worker_pool *pool) {
    char root[4096];
    snprintf(root, sizeof root, "%s/negative", dir);
    DIR *d = opendir(root);
    if (!d) return;
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < sizeof names / sizeof names[0])
        if (e->d_name[0] != '.') names[n++] = strdup(e->d_name);
    closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    for (size_t i = 0; i < n; i++) {
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", root, names[i]);
        check_chain(path, dir, pool);
        free(names[i]);
    }
    printf("  %zu negative cases in %s\n", n, root);
}

/* Jobs-mode misuse gives codes (the Rust test tests/ffi_jobs.rs has the full list). */
static void check_misuse(const char *dir) {
    buffer key = read_file(dir, "genesis.vkey");
    json_map certs = load_map(dir, "certificates.json");
    buffer latest = read_file(dir, "latest");
    mithril_lite_verifier *v = NULL;
    mithril_lite_walk *jobs = NULL, *other = NULL, *inline_walk = NULL;
    if (key.data && latest.data) {
        while (key.len > 0 && (key.data[key.len - 1] == '\n' || key.data[key.len - 1] == ' '))
            key.data[--key.len] = 0;
        latest.data[latest.len > 64 ? 64 : latest.len] = 0;
        expect(mithril_lite_verifier_new(key.data, &v), MITHRIL_LITE_CODE_OK, "verifier_new");
        expect(mithril_lite_walk_new_with_jobs(v, latest.data, &jobs), MITHRIL_LITE_CODE_OK, "jobs walk");
        expect(mithril_lite_walk_new_with_jobs(v, latest.data, &other), MITHRIL_LITE_CODE_OK, "jobs walk");
        expect(mithril_lite_walk_new(v, latest.data, &inline_walk), MITHRIL_LITE_CODE_OK, "inline walk");
        mithril_lite_check *c = NULL;
        expect(mithril_lite_walk_take_check(inline_walk, &c), MITHRIL_LITE_CODE_INVALID_STATE,
               "an inline walk hands out no checks");
        const entry *first = find(&certs, latest.data);
        if (first) {
            expect(mithril_lite_walk_feed(jobs, (const uint8_t *)first->value, first->len),
                   MITHRIL_LITE_CODE_OK, "feed");
            expect(mithril_lite_walk_take_check(jobs, &c), MITHRIL_LITE_CODE_OK, "take_check");
            expect_true(c != NULL, "a standard certificate hands out its check");
            expect(mithril_lite_walk_complete(jobs, &c), MITHRIL_LITE_CODE_INVALID_STATE,
                   "completing a check not run yet");
            expect(mithril_lite_check_run(c), MITHRIL_LITE_CODE_OK, "check_run");
            expect(mithril_lite_check_run(c), MITHRIL_LITE_CODE_INVALID_STATE, "running it twice");
            expect(mithril_lite_walk_complete(other, &c), MITHRIL_LITE_CODE_INVALID_ARGUMENT,
                   "completing it into another walk");
            expect(mithril_lite_check_run((mithril_lite_check *)jobs), MITHRIL_LITE_CODE_INVALID_HANDLE,
                   "a walk passed as a check");
            expect(mithril_lite_walk_complete(jobs, &c), MITHRIL_LITE_CODE_OK, "complete");
            expect_true(c == NULL, "complete sets the pointer to NULL");
            expect(mithril_lite_walk_complete(jobs, &c), MITHRIL_LITE_CODE_NULL_POINTER,
                   "completing it twice");
            expect(mithril_lite_check_run(NULL), MITHRIL_LITE_CODE_NULL_POINTER, "check_run(NULL)");
            mithril_lite_check_free(&c);
            mithril_lite_check_free(NULL);
        } else {
            fail("%s: the latest certificate is missing", dir);
        }
    }
    mithril_lite_walk_free(&jobs);
    mithril_lite_walk_free(&other);
    mithril_lite_walk_free(&inline_walk);
    mithril_lite_verifier_free(&v);
    free_map(&certs);
    free(latest.data);
    free(key.data);
}

int main(int argc, char **argv) {
    size_t threads = 4;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--threads") == 0) {
        threads = (size_t)atoi(argv[2]);
        first = 3;
    }
    if (first >= argc || threads == 0) {
        fprintf(stderr, "usage: %s [--threads N] CHAIN_DIR...\n", argv[0]);
        return 2;
    }
    printf("mithril-lite %s (C ABI): jobs mode on %zu worker threads vs inline\n",
           mithril_lite_version(), threads);
    worker_pool *pool = pool_start(threads);
    if (!pool) {
        fprintf(stderr, "cannot start the worker threads\n");
        return 2;
    }
    for (int i = first; i < argc; i++) {
        printf("== %s\n", argv[i]);
        check_chain(argv[i], NULL, pool);
        check_negatives(argv[i], pool);
        /* Misuse on the reference chains (the devnet fixture has no `latest` file). */
        buffer has_latest = read_optional(argv[i], "latest");
        if (has_latest.data) check_misuse(argv[i]);
        free(has_latest.data);
    }
    expect_true(pool_run_errors(pool) == 0, "every check ran");
    printf("  %zu walks, %zu signature checks run on %zu worker threads\n", walks, pool_runs(pool),
           threads);
    pool_stop(&pool);
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
