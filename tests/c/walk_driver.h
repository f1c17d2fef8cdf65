/*
 * The walk loop of a C host, in inline mode or in jobs mode with a pthread worker pool, for the
 * C tests (tests/c/). Jobs-mode walks complete their checks in one of three orders, so that a
 * verdict that depended on the order would show up as a difference from inline mode.
 */
#ifndef MITHRIL_LITE_TEST_WALK_DRIVER_H
#define MITHRIL_LITE_TEST_WALK_DRIVER_H

#include <stddef.h>

#include "mithril_lite.h"

typedef enum {
    /* mithril_lite_walk_new: checks run inside feed. */
    WALK_INLINE,
    /* Jobs: each check is completed as soon as it has run (whatever order the workers finish). */
    WALK_STREAM,
    /* Jobs: finished checks are held until the walk waits, then completed last (oldest
     * certificate) first. */
    WALK_REVERSE,
    /* Jobs: a finished check is completed at random moments (between feeds too), picked at
     * random among the finished ones (seeded: the same choices on every run). */
    WALK_RANDOM,
} walk_mode;

const char *walk_mode_name(walk_mode mode);

/* A pool of worker threads that run check handles (mithril_lite_check_run). */
typedef struct worker_pool worker_pool;

/* Start `threads` workers (at least 1); NULL if threads cannot be created. */
worker_pool *pool_start(size_t threads);
/* Stop and join the workers, free the pool, set *pool to NULL. The pool must be idle. */
void pool_stop(worker_pool **pool);
/* Checks run so far, and how many runs returned another code than MITHRIL_LITE_CODE_OK. */
size_t pool_runs(worker_pool *pool);
size_t pool_run_errors(worker_pool *pool);

/* Feed the walk the certificate `hash` it asked for (fetch number `fetch`, from 0), or report
 * that it cannot be fetched; returns that call's code. */
typedef mithril_lite_code (*fetch_fn)(void *ctx, mithril_lite_walk *walk, size_t fetch,
                                      const char *hash);

/* Walk from `hash` to a verdict in `mode` (jobs modes run their checks on `pool`, `seed` drives
 * WALK_RANDOM) and return mithril_lite_walk_result's code; *out as that function sets it.
 * Checks still running when the verdict is ready are completed or freed before returning, and
 * the verdict is read again to see that they change nothing. API failures count as test
 * failures (harness.h). */
mithril_lite_code drive_walk(const mithril_lite_verifier *verifier, const char *hash,
                             walk_mode mode, worker_pool *pool, unsigned long long seed,
                             fetch_fn fetch, void *ctx, mithril_lite_certificate **out);

#endif
