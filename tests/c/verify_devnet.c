/*
 * C test of the mithril-lite C ABI (include/mithril_lite.h), linked against the host static
 * library. Usage: verify_devnet FIXTURE_DIR [--jobs N] (FIXTURE_DIR laid out like
 * tests/fixtures/devnet). With --jobs N every walk below runs in jobs mode, its checks on a
 * pool of N worker threads completed in turn as finished, in reverse and in random order
 * (walk_driver.c), and must give the same verdicts as inline mode.
 *
 * 1. walks the devnet chain from its latest certificate back to genesis through the sans-IO
 *    walk API, the way an app does (it "fetches" from certificates.json);
 * 2. checks that garbage, truncated JSON, the wrong certificate, a tampered certificate, an
 *    oversized body, a too-long chain and a missing certificate give their codes, and that
 *    misuse (null pointers, wrong handle types, wrong state, small buffers) gives its codes;
 * 3. exports trust checkpoints, imports them into a fresh verifier, and checks that walks
 *    stop there; refuses malformed, future-version and other-key checkpoints;
 * 4. verifies every artifact and proof of the fixture against its certificate (walked first),
 *    and checks that tampered ones are refused with their specific codes;
 * 5. reads the public networks (the core's table) and compares their keys and aggregators with
 *    FIXTURE_DIR/../networks.json; an unknown name gives MITHRIL_LITE_CODE_INVALID_ARGUMENT; a
 *    verifier made for mainnet refuses the devnet chain's genesis certificate.
 *
 * With --trust-file IN OUT: only the trust round trip (see trust_file below).
 *
 * Exit status 0 when every check passed. Everything allocated is freed (the test runs under
 * valgrind --leak-check=full too).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "mithril_lite.h"
#include "walk_driver.h"


/* ---------------------------------------------------------------------------------------- */
/* The walk loop an app runs; `tamper` may replace the body fed for the fetch number `at`.   */

typedef struct {
    size_t at;             /* which fetch to tamper with (0 = the starting certificate) */
    const char *body;      /* the body to feed instead (NULL: report a failed fetch) */
    size_t len;
} tamper;

/* Inline mode, or (--jobs N) jobs mode on a pool of N workers, cycling through the completion
 * orders walk after walk: every verdict below must come out the same either way. */
static worker_pool *pool = NULL;
static size_t walks = 0;

typedef struct {
    const json_map *certs;
    const tamper *t;
} fetch_ctx;

static mithril_lite_code fetch_certificate(void *ctx, mithril_lite_walk *walk, size_t fetch,
                                           const char *needed) {
    const fetch_ctx *f = ctx;
    if (f->t && f->t->at == fetch) {
        if (f->t->body) return mithril_lite_walk_feed(walk, (const uint8_t *)f->t->body, f->t->len);
        return mithril_lite_walk_fetch_failed(walk, "HTTP 404 (simulated)");
    }
    const entry *e = find(f->certs, needed);
    if (e) return mithril_lite_walk_feed(walk, (const uint8_t *)e->value, e->len);
    return mithril_lite_walk_fetch_failed(walk, "not in certificates.json");
}

static mithril_lite_code walk_chain(const mithril_lite_verifier *verifier, const json_map *certs,
                                    const char *hash, const tamper *t,
                                    mithril_lite_certificate **out) {
    static const walk_mode jobs_modes[] = {WALK_STREAM, WALK_REVERSE, WALK_RANDOM};
    walk_mode mode = pool ? jobs_modes[walks % 3] : WALK_INLINE;
    fetch_ctx f = {certs, t};
    walks++;
    return drive_walk(verifier, hash, mode, pool, walks, fetch_certificate, &f, out);
}

/* Walk with a tampered fetch and expect a verdict code, and a message naming something. */
static void expect_verdict(const mithril_lite_verifier *verifier, const json_map *certs,
                           const char *hash, const tamper *t, mithril_lite_code want,
                           const char *what) {
    mithril_lite_certificate *cert = NULL;
    mithril_lite_code rc = walk_chain(verifier, certs, hash, t, &cert);
    if (expect(rc, want, what)) {
        expect_true(cert == NULL, "a failed walk gives no certificate");
        expect_true(mithril_lite_last_error_code() == want, "last_error_code is the verdict's");
        expect_true(strlen(last_message()) > 0, "a failed walk has a message");
        printf("  ok   %-34s -> %s: %.90s\n", what, mithril_lite_code_name(rc), last_message());
    }
    mithril_lite_certificate_free(&cert);
}

/* ---------------------------------------------------------------------------------------- */

static void test_chain_and_errors(const char *dir, const char *genesis, const json_map *certs,
                                  const char *latest, mithril_lite_verifier *verifier) {
    /* The chain, back to genesis. */
    mithril_lite_certificate *cert = NULL;
    if (!expect(walk_chain(verifier, certs, latest, NULL, &cert), MITHRIL_LITE_CODE_OK,
                "devnet chain from the latest certificate"))
        return;
    char hash[65], json[16384], entity[256];
    uint64_t epoch = 0;
    size_t len = 0;
    expect(mithril_lite_certificate_hash(cert, hash, sizeof hash, &len), MITHRIL_LITE_CODE_OK,
           "certificate_hash");
    expect_true(strcmp(hash, latest) == 0 && len == 64, "the verified certificate is the latest");
    expect(mithril_lite_certificate_epoch(cert, &epoch), MITHRIL_LITE_CODE_OK, "certificate_epoch");
    expect(mithril_lite_certificate_signed_entity_type(cert, entity, sizeof entity, NULL),
           MITHRIL_LITE_CODE_OK, "certificate_signed_entity_type");
    expect(mithril_lite_certificate_protocol_message(cert, json, sizeof json, NULL),
           MITHRIL_LITE_CODE_OK, "certificate_protocol_message");
    expect_true(strstr(json, "\"current_epoch\":") != NULL, "the protocol message has current_epoch");
    expect(mithril_lite_certificate_json(cert, json, sizeof json, &len), MITHRIL_LITE_CODE_OK,
           "certificate_json");
    expect_true(strstr(json, "\"anchor\":{\"hash\"") != NULL && strstr(json, "\"kind\":\"genesis\""),
                "the chain is anchored at genesis");
    printf("  ok   devnet chain: %s (epoch %llu, %s), %zu bytes of JSON\n", hash,
           (unsigned long long)epoch, entity, len);

    /* Buffers: too small gives the needed length and a cut, NUL-terminated string. */
    char small[10];
    expect(mithril_lite_certificate_hash(cert, small, sizeof small, &len),
           MITHRIL_LITE_CODE_BUFFER_TOO_SMALL, "a 10-byte buffer for a hash");
    expect_true(len == 64 && strlen(small) == 9 && strncmp(small, latest, 9) == 0,
                "a too-small buffer gets the needed length and a cut string");
    expect(mithril_lite_certificate_hash(cert, NULL, 0, &len), MITHRIL_LITE_CODE_BUFFER_TOO_SMALL,
           "a size query");
    expect(mithril_lite_certificate_hash(cert, NULL, 5, &len), MITHRIL_LITE_CODE_NULL_POINTER,
           "a null buffer with a size");

    /* Bodies for the negative walks. */
    const entry *first = find(certs, latest);
    const entry *other = NULL;
    for (size_t i = 0; i < certs->count && !other; i++)
        if (strcmp(certs->entries[i].key, latest) != 0) other = &certs->entries[i];
    if (!first || !other) {
        fail("fixture lacks certificates");
        mithril_lite_certificate_free(&cert);
        return;
    }
    static const char garbage[] = "\x01\x02 this is not JSON at all \xff";
    tamper t_garbage = {0, garbage, sizeof garbage - 1};
    expect_verdict(verifier, certs, latest, &t_garbage, MITHRIL_LITE_CODE_CERTIFICATE_MALFORMED,
                   "garbage bytes");
    tamper t_truncated = {0, first->value, first->len / 2};
    expect_verdict(verifier, certs, latest, &t_truncated, MITHRIL_LITE_CODE_CERTIFICATE_MALFORMED,
                   "truncated JSON");
    tamper t_empty = {0, NULL, 0};
    t_empty.body = "";
    expect_verdict(verifier, certs, latest, &t_empty, MITHRIL_LITE_CODE_CERTIFICATE_MALFORMED,
                   "an empty body");
    tamper t_wrong = {0, other->value, other->len};
    expect_verdict(verifier, certs, latest, &t_wrong, MITHRIL_LITE_CODE_UNEXPECTED_CERTIFICATE,
                   "another certificate first");
    tamper t_again = {1, first->value, first->len};
    expect_verdict(verifier, certs, latest, &t_again, MITHRIL_LITE_CODE_CHAIN_PREVIOUS_HASH_MISMATCH,
                   "the wrong predecessor");
    tamper t_missing = {1, NULL, 0};
    expect_verdict(verifier, certs, latest, &t_missing, MITHRIL_LITE_CODE_CERTIFICATE_UNAVAILABLE,
                   "a predecessor that cannot be fetched");
    size_t bumped_len = 0;
    char *bumped = bump_number(first->value, first->len, "epoch", &bumped_len);
    if (bumped) {
        tamper t_epoch = {0, bumped, bumped_len};
        expect_verdict(verifier, certs, latest, &t_epoch, MITHRIL_LITE_CODE_CERTIFICATE_HASH_MISMATCH,
                       "a tampered epoch");
        free(bumped);
    }

    /* Limits. */
    mithril_lite_verifier *limited = NULL;
    expect(mithril_lite_verifier_new(genesis, &limited), MITHRIL_LITE_CODE_OK, "verifier_new");
    expect(mithril_lite_verifier_set_limits(limited, 10000, 100), MITHRIL_LITE_CODE_OK, "set_limits");
    expect_verdict(limited, certs, latest, NULL, MITHRIL_LITE_CODE_INPUT_TOO_LARGE,
                   "a body over max_certificate_bytes");
    expect(mithril_lite_verifier_set_limits(limited, 2, 1 << 20), MITHRIL_LITE_CODE_OK, "set_limits");
    expect_verdict(limited, certs, latest, NULL, MITHRIL_LITE_CODE_CHAIN_TOO_LONG,
                   "a chain over max_chain_length");
    expect(mithril_lite_verifier_set_limits(limited, 0, 1), MITHRIL_LITE_CODE_INVALID_ARGUMENT,
           "a zero limit");
    mithril_lite_verifier_free(&limited);

    /* Misuse. */
    mithril_lite_verifier *v = (mithril_lite_verifier *)1;
    expect(mithril_lite_verifier_new(NULL, &v), MITHRIL_LITE_CODE_NULL_POINTER, "verifier_new(NULL)");
    expect_true(v == NULL, "a failed _new sets the out-parameter to NULL");
    expect(mithril_lite_verifier_new("not a key", &v), MITHRIL_LITE_CODE_INVALID_GENESIS_KEY,
           "a bad genesis key");
    expect(mithril_lite_verifier_new(genesis, NULL), MITHRIL_LITE_CODE_NULL_POINTER,
           "verifier_new without an out-parameter");
    expect(mithril_lite_verifier_new("\xc3\x28", &v), MITHRIL_LITE_CODE_INVALID_UTF8,
           "a key that is not UTF-8");
    mithril_lite_walk *walk = NULL;
    expect(mithril_lite_walk_new(NULL, latest, &walk), MITHRIL_LITE_CODE_NULL_POINTER,
           "walk_new(NULL verifier)");
    expect(mithril_lite_walk_new((const mithril_lite_verifier *)cert, latest, &walk),
           MITHRIL_LITE_CODE_INVALID_HANDLE, "a certificate passed as a verifier");
    expect(mithril_lite_walk_new(verifier, NULL, &walk), MITHRIL_LITE_CODE_NULL_POINTER,
           "walk_new(NULL hash)");
    expect(mithril_lite_walk_feed(NULL, (const uint8_t *)"{}", 2), MITHRIL_LITE_CODE_NULL_POINTER,
           "walk_feed(NULL)");
    expect(mithril_lite_walk_new(verifier, latest, &walk), MITHRIL_LITE_CODE_OK, "walk_new");
    mithril_lite_certificate *none = NULL;
    expect(mithril_lite_walk_result(walk, &none), MITHRIL_LITE_CODE_INVALID_STATE,
           "walk_result before the walk is done");
    expect(mithril_lite_walk_feed(walk, NULL, 5), MITHRIL_LITE_CODE_NULL_POINTER,
           "walk_feed(NULL body, 5)");
    expect(mithril_lite_walk_next_needed(walk, small, sizeof small, &len),
           MITHRIL_LITE_CODE_BUFFER_TOO_SMALL, "next_needed into a small buffer");
    expect_true(len == 64, "next_needed reports the hash length");
    expect(mithril_lite_walk_feed(walk, (const uint8_t *)"{", 1), MITHRIL_LITE_CODE_OK, "walk_feed");
    expect(mithril_lite_walk_next_needed(walk, NULL, 0, NULL), MITHRIL_LITE_CODE_DONE,
           "a malformed first certificate ends the walk");
    expect(mithril_lite_walk_feed(walk, (const uint8_t *)"{}", 2), MITHRIL_LITE_CODE_INVALID_STATE,
           "walk_feed after the walk is done");
    expect(mithril_lite_walk_fetch_failed(walk, NULL), MITHRIL_LITE_CODE_INVALID_STATE,
           "walk_fetch_failed after the walk is done");
    expect(mithril_lite_walk_result(walk, &none), MITHRIL_LITE_CODE_CERTIFICATE_MALFORMED,
           "the verdict, read twice (1)");
    expect(mithril_lite_walk_result(walk, &none), MITHRIL_LITE_CODE_CERTIFICATE_MALFORMED,
           "the verdict, read twice (2)");
    expect(mithril_lite_walk_result(walk, NULL), MITHRIL_LITE_CODE_NULL_POINTER,
           "walk_result without an out-parameter");
    mithril_lite_walk_free(&walk);
    mithril_lite_walk_free(&walk); /* the pointer is NULL now: a no-op */
    mithril_lite_walk_free(NULL);
    expect(mithril_lite_certificate_epoch(cert, NULL), MITHRIL_LITE_CODE_NULL_POINTER,
           "certificate_epoch(NULL out)");

    /* The last error message: snprintf-style, and reading it changes nothing. */
    expect(mithril_lite_walk_new(NULL, latest, &walk), MITHRIL_LITE_CODE_NULL_POINTER, "walk_new(NULL)");
    char tiny[4];
    size_t msg_len = 0;
    expect(mithril_lite_last_error_message(tiny, sizeof tiny, &msg_len),
           MITHRIL_LITE_CODE_BUFFER_TOO_SMALL, "last_error_message into 4 bytes");
    expect_true(strlen(tiny) == 3 && msg_len > 3, "the message is cut and its length reported");
    expect_true(mithril_lite_last_error_code() == MITHRIL_LITE_CODE_NULL_POINTER,
                "reading the message keeps the last error");
    expect_true(strcmp(mithril_lite_code_name(MITHRIL_LITE_CODE_CHAIN_AVK_MISMATCH),
                       "chain_avk_mismatch") == 0 &&
                    strcmp(mithril_lite_code_name(12345), "unknown") == 0,
                "code names are the core's");
    mithril_lite_certificate_free(&cert);
    expect_true(cert == NULL, "certificate_free sets the pointer to NULL");
    mithril_lite_certificate_free(&cert);
    (void)dir;
}

/* Walk from `hash` inline, feeding at most `steps` certificates (then drop the walk after
 * saving its progress in `verifier`), or to its verdict. Returns the fetches made; *rc_out
 * gets the result's code when the walk finished (else MITHRIL_LITE_CODE_INVALID_STATE). */
static size_t walk_steps(mithril_lite_verifier *verifier, const json_map *certs, const char *hash,
                         size_t steps, mithril_lite_code *rc_out) {
    mithril_lite_walk *walk = NULL;
    size_t fetches = 0;
    *rc_out = MITHRIL_LITE_CODE_INVALID_STATE;
    if (!expect(mithril_lite_walk_new(verifier, hash, &walk), MITHRIL_LITE_CODE_OK, "walk_new"))
        return 0;
    char needed[65];
    for (;;) {
        mithril_lite_code rc = mithril_lite_walk_next_needed(walk, needed, sizeof needed, NULL);
        if (rc == MITHRIL_LITE_CODE_DONE) {
            mithril_lite_certificate *cert = NULL;
            *rc_out = mithril_lite_walk_result(walk, &cert);
            if (*rc_out == MITHRIL_LITE_CODE_OK)
                expect(mithril_lite_verifier_trust(verifier, cert), MITHRIL_LITE_CODE_OK, "trust");
            mithril_lite_certificate_free(&cert);
            break;
        }
        if (!expect(rc, MITHRIL_LITE_CODE_OK, "next_needed")) break;
        if (fetches == steps) {
            /* Dropped here: what it checked goes to the verifier as pending progress. */
            expect(mithril_lite_walk_save_pending(walk, verifier), MITHRIL_LITE_CODE_OK,
                   "walk_save_pending");
            break;
        }
        const entry *e = find(certs, needed);
        fetches++;
        if (e) mithril_lite_walk_feed(walk, (const uint8_t *)e->value, e->len);
        else mithril_lite_walk_fetch_failed(walk, "not in certificates.json");
    }
    mithril_lite_walk_free(&walk);
    return fetches;
}

/* Drop a walk after every fetch, store its progress as bytes, resume in a fresh verifier: the
 * same verdict, and the segment's certificates between its ends are not fetched again. */
static void test_resume(const char *genesis, const json_map *certs, const char *latest) {
    mithril_lite_verifier *verifier = NULL;
    mithril_lite_code rc;
    if (!expect(mithril_lite_verifier_new(genesis, &verifier), MITHRIL_LITE_CODE_OK, "verifier_new"))
        return;
    size_t full = walk_steps(verifier, certs, latest, (size_t)-1, &rc);
    expect(rc, MITHRIL_LITE_CODE_OK, "a fresh walk");
    mithril_lite_verifier_free(&verifier);
    size_t resumed = 0;
    for (size_t k = 1; k < full; k++) {
        mithril_lite_verifier_new(genesis, &verifier);
        walk_steps(verifier, certs, latest, k, &rc);
        size_t count = 1, len = 0;
        mithril_lite_verifier_checkpoint_count(verifier, &count);
        expect_true(count == 0, "pending progress is not a checkpoint");
        mithril_lite_verifier_export_checkpoints(verifier, NULL, 0, &len);
        uint8_t *bytes = malloc(len);
        expect(mithril_lite_verifier_export_checkpoints(verifier, bytes, len, &len),
               MITHRIL_LITE_CODE_OK, "export pending progress");
        expect_true(bytes[4] == 3, "progress is stored as format version 3");
        mithril_lite_verifier_free(&verifier);

        /* A flipped byte anywhere is refused whole. */
        for (size_t i = 0; i < len; i += 7) {
            mithril_lite_verifier_new(genesis, &verifier);
            bytes[i] ^= 0x10;
            if (mithril_lite_verifier_import_checkpoints(verifier, bytes, len) == MITHRIL_LITE_CODE_OK)
                fail("corrupted progress (byte %zu) was imported", i);
            bytes[i] ^= 0x10;
            mithril_lite_verifier_free(&verifier);
        }

        mithril_lite_verifier_new(genesis, &verifier);
        expect(mithril_lite_verifier_import_checkpoints(verifier, bytes, len), MITHRIL_LITE_CODE_OK,
               "import pending progress");
        size_t fetches = walk_steps(verifier, certs, latest, (size_t)-1, &rc);
        expect(rc, MITHRIL_LITE_CODE_OK, "the resumed walk verifies");
        size_t skipped = k > 2 ? k - 2 : 0;
        if (fetches != full - skipped)
            fail("dropped after %zu: the resumed walk fetched %zu, not %zu", k, fetches, full - skipped);
        mithril_lite_verifier_checkpoint_count(verifier, &count);
        expect_true(count == full, "the resumed walk trusts the whole chain");
        mithril_lite_verifier_export_checkpoints(verifier, NULL, 0, &len);
        expect_true(len == 41 + 40 * full + 32, "no pending progress left after the commit");
        mithril_lite_verifier_free(&verifier);
        free(bytes);
        if (skipped > 0) resumed++;
    }
    expect_true(resumed > 0, "some walk resumed over a segment");
    printf("  ok   dropped after each of %zu fetches: resumed with the same verdict\n", full - 1);
}

/* Export, import and use trust checkpoints. */
static void test_checkpoints(const char *genesis, const json_map *certs, const char *latest,
                             mithril_lite_verifier *verifier) {
    mithril_lite_certificate *cert = NULL;
    if (!expect(walk_chain(verifier, certs, latest, NULL, &cert), MITHRIL_LITE_CODE_OK,
                "chain before trusting"))
        return;
    expect(mithril_lite_verifier_trust(verifier, cert), MITHRIL_LITE_CODE_OK, "verifier_trust");
    size_t count = 0, len = 0;
    expect(mithril_lite_verifier_checkpoint_count(verifier, &count), MITHRIL_LITE_CODE_OK,
           "checkpoint_count");
    expect(mithril_lite_verifier_export_checkpoints(verifier, NULL, 0, &len),
           MITHRIL_LITE_CODE_BUFFER_TOO_SMALL, "export size query");
    expect_true(len == 41 + 40 * count + 32,
                "export length: header + 40 bytes per checkpoint + checksum");
    uint8_t *bytes = malloc(len);
    size_t len2 = 0;
    expect(mithril_lite_verifier_export_checkpoints(verifier, bytes, len, &len2), MITHRIL_LITE_CODE_OK,
           "export");
    expect_true(len2 == len && memcmp(bytes, "MLTC\x02", 5) == 0, "export: magic and version");
    printf("  ok   trusted %zu certificates, %zu bytes of checkpoints\n", count, len);

    mithril_lite_verifier *fresh = NULL;
    expect(mithril_lite_verifier_new(genesis, &fresh), MITHRIL_LITE_CODE_OK, "verifier_new");
    expect(mithril_lite_verifier_import_checkpoints(fresh, bytes, len - 1),
           MITHRIL_LITE_CODE_CHECKPOINT_MALFORMED, "import truncated checkpoints");
    bytes[4] = 4;
    expect(mithril_lite_verifier_import_checkpoints(fresh, bytes, len),
           MITHRIL_LITE_CODE_CHECKPOINT_UNSUPPORTED_VERSION, "import a future version");
    bytes[4] = 2;
    /* A corrupted byte anywhere (here: in the first entry's epoch) fails the checksum. */
    bytes[41 + 35] ^= 1;
    expect(mithril_lite_verifier_import_checkpoints(fresh, bytes, len),
           MITHRIL_LITE_CODE_CHECKPOINT_MALFORMED, "import corrupted checkpoints");
    bytes[41 + 35] ^= 1;
    expect(mithril_lite_verifier_import_checkpoints(fresh, (const uint8_t *)"garbage", 7),
           MITHRIL_LITE_CODE_CHECKPOINT_MALFORMED, "import garbage");
    expect(mithril_lite_verifier_import_checkpoints(fresh, NULL, 3), MITHRIL_LITE_CODE_NULL_POINTER,
           "import NULL");
    size_t fresh_count = 1;
    expect(mithril_lite_verifier_checkpoint_count(fresh, &fresh_count), MITHRIL_LITE_CODE_OK,
           "checkpoint_count");
    expect_true(fresh_count == 0, "refused imports add nothing");
    /* Another genesis key (the Ed25519 base point: a valid key, not devnet's). */
    mithril_lite_verifier *stranger = NULL;
    expect(mithril_lite_verifier_new(
               "5866666666666666666666666666666666666666666666666666666666666666", &stranger),
           MITHRIL_LITE_CODE_OK, "verifier_new with another key");
    expect(mithril_lite_verifier_import_checkpoints(stranger, bytes, len),
           MITHRIL_LITE_CODE_CHECKPOINT_GENESIS_KEY_MISMATCH, "import under another genesis key");
    expect(mithril_lite_verifier_trust(stranger, cert), MITHRIL_LITE_CODE_CHECKPOINT_GENESIS_KEY_MISMATCH,
           "trust a chain verified under another key");
    mithril_lite_verifier_free(&stranger);

    expect(mithril_lite_verifier_import_checkpoints(fresh, bytes, len), MITHRIL_LITE_CODE_OK, "import");
    expect(mithril_lite_verifier_checkpoint_count(fresh, &fresh_count), MITHRIL_LITE_CODE_OK,
           "checkpoint_count");
    expect_true(fresh_count == count, "import restores every checkpoint");
    /* Now the walk stops at the first certificate: a trusted one. */
    mithril_lite_certificate *again = NULL;
    if (expect(walk_chain(fresh, certs, latest, NULL, &again), MITHRIL_LITE_CODE_OK,
               "walk with imported checkpoints")) {
        char json[16384];
        expect(mithril_lite_certificate_json(again, json, sizeof json, NULL), MITHRIL_LITE_CODE_OK,
               "certificate_json");
        expect_true(strstr(json, "\"kind\":\"trusted\"") && strstr(json, "\"certificates_checked\":1"),
                    "the walk stopped at a trust checkpoint after one certificate");
    }
    mithril_lite_certificate_free(&again);
    /* A trusted certificate is still hash-checked. */
    const entry *first = find(certs, latest);
    size_t bumped_len = 0;
    char *bumped = first ? bump_number(first->value, first->len, "epoch", &bumped_len) : NULL;
    if (bumped) {
        tamper t = {0, bumped, bumped_len};
        expect_verdict(fresh, certs, latest, &t, MITHRIL_LITE_CODE_CERTIFICATE_HASH_MISMATCH,
                       "a tampered trusted certificate");
        free(bumped);
    }
    expect(mithril_lite_verifier_clear_checkpoints(fresh), MITHRIL_LITE_CODE_OK, "clear_checkpoints");
    expect(mithril_lite_verifier_checkpoint_count(fresh, &fresh_count), MITHRIL_LITE_CODE_OK,
           "checkpoint_count");
    expect_true(fresh_count == 0, "clear forgets every checkpoint");
    mithril_lite_verifier_free(&fresh);
    expect_true(fresh == NULL, "verifier_free sets the pointer to NULL");
    mithril_lite_verifier_free(&fresh);
    free(bytes);
    mithril_lite_certificate_free(&cert);
}

/* The core's default limits, and a walk's progress as the core counts it. */
static void test_progress_and_limits(const json_map *certs, const char *latest,
                                     const mithril_lite_verifier *verifier) {
    mithril_lite_limits limits;
    memset(&limits, 0, sizeof limits);
    if (expect(mithril_lite_default_limits(&limits), MITHRIL_LITE_CODE_OK, "default_limits")) {
        /* The values README.md and src/chain/config.rs document. */
        expect_true(limits.max_chain_length == 10000, "default max_chain_length");
        expect_true(limits.max_certificate_bytes == 8 * 1024 * 1024, "default max_certificate_bytes");
        expect_true(limits.pairing_batch == 32, "default pairing_batch");
        expect_true(limits.max_signatures_per_certificate == 4096, "default max_signatures");
        expect_true(limits.max_indices_per_certificate == 65536, "default max_indices_per_certificate");
        expect_true(limits.max_indices_per_signature == 32768, "default max_indices_per_signature");
        expect_true(limits.max_checkpoints == 1000, "default max_checkpoints");
        printf("  ok   default limits: %zu certificates, %zu bytes, %zu checkpoints\n",
               limits.max_chain_length, limits.max_certificate_bytes, limits.max_checkpoints);
    }
    expect(mithril_lite_default_limits(NULL), MITHRIL_LITE_CODE_NULL_POINTER, "default_limits(NULL)");

    mithril_lite_walk *walk = NULL;
    if (!expect(mithril_lite_walk_new(verifier, latest, &walk), MITHRIL_LITE_CODE_OK, "walk_new"))
        return;
    mithril_lite_progress p;
    memset(&p, 0xff, sizeof p);
    expect(mithril_lite_walk_progress(walk, &p), MITHRIL_LITE_CODE_OK, "walk_progress");
    expect_true(p.certificates_fetched == 0 && p.certificates_verified == 0 && !p.has_start_epoch &&
                    !p.has_fraction && !p.anchor_verified,
                "progress before the first certificate");
    expect(mithril_lite_walk_progress(walk, NULL), MITHRIL_LITE_CODE_NULL_POINTER,
           "walk_progress(NULL)");
    char needed[65];
    size_t fed = 0, verified = 0;
    int monotonic = 1, fraction_before_genesis = 0, checked_as_fed = 1;
    while (mithril_lite_walk_next_needed(walk, needed, sizeof needed, NULL) == MITHRIL_LITE_CODE_OK) {
        const entry *e = find(certs, needed);
        if (!e) break;
        expect(mithril_lite_walk_feed(walk, (const uint8_t *)e->value, e->len), MITHRIL_LITE_CODE_OK,
               "walk_feed");
        expect(mithril_lite_walk_progress(walk, &p), MITHRIL_LITE_CODE_OK, "walk_progress");
        if (p.certificates_verified < verified || p.certificates_fetched != fed + 1 ||
            p.certificates_verified > p.certificates_checked ||
            p.certificates_checked > p.certificates_fetched)
            monotonic = 0;
        /* Inline checks: each certificate is checked when fed (its pairing equation waits for
         * its batch, so it may not count as verified yet). */
        if (p.certificates_checked != p.certificates_fetched) checked_as_fed = 0;
        if (!p.anchor_verified && p.has_fraction) fraction_before_genesis = 1;
        fed = p.certificates_fetched;
        verified = p.certificates_verified;
    }
    expect_true(monotonic, "progress: one more certificate fetched per feed, verified never drops");
    expect_true(checked_as_fed, "progress: every certificate counts as checked once fed");
    /* A walk to genesis has no anchor epoch (so no fraction) until genesis is read. */
    expect_true(!fraction_before_genesis, "no fraction before genesis");
    expect_true(p.certificates_verified == p.certificates_fetched && p.anchor_verified &&
                    p.pending_checks == 0,
                "progress at the end: every certificate verified");
    expect_true(p.has_start_epoch && p.start_epoch == 25, "progress: start epoch");
    /* The devnet genesis certificate is of epoch 15 (tests/fixtures/devnet/certificates.json). */
    expect_true(p.has_anchor_epoch && p.anchor_epoch == 15 && p.has_verified_epoch &&
                    p.verified_epoch == 15,
                "progress: the genesis epoch once reached");
    expect_true(p.has_fraction && p.fraction == 1.0, "progress: fraction 1 at the end");
    printf("  ok   progress: %zu fetched, %zu verified, epochs %llu back to %llu\n",
           p.certificates_fetched, p.certificates_verified, (unsigned long long)p.start_epoch,
           (unsigned long long)p.anchor_epoch);
    mithril_lite_walk_free(&walk);

    /* A fetch that fails (here: a connection the server closed) is the host's to report: the
     * verdict is certificate_unavailable with the host's words, and the certificate whose
     * predecessor could not be fetched does not count as verified. */
    if (!expect(mithril_lite_walk_new(verifier, latest, &walk), MITHRIL_LITE_CODE_OK, "walk_new"))
        return;
    const entry *start = find(certs, latest);
    if (start)
        expect(mithril_lite_walk_feed(walk, (const uint8_t *)start->value, start->len),
               MITHRIL_LITE_CODE_OK, "walk_feed");
    expect(mithril_lite_walk_fetch_failed(walk, "connection closed by the server (simulated)"),
           MITHRIL_LITE_CODE_OK, "walk_fetch_failed");
    expect(mithril_lite_walk_next_needed(walk, needed, sizeof needed, NULL), MITHRIL_LITE_CODE_DONE,
           "next_needed after the failed fetch");
    mithril_lite_certificate *cert = NULL;
    expect(mithril_lite_walk_result(walk, &cert), MITHRIL_LITE_CODE_CERTIFICATE_UNAVAILABLE,
           "walk_result after a failed fetch");
    expect_true(strstr(last_message(), "connection closed by the server (simulated)") != NULL,
                "certificate_unavailable carries the host's detail");
    expect(mithril_lite_walk_progress(walk, &p), MITHRIL_LITE_CODE_OK, "walk_progress");
    expect_true(p.certificates_fetched == 1 && p.certificates_verified == 0 &&
                    p.certificates_checked == 0 && !p.anchor_verified,
                "progress after a failed fetch");
    mithril_lite_walk_free(&walk);
}

/* ---------------------------------------------------------------------------------------- */
/* Artifacts and proofs.                                                                     */

enum kind { MSD, CSD, DB, TX_V1, TX_V2, BLOCKS };
static const struct {
    enum kind kind;
    const char *file;
    size_t expected;
} KINDS[] = {
    {MSD, "mithril-stake-distributions.json", 9}, {CSD, "cardano-stake-distributions.json", 9},
    {DB, "cardano-databases.json", 11},           {TX_V1, "ctx-proofs.json", 4},
    {TX_V2, "ctx-proofs-v2.json", 4},             {BLOCKS, "cblk-proofs.json", 20},
};

/* Verified certificates by hash: each certificate is walked once. */
typedef struct {
    char hash[65];
    mithril_lite_certificate *cert;
} cached;
static cached cache[64];
static size_t cached_count = 0;

static const mithril_lite_certificate *certificate_for(mithril_lite_verifier *verifier,
                                                       const json_map *certs, const char *hash) {
    for (size_t i = 0; i < cached_count; i++)
        if (strcmp(cache[i].hash, hash) == 0) return cache[i].cert;
    if (cached_count == sizeof cache / sizeof cache[0]) {
        fail("too many certificates for the test's cache");
        return NULL;
    }
    mithril_lite_certificate *cert = NULL;
    if (!expect(walk_chain(verifier, certs, hash, NULL, &cert), MITHRIL_LITE_CODE_OK, hash))
        return NULL;
    /* Later walks stop at this chain, as an app's would. */
    expect(mithril_lite_verifier_trust(verifier, cert), MITHRIL_LITE_CODE_OK, "verifier_trust");
    snprintf(cache[cached_count].hash, sizeof cache[0].hash, "%s", hash);
    cache[cached_count].cert = cert;
    return cache[cached_count++].cert;
}

static mithril_lite_code verify(enum kind kind, const mithril_lite_certificate *cert, const char *body,
                                size_t len, const char *id, mithril_lite_proof_result **out) {
    const uint8_t *b = (const uint8_t *)body;
    const char *ids[1] = {id};
    switch (kind) {
    case MSD:
        return mithril_lite_verify_mithril_stake_distribution(cert, b, len, out);
    case CSD:
        return mithril_lite_verify_cardano_stake_distribution(cert, b, len, out);
    case DB:
        return mithril_lite_verify_cardano_database(cert, b, len, NULL, 0, out);
    case TX_V1:
        return mithril_lite_verify_transactions_proof_v1(cert, b, len, ids, 1, out);
    case TX_V2:
        return mithril_lite_verify_transactions_proof_v2(cert, b, len, ids, 1, out);
    case BLOCKS:
        return mithril_lite_verify_blocks_proof(cert, b, len, ids, 1, out);
    }
    return MITHRIL_LITE_CODE_INTERNAL;
}

/* The typed accessors agree with what the kind of result must have. */
static void check_result(enum kind kind, const mithril_lite_proof_result *r, const char *id) {
    uint64_t value = 0;
    size_t n = 0;
    char item[128];
    int items = kind == TX_V1 || kind == TX_V2 || kind == BLOCKS;
    if (items) {
        expect(mithril_lite_proof_result_certified_count(r, &n), MITHRIL_LITE_CODE_OK, "certified_count");
        expect_true(n == 1, "the requested item is certified");
        expect(mithril_lite_proof_result_certified_item(r, 0, item, sizeof item, NULL),
               MITHRIL_LITE_CODE_OK, "certified_item");
        expect_true(strcmp(item, id) == 0, "the certified item is the requested one");
        expect(mithril_lite_proof_result_certified_item(r, 1, item, sizeof item, NULL),
               MITHRIL_LITE_CODE_INVALID_ARGUMENT, "certified_item past the end");
        expect(mithril_lite_proof_result_non_certified_count(r, &n), MITHRIL_LITE_CODE_OK,
               "non_certified_count");
        expect_true(n == 0, "nothing requested is left uncertified");
        expect(mithril_lite_proof_result_latest_block_number(r, &value), MITHRIL_LITE_CODE_OK,
               "latest_block_number");
        expect(mithril_lite_proof_result_block_number_offset(r, &value),
               kind == TX_V1 ? MITHRIL_LITE_CODE_NOT_AVAILABLE : MITHRIL_LITE_CODE_OK,
               "block_number_offset");
        expect(mithril_lite_proof_result_epoch(r, &value), MITHRIL_LITE_CODE_NOT_AVAILABLE, "epoch");
        expect(mithril_lite_proof_result_check_requested(r, id, NULL), MITHRIL_LITE_CODE_INVALID_ARGUMENT,
               "check_requested on an item proof");
    } else {
        expect(mithril_lite_proof_result_epoch(r, &value), MITHRIL_LITE_CODE_OK, "epoch");
        expect(mithril_lite_proof_result_latest_block_number(r, &value),
               MITHRIL_LITE_CODE_NOT_AVAILABLE, "latest_block_number of an artifact");
        /* The artifact asked for: by its own hash (any case), by its epoch, or by nothing. */
        char upper[128];
        snprintf(upper, sizeof upper, "%s", id);
        for (char *c = upper; *c; c++)
            if (*c >= 'a' && *c <= 'f') *c = (char)(*c - 'a' + 'A');
        expect(mithril_lite_proof_result_check_requested(r, id, &value), MITHRIL_LITE_CODE_OK,
               "check_requested: its hash and epoch");
        expect(mithril_lite_proof_result_check_requested(r, upper, NULL), MITHRIL_LITE_CODE_OK,
               "check_requested: its hash in upper case");
        expect(mithril_lite_proof_result_check_requested(r, NULL, NULL), MITHRIL_LITE_CODE_OK,
               "check_requested: nothing asked");
        uint64_t other_epoch = value + 1;
        expect(mithril_lite_proof_result_check_requested(r, NULL, &other_epoch),
               MITHRIL_LITE_CODE_ARTIFACT_NOT_REQUESTED, "check_requested: another epoch");
        upper[0] = upper[0] == '0' ? '1' : '0';
        expect(mithril_lite_proof_result_check_requested(r, upper, NULL),
               MITHRIL_LITE_CODE_ARTIFACT_NOT_REQUESTED, "check_requested: another hash");
    }
    size_t json_len = 0;
    expect(mithril_lite_proof_result_json(r, NULL, 0, &json_len), MITHRIL_LITE_CODE_BUFFER_TOO_SMALL,
           "result json size query");
    char *json = malloc(json_len + 1);
    if (json) {
        expect(mithril_lite_proof_result_json(r, json, json_len + 1, NULL), MITHRIL_LITE_CODE_OK,
               "result json");
        expect_true(json[0] == '{' && strstr(json, "\"kind\":") != NULL, "the result JSON is an object");
        free(json);
    }
}

/* A tampered body must be refused with `want`. */
static void expect_refused(enum kind kind, const mithril_lite_certificate *cert, const char *body,
                           size_t len, const char *id, mithril_lite_code want, const char *what) {
    mithril_lite_proof_result *r = NULL;
    if (expect(verify(kind, cert, body, len, id, &r), want, what))
        printf("  ok   %-34s -> %s\n", what, mithril_lite_code_name(want));
    expect_true(r == NULL, "a refused proof gives no result");
    mithril_lite_proof_result_free(&r);
}

/* mithril_lite_proof_certificate_hash refuses what the checks refuse first, with their codes. */
static void test_proof_certificate_hash(void) {
    static const char *bad[] = {"", "[]", "{}", "{\"certificate_hash\":\"\"}", "{\"certificate_hash\":7}",
                                "{\"certificate_hash\":\"ab\",\"certificate_hash\":\"cd\"}"};
    char buf[65];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        expect(mithril_lite_proof_certificate_hash((const uint8_t *)bad[i], strlen(bad[i]), buf, sizeof buf,
                                                   NULL, NULL),
               MITHRIL_LITE_CODE_PROOF_MALFORMED, bad[i]);
    const char *ok = "{\"certified_transactions\":[],\"certificate_hash\":\"abcd\"}";
    size_t len = 0;
    uint8_t version = 0;
    expect(mithril_lite_proof_certificate_hash((const uint8_t *)ok, strlen(ok), buf, sizeof buf, &len, &version),
           MITHRIL_LITE_CODE_OK, "proof_certificate_hash");
    expect_true(len == 4 && strcmp(buf, "abcd") == 0 && version == 1, "proof_certificate_hash: hash and version");
    expect(mithril_lite_proof_certificate_hash((const uint8_t *)ok, strlen(ok), buf, 3, &len, NULL),
           MITHRIL_LITE_CODE_BUFFER_TOO_SMALL, "proof_certificate_hash: small buffer");
    expect_true(len == 4, "proof_certificate_hash: the length needed");
    expect(mithril_lite_proof_certificate_hash(NULL, 5, buf, sizeof buf, NULL, NULL), MITHRIL_LITE_CODE_NULL_POINTER,
           "proof_certificate_hash: null body");
}

static void test_artifacts(const char *dir, const json_map *certs, mithril_lite_verifier *verifier) {
    test_proof_certificate_hash();
    for (size_t k = 0; k < sizeof KINDS / sizeof KINDS[0]; k++) {
        json_map m = load_map(dir, KINDS[k].file);
        size_t valid = 0;
        for (size_t i = 0; i < m.count; i++) {
            const entry *e = &m.entries[i];
            /* The certificate the body names, read by the library (no JSON parser here). */
            char cert_hash[65];
            uint8_t version = 0;
            if (!expect(mithril_lite_proof_certificate_hash((const uint8_t *)e->value, e->len, cert_hash,
                                                            sizeof cert_hash, NULL, &version),
                        MITHRIL_LITE_CODE_OK, "proof_certificate_hash")) {
                continue;
            }
            char scanned[65];
            expect_true(string_field(e->value, e->len, "certificate_hash", scanned, sizeof scanned) &&
                            strcmp(scanned, cert_hash) == 0,
                        "proof_certificate_hash: the body's certificate_hash");
            if (KINDS[k].kind == TX_V1 || KINDS[k].kind == TX_V2)
                expect_true(version == (KINDS[k].kind == TX_V1 ? 1 : 2),
                            "proof_certificate_hash: the transactions proof's version");
            const mithril_lite_certificate *cert = certificate_for(verifier, certs, cert_hash);
            if (!cert) continue;
            mithril_lite_proof_result *r = NULL;
            if (expect(verify(KINDS[k].kind, cert, e->value, e->len, e->key, &r), MITHRIL_LITE_CODE_OK,
                       e->key)) {
                check_result(KINDS[k].kind, r, e->key);
                valid++;
            }
            mithril_lite_proof_result_free(&r);
            expect_true(r == NULL, "proof_result_free sets the pointer to NULL");
            mithril_lite_proof_result_free(&r);

            if (i != 0) continue;
            /* Tampering with the first body of each kind. */
            const char *key = KINDS[k].kind == MSD      ? "stake"
                              : KINDS[k].kind == CSD    ? "epoch"
                              : KINDS[k].kind == DB     ? "immutable_file_number"
                                                        : "latest_block_number";
            mithril_lite_code want = KINDS[k].kind == MSD || KINDS[k].kind == CSD || KINDS[k].kind == DB
                                         ? MITHRIL_LITE_CODE_ARTIFACT_MISMATCH
                                         : MITHRIL_LITE_CODE_PROOF_MESSAGE_MISMATCH;
            size_t bad_len = 0;
            char *bad = bump_number(e->value, e->len, key, &bad_len);
            if (bad) {
                char what[96];
                snprintf(what, sizeof what, "%s: %s + 1", KINDS[k].file, key);
                expect_refused(KINDS[k].kind, cert, bad, bad_len, e->key, want, what);
                free(bad);
            }
            expect_refused(KINDS[k].kind, cert, e->value, e->len / 2, e->key,
                           MITHRIL_LITE_CODE_PROOF_MALFORMED, "a truncated body");
        }
        printf("%-34s %zu/%zu valid\n", KINDS[k].file, valid, m.count);
        expect_true(valid == m.count && m.count == KINDS[k].expected, KINDS[k].file);
        free_map(&m);
    }

    /* A proof checked against another certificate, and a request the proof does not cover. */
    json_map v2 = load_map(dir, "ctx-proofs-v2.json");
    if (v2.count > 0 && cached_count > 1) {
        const entry *e = &v2.entries[0];
        char cert_hash[65];
        string_field(e->value, e->len, "certificate_hash", cert_hash, sizeof cert_hash);
        const mithril_lite_certificate *own = certificate_for(verifier, certs, cert_hash);
        const mithril_lite_certificate *wrong = NULL;
        for (size_t i = 0; i < cached_count && !wrong; i++)
            if (strcmp(cache[i].hash, cert_hash) != 0) wrong = cache[i].cert;
        expect_refused(TX_V2, wrong, e->value, e->len, e->key,
                       MITHRIL_LITE_CODE_PROOF_CERTIFICATE_MISMATCH, "a proof for another certificate");
        mithril_lite_proof_result *r = NULL;
        const char *ids[2] = {e->key, "00000000000000000000000000000000000000000000000000000000000000ff"};
        if (expect(mithril_lite_verify_transactions_proof_v2(own, (const uint8_t *)e->value, e->len, ids,
                                                             2, &r),
                   MITHRIL_LITE_CODE_OK, "a request with an unproven transaction")) {
            size_t certified = 0, non_certified = 0;
            char item[128];
            mithril_lite_proof_result_certified_count(r, &certified);
            mithril_lite_proof_result_non_certified_count(r, &non_certified);
            mithril_lite_proof_result_non_certified_item(r, 0, item, sizeof item, NULL);
            expect_true(certified == 1 && non_certified == 1 && strcmp(item, ids[1]) == 0,
                        "the unproven transaction is listed as not certified");
        }
        mithril_lite_proof_result_free(&r);
        expect(mithril_lite_verify_transactions_proof_v2(own, (const uint8_t *)e->value, e->len, NULL, 1,
                                                         &r),
               MITHRIL_LITE_CODE_NULL_POINTER, "a NULL request array with a count");
        const char *null_id[1] = {NULL};
        expect(mithril_lite_verify_transactions_proof_v2(own, (const uint8_t *)e->value, e->len, null_id,
                                                         1, &r),
               MITHRIL_LITE_CODE_NULL_POINTER, "a NULL requested id");
        expect(mithril_lite_verify_transactions_proof_v2(NULL, (const uint8_t *)e->value, e->len, NULL, 0,
                                                         &r),
               MITHRIL_LITE_CODE_NULL_POINTER, "a NULL certificate");
    } else {
        fail("ctx-proofs-v2.json: no proof, or fewer than two certificates verified");
    }
    free_map(&v2);

    /* Cardano database digests: an empty list does not decode, a wrong one is not signed. */
    json_map dbs = load_map(dir, "cardano-databases.json");
    if (dbs.count > 0) {
        const entry *e = &dbs.entries[0];
        char cert_hash[65];
        string_field(e->value, e->len, "certificate_hash", cert_hash, sizeof cert_hash);
        const mithril_lite_certificate *cert = certificate_for(verifier, certs, cert_hash);
        mithril_lite_proof_result *r = NULL;
        static const char empty[] = "[]";
        expect(mithril_lite_verify_cardano_database(cert, (const uint8_t *)e->value, e->len,
                                                    (const uint8_t *)empty, 2, &r),
               MITHRIL_LITE_CODE_PROOF_MALFORMED, "an empty digests list");
        static const char one[] =
            "[{\"immutable_file_name\":\"00001.chunk\",\"digest\":"
            "\"0000000000000000000000000000000000000000000000000000000000000001\"}]";
        expect(mithril_lite_verify_cardano_database(cert, (const uint8_t *)e->value, e->len,
                                                    (const uint8_t *)one, sizeof one - 1, &r),
               MITHRIL_LITE_CODE_PROOF_MESSAGE_MISMATCH, "digests that are not the signed ones");
        expect_true(r == NULL, "no result for refused digests");
    }
    free_map(&dbs);
}

/*
 * --trust-file IN OUT: the C part of the trust round trip (tests/node/trust-bytes.test.mjs).
 * Imports the checkpoint bytes IN (written by the CLI's --trust or the npm package), checks
 * that the walk from the latest certificate stops at once at a checkpoint, and exports the
 * verifier's checkpoints to OUT.
 */
static int trust_file(const char *genesis, const json_map *certs, const char *latest,
                      const char *in, const char *out) {
    /* read_file joins DIR/NAME: "" + "/" + an absolute path is that path. */
    buffer bytes = read_file(in[0] == '/' ? "" : ".", in);
    mithril_lite_verifier *verifier = NULL;
    if (bytes.data &&
        expect(mithril_lite_verifier_new(genesis, &verifier), MITHRIL_LITE_CODE_OK, "verifier_new") &&
        expect(mithril_lite_verifier_import_checkpoints(verifier, (const uint8_t *)bytes.data, bytes.len),
               MITHRIL_LITE_CODE_OK, "import the trust file")) {
        mithril_lite_certificate *cert = NULL;
        if (expect(walk_chain(verifier, certs, latest, NULL, &cert), MITHRIL_LITE_CODE_OK,
                   "walk with the imported checkpoints")) {
            char json[16384];
            expect(mithril_lite_certificate_json(cert, json, sizeof json, NULL), MITHRIL_LITE_CODE_OK,
                   "certificate_json");
            expect_true(strstr(json, "\"kind\":\"trusted\"") &&
                            strstr(json, "\"certificates_checked\":1"),
                        "the walk stopped at a checkpoint of the file after one certificate");
        }
        mithril_lite_certificate_free(&cert);
        size_t len = 0;
        mithril_lite_verifier_export_checkpoints(verifier, NULL, 0, &len);
        uint8_t *exported = malloc(len ? len : 1);
        if (exported &&
            expect(mithril_lite_verifier_export_checkpoints(verifier, exported, len, &len),
                   MITHRIL_LITE_CODE_OK, "export")) {
            FILE *f = fopen(out, "wb");
            expect_true(f != NULL, "open the output file");
            if (f) {
                expect_true(fwrite(exported, 1, len, f) == len, "write the output file");
                expect_true(fclose(f) == 0, "close the output file");
            }
        }
        free(exported);
    } else if (!bytes.data) {
        fail("cannot read the trust file");
    }
    mithril_lite_verifier_free(&verifier);
    free(bytes.data);
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}

/* ---------------------------------------------------------------------------------------- */
/* Public networks: the table against the published keys (networks.json, beside the fixture). */

static void test_networks(const char *dir, const json_map *certs, const char *latest) {
    char parent[4096];
    snprintf(parent, sizeof parent, "%s/..", dir);
    json_map published = load_map(parent, "networks.json");
    size_t count = mithril_lite_network_count();
    expect_true(count == 3, "three networks: mainnet, preprod, preview");
    for (size_t i = 0; i < count; i++) {
        mithril_lite_network n;
        if (!expect(mithril_lite_network_get(i, &n), MITHRIL_LITE_CODE_OK, "network_get")) continue;
        const entry *e = find(&published, n.mithril_name);
        char key[80] = {0}, aggregator[160] = {0};
        if (!e || !string_field(e->value, e->len, "genesis_vkey_raw_hex", key, sizeof key) ||
            !string_field(e->value, e->len, "aggregator", aggregator, sizeof aggregator)) {
            fail("networks.json has no entry %s", n.mithril_name);
            continue;
        }
        expect_true(strcmp(n.genesis_verification_key, key) == 0, "the published genesis key");
        expect_true(strcmp(n.aggregator, aggregator) == 0, "the published aggregator");
        /* Found by either name: the same static strings. */
        mithril_lite_network by_name, by_mithril_name;
        expect(mithril_lite_network_find(n.name, &by_name), MITHRIL_LITE_CODE_OK, "network_find");
        expect(mithril_lite_network_find(n.mithril_name, &by_mithril_name), MITHRIL_LITE_CODE_OK,
               "network_find (Mithril name)");
        expect_true(by_name.genesis_verification_key == n.genesis_verification_key &&
                        by_mithril_name.aggregator == n.aggregator,
                    "find gives the table's strings");
        printf("  ok   %-8s %-20s %.16s... %s\n", n.name, n.mithril_name,
               n.genesis_verification_key, n.aggregator);
    }
    mithril_lite_network mainnet = {NULL, NULL, NULL, NULL};
    if (expect(mithril_lite_network_find("mainnet", &mainnet), MITHRIL_LITE_CODE_OK, "mainnet")) {
        expect_true(strcmp(mainnet.name, "mainnet") == 0, "mainnet is mainnet");
    }
    /* Unknown names: the documented code, the known names in the message, the struct nulled. */
    mithril_lite_network unknown = mainnet;
    expect(mithril_lite_network_find("devnet-test", &unknown), MITHRIL_LITE_CODE_INVALID_ARGUMENT,
           "unknown network");
    expect_true(strstr(last_message(), "mainnet, preprod, preview") != NULL,
                "the message lists the known networks");
    expect_true(unknown.name == NULL && unknown.genesis_verification_key == NULL,
                "an unknown network leaves the struct null");
    expect(mithril_lite_network_get(count, &unknown), MITHRIL_LITE_CODE_INVALID_ARGUMENT,
           "index past the end");
    expect(mithril_lite_network_find(NULL, &unknown), MITHRIL_LITE_CODE_NULL_POINTER, "null name");
    expect(mithril_lite_network_find("mainnet", NULL), MITHRIL_LITE_CODE_NULL_POINTER, "null out");
    mithril_lite_verifier *verifier = NULL;
    expect(mithril_lite_verifier_new_for_network("nowhere", &verifier),
           MITHRIL_LITE_CODE_INVALID_ARGUMENT, "verifier for an unknown network");
    expect_true(verifier == NULL, "no verifier for an unknown network");
    /* The preset key is used: the devnet chain's genesis does not verify with mainnet's key. */
    if (expect(mithril_lite_verifier_new_for_network("release-mainnet", &verifier),
               MITHRIL_LITE_CODE_OK, "verifier_new_for_network")) {
        expect_verdict(verifier, certs, latest, NULL, MITHRIL_LITE_CODE_GENESIS_SIGNATURE_INVALID,
                       "devnet chain under mainnet's key");
    }
    mithril_lite_verifier_free(&verifier);
    free_map(&published);
}

int main(int argc, char **argv) {
    int trust_mode = argc == 5 && strcmp(argv[2], "--trust-file") == 0;
    if (argc != 2 && !trust_mode &&
        !(argc == 4 && strcmp(argv[2], "--jobs") == 0 && atoi(argv[3]) > 0)) {
        fprintf(stderr, "usage: %s FIXTURE_DIR [--jobs THREADS | --trust-file IN OUT]\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    if (trust_mode) {
        buffer key = read_file(dir, "genesis.vkey");
        buffer list = read_file(dir, "certificates-list.json");
        json_map certs = load_map(dir, "certificates.json");
        char latest[65] = {0};
        int status = 2;
        if (key.data && list.data && string_field(list.data, list.len, "hash", latest, sizeof latest)) {
            while (key.len > 0 && (key.data[key.len - 1] == '\n' || key.data[key.len - 1] == ' '))
                key.data[--key.len] = 0;
            status = trust_file(key.data, &certs, latest, argv[3], argv[4]);
        } else {
            fprintf(stderr, "fixture incomplete\n");
        }
        free_map(&certs);
        free(list.data);
        free(key.data);
        return status;
    }
    if (argc == 4) {
        pool = pool_start((size_t)atoi(argv[3]));
        if (!pool) {
            fprintf(stderr, "cannot start %s worker threads\n", argv[3]);
            return 2;
        }
    }
    printf("mithril-lite %s (C ABI), walks: %s\n", mithril_lite_version(),
           pool ? "jobs mode on a worker pool" : "inline");

    buffer key = read_file(dir, "genesis.vkey");
    buffer latest_file = read_file(dir, "certificates-list.json");
    json_map certs = load_map(dir, "certificates.json");
    char latest[65] = {0};
    /* The aggregator's list is newest first: its first "hash" is the latest certificate. */
    if (!latest_file.data ||
        !string_field(latest_file.data, latest_file.len, "hash", latest, sizeof latest) || !key.data) {
        fail("fixture incomplete");
    } else {
        while (key.len > 0 && (key.data[key.len - 1] == '\n' || key.data[key.len - 1] == ' '))
            key.data[--key.len] = 0;
        mithril_lite_verifier *verifier = NULL;
        if (expect(mithril_lite_verifier_new(key.data, &verifier), MITHRIL_LITE_CODE_OK, "verifier_new")) {
            printf("== chain walk and errors\n");
            test_chain_and_errors(dir, key.data, &certs, latest, verifier);
            printf("== progress and limits\n");
            test_progress_and_limits(&certs, latest, verifier);
            printf("== trust checkpoints\n");
            test_checkpoints(key.data, &certs, latest, verifier);
            printf("== walks that resume\n");
            test_resume(key.data, &certs, latest);
            mithril_lite_verifier_clear_checkpoints(verifier);
            printf("== artifacts and proofs\n");
            test_artifacts(dir, &certs, verifier);
            printf("  %zu certificates verified for the artifacts\n", cached_count);
            printf("== networks\n");
            test_networks(dir, &certs, latest);
        }
        for (size_t i = 0; i < cached_count; i++) mithril_lite_certificate_free(&cache[i].cert);
        mithril_lite_verifier_free(&verifier);
    }
    free_map(&certs);
    free(latest_file.data);
    free(key.data);
    if (pool) {
        expect_true(pool_run_errors(pool) == 0, "every check ran");
        printf("  %zu walks, %zu signature checks run on %s worker threads\n", walks,
               pool_runs(pool), argv[3]);
        pool_stop(&pool);
    }
    printf("%d checks, %d failed\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
