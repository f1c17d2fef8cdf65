/*
 * The walk loop of a C host, inline or with a pthread worker pool (see walk_driver.h).
 *
 * Threads: the thread calling drive_walk owns the walk (feeds, takes, completes, reads it);
 * workers only call mithril_lite_check_run. A check moves between them through the pool's
 * queues, under the pool's mutex: that is the hand-over the C ABI asks hosts to provide, and
 * what helgrind / drd see as the happens-before edge.
 */
#include "walk_driver.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

const char *walk_mode_name(walk_mode mode) {
    switch (mode) {
    case WALK_INLINE:
        return "inline";
    case WALK_STREAM:
        return "jobs, as finished";
    case WALK_REVERSE:
        return "jobs, reverse";
    case WALK_RANDOM:
        return "jobs, random";
    }
    return "?";
}

/* A growable list of check handles. */
typedef struct {
    mithril_lite_check **items;
    size_t len, cap;
} check_list;

static int list_push(check_list *l, mithril_lite_check *c) {
    if (l->len == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        mithril_lite_check **grown = realloc(l->items, cap * sizeof *grown);
        if (!grown) return 0;
        l->items = grown;
        l->cap = cap;
    }
    l->items[l->len++] = c;
    return 1;
}

/* Remove and return item i (order of the rest not kept). */
static mithril_lite_check *list_take(check_list *l, size_t i) {
    mithril_lite_check *c = l->items[i];
    l->items[i] = l->items[--l->len];
    return c;
}

struct worker_pool {
    pthread_mutex_t lock;
    pthread_cond_t has_work; /* todo not empty, or stop */
    pthread_cond_t has_done; /* a check moved to done */
    check_list todo, done;
    size_t in_flight; /* submitted, not yet in done */
    int stop;
    size_t runs, run_errors;
    pthread_t *threads;
    size_t nthreads;
};

static void *worker(void *arg) {
    worker_pool *p = arg;
    pthread_mutex_lock(&p->lock);
    for (;;) {
        while (p->todo.len == 0 && !p->stop) pthread_cond_wait(&p->has_work, &p->lock);
        if (p->todo.len == 0) break; /* stop, nothing left */
        mithril_lite_check *c = list_take(&p->todo, 0);
        pthread_mutex_unlock(&p->lock);
        /* The expensive part, outside the lock: other workers run other checks meanwhile and
         * the walk's thread goes on feeding. */
        mithril_lite_code rc = mithril_lite_check_run(c);
        pthread_mutex_lock(&p->lock);
        p->runs++;
        if (rc != MITHRIL_LITE_CODE_OK) p->run_errors++;
        if (!list_push(&p->done, c)) p->run_errors++; /* out of memory: counted, check lost */
        p->in_flight--;
        pthread_cond_broadcast(&p->has_done);
    }
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

worker_pool *pool_start(size_t threads) {
    if (threads == 0) threads = 1;
    worker_pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->threads = calloc(threads, sizeof *p->threads);
    if (!p->threads || pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p->threads);
        free(p);
        return NULL;
    }
    pthread_cond_init(&p->has_work, NULL);
    pthread_cond_init(&p->has_done, NULL);
    for (; p->nthreads < threads; p->nthreads++)
        if (pthread_create(&p->threads[p->nthreads], NULL, worker, p) != 0) break;
    if (p->nthreads == 0) {
        pool_stop(&p);
        return NULL;
    }
    return p;
}

void pool_stop(worker_pool **pp) {
    worker_pool *p = *pp;
    if (!p) return;
    pthread_mutex_lock(&p->lock);
    p->stop = 1;
    pthread_cond_broadcast(&p->has_work);
    pthread_mutex_unlock(&p->lock);
    for (size_t i = 0; i < p->nthreads; i++) pthread_join(p->threads[i], NULL);
    pthread_cond_destroy(&p->has_work);
    pthread_cond_destroy(&p->has_done);
    pthread_mutex_destroy(&p->lock);
    free(p->todo.items);
    free(p->done.items);
    free(p->threads);
    free(p);
    *pp = NULL;
}

size_t pool_runs(worker_pool *p) {
    pthread_mutex_lock(&p->lock);
    size_t n = p->runs;
    pthread_mutex_unlock(&p->lock);
    return n;
}

size_t pool_run_errors(worker_pool *p) {
    pthread_mutex_lock(&p->lock);
    size_t n = p->run_errors;
    pthread_mutex_unlock(&p->lock);
    return n;
}

static void pool_submit(worker_pool *p, mithril_lite_check *c) {
    pthread_mutex_lock(&p->lock);
    if (list_push(&p->todo, c)) {
        p->in_flight++;
        pthread_cond_signal(&p->has_work);
    } else {
        fail("out of memory queueing a check");
        mithril_lite_check_free(&c);
    }
    pthread_mutex_unlock(&p->lock);
}

/* Move the finished checks into `ready`. wait 1: first wait until at least one has finished
 * (if any is in flight); wait 2: until every submitted check has finished. */
static void pool_collect(worker_pool *p, check_list *ready, int wait) {
    pthread_mutex_lock(&p->lock);
    if (wait == 1)
        while (p->done.len == 0 && p->in_flight > 0) pthread_cond_wait(&p->has_done, &p->lock);
    if (wait == 2)
        while (p->in_flight > 0) pthread_cond_wait(&p->has_done, &p->lock);
    while (p->done.len > 0)
        if (!list_push(ready, list_take(&p->done, p->done.len - 1))) break;
    pthread_mutex_unlock(&p->lock);
}

/* Checks submitted and not yet collected (running, queued or finished). */
static size_t pool_outstanding(worker_pool *p) {
    pthread_mutex_lock(&p->lock);
    size_t n = p->in_flight + p->done.len;
    pthread_mutex_unlock(&p->lock);
    return n;
}

/* xorshift64*: the random completion order, the same on every run for a seed. */
static unsigned long long next_random(unsigned long long *s) {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

static size_t check_index(mithril_lite_check *c) {
    size_t index = 0;
    expect(mithril_lite_check_index(c, &index), MITHRIL_LITE_CODE_OK, "check_index");
    return index;
}

static void complete(mithril_lite_walk *walk, mithril_lite_check *c) {
    expect(mithril_lite_walk_complete(walk, &c), MITHRIL_LITE_CODE_OK, "walk_complete");
    expect_true(c == NULL, "walk_complete frees the check and sets the pointer to NULL");
}

/* Complete ready[i] for each i, last index first (oldest certificate first). */
static int by_index_descending(const void *a, const void *b) {
    size_t ia = check_index(*(mithril_lite_check *const *)a);
    size_t ib = check_index(*(mithril_lite_check *const *)b);
    return ia < ib ? 1 : ia > ib ? -1 : 0;
}

static mithril_lite_code drive_jobs(mithril_lite_walk *walk, walk_mode mode, worker_pool *pool,
                                    unsigned long long seed, fetch_fn fetch, void *ctx,
                                    mithril_lite_certificate **out) {
    unsigned long long rng = seed * 0x9e3779b97f4a7c15ULL + 1;
    check_list ready = {NULL, 0, 0};
    char needed[65];
    mithril_lite_code rc;
    for (size_t fetches = 0;;) {
        if (mode == WALK_STREAM) {
            pool_collect(pool, &ready, 0);
            while (ready.len > 0) complete(walk, list_take(&ready, 0));
        } else if (mode == WALK_RANDOM) {
            pool_collect(pool, &ready, 0);
            if (ready.len > 0 && next_random(&rng) % 3 == 0) {
                complete(walk, list_take(&ready, next_random(&rng) % ready.len));
                continue;
            }
        }
        rc = mithril_lite_walk_next_needed(walk, needed, sizeof needed, NULL);
        if (rc == MITHRIL_LITE_CODE_DONE) break;
        if (rc == MITHRIL_LITE_CODE_OK) {
            rc = fetch(ctx, walk, fetches++, needed);
            /* feed takes the body whatever its verdict: the verdict comes at the end. */
            if (!expect(rc, MITHRIL_LITE_CODE_OK, "walk_feed (jobs)")) break;
            for (;;) {
                mithril_lite_check *c = NULL;
                if (!expect(mithril_lite_walk_take_check(walk, &c), MITHRIL_LITE_CODE_OK,
                            "walk_take_check") ||
                    !c)
                    break;
                pool_submit(pool, c);
            }
        } else if (rc == MITHRIL_LITE_CODE_AWAIT_CHECKS) {
            if (pool_outstanding(pool) == 0 && ready.len == 0) {
                fail("the walk waits for checks, none is out");
                break;
            }
            if (mode == WALK_REVERSE) {
                pool_collect(pool, &ready, 2);
                qsort(ready.items, ready.len, sizeof ready.items[0], by_index_descending);
                for (size_t i = 0; i < ready.len; i++) complete(walk, ready.items[i]);
                ready.len = 0;
            } else {
                pool_collect(pool, &ready, 1);
                size_t i = mode == WALK_RANDOM ? next_random(&rng) % ready.len : 0;
                complete(walk, list_take(&ready, i));
            }
        } else {
            expect(rc, MITHRIL_LITE_CODE_OK, "walk_next_needed (jobs)");
            break;
        }
    }
    rc = mithril_lite_walk_result(walk, out);
    mithril_lite_code verdict = rc;
    /* Checks still out no longer matter: complete half of them and free the others, then read
     * the verdict again. */
    pool_collect(pool, &ready, 2);
    for (size_t i = 0; i < ready.len; i++) {
        if (i % 2 == 0) {
            complete(walk, ready.items[i]);
        } else {
            mithril_lite_check_free(&ready.items[i]);
            expect_true(ready.items[i] == NULL, "check_free sets the pointer to NULL");
        }
    }
    free(ready.items);
    mithril_lite_certificate *again = NULL;
    expect(mithril_lite_walk_result(walk, &again), verdict, "the verdict, after late completions");
    mithril_lite_certificate_free(&again);
    return verdict;
}

mithril_lite_code drive_walk(const mithril_lite_verifier *verifier, const char *hash,
                             walk_mode mode, worker_pool *pool, unsigned long long seed,
                             fetch_fn fetch, void *ctx, mithril_lite_certificate **out) {
    mithril_lite_walk *walk = NULL;
    mithril_lite_code rc = mode == WALK_INLINE ? mithril_lite_walk_new(verifier, hash, &walk)
                                               : mithril_lite_walk_new_with_jobs(verifier, hash, &walk);
    if (!expect(rc, MITHRIL_LITE_CODE_OK, "walk_new")) return rc;
    if (mode == WALK_INLINE || !pool) {
        if (mode != WALK_INLINE) fail("a jobs walk without a pool");
        char needed[65];
        for (size_t fetches = 0;; fetches++) {
            rc = mithril_lite_walk_next_needed(walk, needed, sizeof needed, NULL);
            if (rc == MITHRIL_LITE_CODE_DONE) break;
            if (!expect(rc, MITHRIL_LITE_CODE_OK, "walk_next_needed")) break;
            rc = fetch(ctx, walk, fetches, needed);
            /* feed takes the body whatever its verdict: the verdict comes at the end. */
            if (!expect(rc, MITHRIL_LITE_CODE_OK, "walk_feed")) break;
        }
        rc = mithril_lite_walk_result(walk, out);
    } else {
        rc = drive_jobs(walk, mode, pool, seed, fetch, ctx, out);
    }
    mithril_lite_walk_free(&walk);
    expect_true(walk == NULL, "walk_free sets the pointer to NULL");
    return rc;
}
