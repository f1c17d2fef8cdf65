// The check pool on its own (pkg/src/pool.js), with scripted workers: lazy start up to the
// size, reuse, queued and running jobs aborted, dead and failing workers replaced, workers that
// cannot start, close(). The real workers are exercised by workers.test.mjs.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { WorkerPool } from '../../pkg/src/pool.js';

/**
 * A spawn function whose workers do nothing until the test answers for them.
 * @param {{dieOnStart?: boolean}} [options]
 */
function scripted(options = {}) {
  /**
   * @type {{
   *   n: number, posts: {id: number, job: Uint8Array}[], terminated: boolean, busy: boolean[],
   *   events: import('../../pkg/src/pool.js').WorkerEvents,
   * }[]}
   */
  const workers = [];
  /** @type {import('../../pkg/src/pool.js').Spawn} */
  const spawn = (events) => {
    const w = { n: workers.length, posts: [], terminated: false, busy: [], events };
    workers.push(/** @type {any} */ (w));
    if (options.dieOnStart) queueMicrotask(() => events.died('could not load'));
    return {
      post: (m) => /** @type {any[]} */ (w.posts).push(m),
      terminate: () => {
        w.terminated = true;
      },
      busy: (b) => /** @type {boolean[]} */ (w.busy).push(b),
    };
  };
  /**
   * Answer the last job posted to worker n with its bytes reversed.
   * @param {number} n
   */
  const answer = (n) => {
    const w = workers[n];
    const m = w.posts[w.posts.length - 1];
    w.events.message({ id: m.id, outcome: Uint8Array.from(m.job).reverse() });
  };
  return { spawn, workers, answer };
}

const job = (/** @type {number[]} */ ...b) => Uint8Array.from(b);
const tick = () => new Promise((r) => setImmediate(r));

/** @param {unknown} e */
const isAbort = (e) => /** @type {any} */ (e).name === 'AbortError' && /** @type {any} */ (e).code === 'aborted';
/** @param {unknown} e */
const isWorkerError = (e) => /** @type {any} */ (e).name === 'WorkerError';

describe('worker pool', () => {
  test('starts workers lazily up to its size, and reuses them', async () => {
    const s = scripted();
    const pool = new WorkerPool(s.spawn, 2);
    assert.equal(s.workers.length, 0, 'nothing starts before a job');
    const a = pool.run(job(1, 2));
    const b = pool.run(job(3, 4));
    const c = pool.run(job(5, 6));
    assert.equal(s.workers.length, 2);
    assert.deepEqual(pool.stats(), {
      size: 2, workersAlive: 2, busy: 2, queued: 1,
      workersStarted: 2, workersUsed: 2, workersDied: 0, workersStopped: 0, jobsCompleted: 0,
    });
    s.answer(0);
    assert.deepEqual(await a, job(2, 1));
    // The freed worker took the queued job: no third worker.
    assert.equal(s.workers.length, 2);
    assert.equal(s.workers[0].posts.length, 2);
    s.answer(1);
    s.answer(0);
    assert.deepEqual(await b, job(4, 3));
    assert.deepEqual(await c, job(6, 5));
    const stats = pool.stats();
    assert.equal(stats.busy, 0);
    assert.equal(stats.jobsCompleted, 3);
    // Busy while a job runs, idle after (node: ref/unref).
    assert.deepEqual(s.workers[0].busy, [true, false, true, false]);
    await pool.close();
  });

  test('an aborted queued job leaves the queue at once and is never posted', async () => {
    const s = scripted();
    const pool = new WorkerPool(s.spawn, 1);
    const running = pool.run(job(1));
    const controller = new AbortController();
    const queued = pool.run(job(2), { signal: controller.signal });
    assert.equal(pool.stats().queued, 1);
    controller.abort(new Error('left'));
    await assert.rejects(queued, isAbort);
    assert.equal(pool.stats().queued, 0);
    s.answer(0);
    await running;
    assert.equal(s.workers[0].posts.length, 1, 'the aborted job never reached a worker');
    assert.equal(s.workers[0].terminated, false);
    await pool.close();
  });

  test('aborting a running job terminates its worker; the next job gets a new one', async () => {
    const s = scripted();
    const pool = new WorkerPool(s.spawn, 1);
    const controller = new AbortController();
    const running = pool.run(job(1), { signal: controller.signal });
    controller.abort();
    await assert.rejects(running, isAbort);
    assert.equal(s.workers[0].terminated, true);
    assert.equal(pool.stats().busy, 0);
    assert.equal(pool.stats().workersAlive, 0);
    assert.equal(pool.stats().workersStopped, 1);
    assert.equal(pool.stats().workersDied, 0);
    // A late answer from the terminated worker changes nothing.
    s.answer(0);
    const next = pool.run(job(7, 8));
    assert.equal(s.workers.length, 2);
    s.answer(1);
    assert.deepEqual(await next, job(8, 7));
    await pool.close();
  });

  test('a worker that dies fails its job with a WorkerError and is replaced', async () => {
    const s = scripted();
    const pool = new WorkerPool(s.spawn, 1);
    const first = pool.run(job(1));
    s.answer(0); // it has done a job: a later death is not a startup failure
    await first;
    const doomed = pool.run(job(2));
    const queued = pool.run(job(3));
    s.workers[0].events.died('out of memory');
    await assert.rejects(doomed, (e) => isWorkerError(e) && /out of memory/.test(/** @type {Error} */ (e).message));
    // The queued job went to a replacement.
    assert.equal(s.workers.length, 2);
    assert.equal(s.workers[0].terminated, true);
    s.answer(1);
    assert.deepEqual(await queued, job(3));
    assert.equal(pool.stats().workersDied, 1);
    await pool.close();
  });

  test('a job the worker reports as failed (a trap) rejects, and the worker is replaced', async () => {
    const s = scripted();
    const pool = new WorkerPool(s.spawn, 1);
    const first = pool.run(job(1));
    s.answer(0);
    await first;
    const trapped = pool.run(job(2));
    const m = s.workers[0].posts[1];
    s.workers[0].events.message({ id: m.id, failure: 'RuntimeError: unreachable' });
    await assert.rejects(trapped, (e) => isWorkerError(e) && /unreachable/.test(/** @type {Error} */ (e).message));
    assert.equal(s.workers[0].terminated, true);
    const again = pool.run(job(4, 5));
    s.answer(1);
    assert.deepEqual(await again, job(5, 4));
    await pool.close();
  });

  test('an answer for another job or without bytes is a failure of that worker', async () => {
    const s = scripted();
    const pool = new WorkerPool(s.spawn, 1);
    const a = pool.run(job(1));
    const m = s.workers[0].posts[0];
    s.workers[0].events.message({ id: m.id + 1, outcome: job(1) });
    await assert.rejects(a, isWorkerError);
    const b = pool.run(job(2));
    const m2 = s.workers[1].posts[0];
    s.workers[1].events.message({ id: m2.id, outcome: 'not bytes' });
    await assert.rejects(b, isWorkerError);
    await pool.close();
  });

  test('workers that die before their first job make the pool refuse jobs (inline then)', async () => {
    const s = scripted({ dieOnStart: true });
    const pool = new WorkerPool(s.spawn, 1);
    await assert.rejects(pool.run(job(1)), isWorkerError);
    await assert.rejects(pool.run(job(2)), isWorkerError);
    const started = s.workers.length;
    assert.equal(started, 2);
    await assert.rejects(pool.run(job(3)), (e) => isWorkerError(e) && /before their first job/.test(/** @type {Error} */ (e).message));
    assert.equal(s.workers.length, started, 'no more workers are started');
    await pool.close();
  });

  test('a spawn that throws (no worker possible) rejects the job with a WorkerError', async () => {
    const pool = new WorkerPool(() => {
      throw new Error('Content Security Policy');
    }, 2);
    await assert.rejects(pool.run(job(1)), (e) => isWorkerError(e) && /Content Security/.test(/** @type {Error} */ (e).message));
    await pool.close();
  });

  test('close() terminates every worker, rejects queued and running jobs, refuses new ones', async () => {
    const s = scripted();
    const pool = new WorkerPool(s.spawn, 1);
    const running = pool.run(job(1));
    const queued = pool.run(job(2));
    await pool.close();
    await assert.rejects(running, (e) => /** @type {any} */ (e).code === 'closed');
    await assert.rejects(queued, (e) => /** @type {any} */ (e).code === 'closed');
    assert.equal(s.workers[0].terminated, true);
    assert.equal(pool.stats().workersAlive, 0);
    await assert.rejects(pool.run(job(3)), (e) => /** @type {any} */ (e).code === 'closed');
    await tick();
  });
});
