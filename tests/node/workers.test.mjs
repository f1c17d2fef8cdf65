// STM checks on worker_threads (the package's pool) and on a host's executor: the same
// verdicts as inline, lazy start and reuse, close() and asyncDispose, bounded in-flight
// certificates, jobs completed out of order, aborts with jobs running in workers (no worker
// left busy, no trust committed), dead workers replaced with an inline retry, and the typed
// internal_error when even the retry fails.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { CertificateVerifier, MemoryTrustStore, runCheckJob } from 'mithril-lite';

import { createApi } from '../../pkg/src/verifier.js';
import { WorkerPool } from '../../pkg/src/pool.js';
import { nodeSpawner } from '../../pkg/src/threads-node.js';
import * as wasm from '../../pkg/dist/web/mithril_lite.js';
import { start } from '../../pkg/src/instance.js';
import {
  TWO_PER_EPOCH,
  loadChain,
  loadDevnet,
  mapSource,
} from './helpers.mjs';

// The package's one module (dist/web/), instantiated here if the package has not yet.
start(new WebAssembly.Module(readFileSync(new URL('../../pkg/dist/web/mithril_lite_bg.wasm', import.meta.url))));
const devnet = loadDevnet();

/**
 * A negative reference case (every variant is really tampered; negative.test.mjs checks it).
 * @param {string} dir
 */
function negativeCase(dir) {
  const chain = loadChain(dir);
  const latest = /** @type {string} */ (chain.latest);
  return { chain, latest };
}

/** @param {unknown} e */
function isAbort(e) {
  const err = /** @type {{name?: string, code?: string}} */ (e);
  return err.name === 'AbortError' && err.code === 'aborted';
}

/** Let the event loop turn (worker messages, timers). */
const turn = () => new Promise((r) => setImmediate(r));

/**
 * An executor that runs jobs in this thread but completes them in the order `pick` chooses
 * among those held, one per event-loop turn, after the driver has handed out all it can.
 * @param {(held: number) => number} pick index of the held job to complete next
 * @param {number} [concurrency]
 */
function reorderingExecutor(pick, concurrency = 3) {
  /** @type {{n: number, job: Uint8Array, resolve: (b: Uint8Array) => void}[]} */
  const held = [];
  /** Dispatch numbers in completion order. @type {number[]} */
  const completed = [];
  let dispatched = 0;
  let scheduled = false;
  const pump = () => {
    scheduled = false;
    if (held.length === 0) return;
    const [next] = held.splice(pick(held.length), 1);
    completed.push(next.n);
    next.resolve(runCheckJob(next.job));
    schedule();
  };
  const schedule = () => {
    if (!scheduled) {
      scheduled = true;
      setTimeout(pump, 1);
    }
  };
  return {
    completed,
    executor: {
      concurrency,
      /** @param {Uint8Array} job */
      run(job) {
        return new Promise((resolve) => {
          held.push({ n: dispatched++, job, resolve });
          schedule();
        });
      },
    },
  };
}

/** A small deterministic generator (xorshift32) for the random completion order. */
function xorshift(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

describe('worker pool (worker_threads)', () => {
  test('the devnet chain verifies on workers as it does inline; the pool is lazy and reused', async () => {
    const inline = new CertificateVerifier(devnet.genesisKey, { trustStore: null, workers: 0 });
    const expected = await inline.verifyChain(devnet.latest, mapSource(devnet.certificates));
    assert.equal(inline.poolStats().mode, 'inline');

    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null, workers: 3 });
    assert.equal(verifier.poolStats().workersStarted, 0, 'no worker before the first walk');
    const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    assert.deepEqual(chain, expected);
    const first = verifier.poolStats();
    assert.equal(first.mode, 'workers');
    assert.equal(first.size, 3);
    // Every certificate but the anchor has an STM check, each a job.
    assert.equal(first.jobs, chain.certificatesChecked - 1);
    assert.equal(first.inlineRetries, 0);
    assert.ok(first.workersStarted >= 1 && first.workersStarted <= 3, JSON.stringify(first));
    assert.equal(first.workersUsed, first.workersStarted);
    assert.equal(first.busy, 0);
    assert.equal(first.queued, 0);
    console.log(`# pool: ${first.workersUsed} of 3 workers ran ${first.jobs} jobs`);

    // A second walk reuses the same workers.
    const again = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    assert.deepEqual(again, expected);
    const second = verifier.poolStats();
    assert.equal(second.jobs, 2 * first.jobs);
    assert.equal(second.workersDied, 0);
    assert.ok(second.workersStarted <= 3);

    await verifier.close();
    assert.equal(verifier.poolStats().workersAlive, 0);
    await assert.rejects(
      verifier.verifyChain(devnet.latest, mapSource(devnet.certificates)),
      (/** @type {any} */ e) => e.name === 'TypeError' && e.code === 'closed',
    );
    await verifier.close(); // twice is fine
  });

  test('Symbol.asyncDispose closes the pool', async () => {
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null, workers: 2 });
    await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    assert.ok(verifier.poolStats().workersAlive > 0);
    assert.equal(typeof Symbol.asyncDispose, 'symbol');
    await verifier[Symbol.asyncDispose]();
    assert.equal(verifier.poolStats().workersAlive, 0);
  });

  const negative = join(TWO_PER_EPOCH, 'negative');
  test('every negative reference case gets the same error on workers as inline', async () => {
    const cases = readdirSync(negative).sort();
    assert.equal(cases.length, 11);
    for (const name of cases) {
      const { chain, latest } = negativeCase(join(negative, name));
      const inline = new CertificateVerifier(chain.genesisKey, { trustStore: null, workers: 0 });
      const pooled = new CertificateVerifier(chain.genesisKey, { trustStore: null, workers: 3 });
      const store = new MemoryTrustStore();
      const withStore = new CertificateVerifier(chain.genesisKey, { trustStore: store, workers: 3 });
      /** @type {any[]} */
      const errors = [];
      for (const v of [inline, pooled, withStore]) {
        await v.verifyChain(latest, mapSource(chain.certificates)).then(
          () => assert.fail(`${name}: verified`),
          (e) => errors.push(e),
        );
      }
      const [a, b, c] = errors;
      assert.equal(a.name, 'MithrilVerificationError', `${name}: ${a.stack}`);
      for (const e of [b, c]) {
        assert.equal(e.name, a.name, name);
        assert.equal(e.code, a.code, name);
        assert.equal(e.numericCode, a.numericCode, name);
        assert.equal(e.message, a.message, name);
        assert.deepEqual(e.cause, a.cause, name);
      }
      assert.deepEqual(await withStore.trustedCheckpoints(), [], `${name}: nothing committed`);
      assert.equal(pooled.poolStats().busy, 0);
      await withStore.close();
      await pooled.close();
    }
  });

  test('bad input gets the same typed errors in pool mode (unknown certificate, bad options)', async () => {
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null, workers: 2 });
    await assert.rejects(
      verifier.verifyChain(devnet.latest, mapSource(new Map())),
      (/** @type {any} */ e) => e.code === 'certificate_unavailable',
    );
    await assert.rejects(verifier.verifyChain('', mapSource(devnet.certificates)), (/** @type {any} */ e) => e.code === 'invalid_argument');
    await verifier.close();
    for (const options of [
      { workers: -1 },
      { workers: 1.5 },
      { workers: '2' },
      { executor: {} },
      { executor: { run: () => {} }, workers: 2 },
      { maxInFlight: 0 },
    ]) {
      assert.throws(
        () => new CertificateVerifier(devnet.genesisKey, /** @type {any} */ (options)),
        (/** @type {any} */ e) => e.code === 'invalid_options',
        JSON.stringify(options),
      );
    }
  });

  test('an abort while jobs run in workers: rejects, leaves no worker busy, commits no trust', async () => {
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store, workers: 2 });
    const controller = new AbortController();
    let busyAtAbort = 0;
    await assert.rejects(
      verifier.verifyChain(devnet.latest, mapSource(devnet.certificates), {
        signal: controller.signal,
        onProgress: (e) => {
          if (e.type === 'certificate-fetched' && e.index === 3) {
            busyAtAbort = verifier.poolStats().busy;
            controller.abort();
          }
        },
      }),
      isAbort,
    );
    assert.ok(busyAtAbort > 0, 'jobs were running in workers when the walk was aborted');
    const stats = verifier.poolStats();
    assert.equal(stats.busy, 0, 'no worker busy');
    assert.equal(stats.queued, 0, 'no job queued');
    assert.equal(stats.workersStopped, busyAtAbort, 'the busy workers were stopped');
    assert.equal(stats.workersDied, 0);
    assert.deepEqual(await verifier.trustedCheckpoints(), [], 'nothing committed');
    // The pool goes on working: the stopped workers are replaced on demand.
    const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    assert.equal(chain.hash, devnet.latest);
    assert.ok(await store.get(verifier.trustKey));
    await verifier.close();
  });

  test('close() during a walk rejects it with an AbortError and stops the workers', async () => {
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null, workers: 2 });
    /** @type {Promise<unknown> | undefined} */
    let closing;
    await assert.rejects(
      verifier.verifyChain(devnet.latest, mapSource(devnet.certificates), {
        onProgress: (e) => {
          if (e.type === 'certificate-fetched' && e.index === 2) closing = verifier.close();
        },
      }),
      (/** @type {any} */ e) => isAbort(e) && e.cause.code === 'closed',
    );
    await closing;
    assert.equal(verifier.poolStats().workersAlive, 0);
    assert.equal(verifier.poolStats().busy, 0);
  });

  test('fetching stops at maxInFlight certificates whose checks are not done', async () => {
    /** @type {{job: Uint8Array, resolve: (b: Uint8Array) => void}[]} */
    const held = [];
    const executor = {
      /** @param {Uint8Array} job */
      run: (job) => new Promise((resolve) => held.push({ job, resolve })),
    };
    const verifier = new CertificateVerifier(devnet.genesisKey, {
      trustStore: null,
      executor,
      maxInFlight: 3,
    });
    const source = mapSource(devnet.certificates);
    const walk = verifier.verifyChain(devnet.latest, source);
    for (let i = 0; i < 20; i++) await turn();
    assert.equal(held.length, 3, 'three checks handed out');
    assert.equal(source.requested.length, 3, 'and no fourth certificate fetched');
    // Completing one lets one more certificate in.
    const first = /** @type {{job: Uint8Array, resolve: (b: Uint8Array) => void}} */ (held.shift());
    first.resolve(runCheckJob(first.job));
    for (let i = 0; i < 20; i++) await turn();
    assert.equal(source.requested.length, 4);
    assert.equal(held.length, 3);
    // Then everything, as it comes.
    const drain = setInterval(() => {
      for (const h of held.splice(0)) h.resolve(runCheckJob(h.job));
    }, 1);
    try {
      const chain = await walk;
      assert.equal(chain.hash, devnet.latest);
    } finally {
      clearInterval(drain);
    }
    assert.equal(verifier.poolStats().mode, 'executor');
  });
});

describe("a host's executor", () => {
  for (const [order, pick] of /** @type {[string, (n: number) => number][]} */ ([
    ['reverse', (n) => n - 1],
    ['random', ((r) => (n) => Math.floor(r() * n))(xorshift(20261205))],
  ])) {
    test(`jobs completed in ${order} order give the same verdicts`, async () => {
      const inline = new CertificateVerifier(devnet.genesisKey, { trustStore: null, workers: 0 });
      const expected = await inline.verifyChain(devnet.latest, mapSource(devnet.certificates));
      const { executor, completed } = reorderingExecutor(pick);
      const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null, executor });
      /** @type {number[]} */
      const verifiedOrder = [];
      const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates), {
        onProgress: (e) => {
          if (e.type === 'certificate-verified') verifiedOrder.push(e.index);
        },
      });
      assert.deepEqual(chain, expected);
      assert.ok(
        completed.some((n, i) => i > 0 && n < completed[i - 1]),
        `completed out of order: ${completed}`,
      );
      // Progress still reports certificates in chain order.
      assert.deepEqual(verifiedOrder, [...verifiedOrder].sort((a, b) => a - b));
      assert.equal(verifiedOrder.length, chain.certificatesChecked);

      // The negative reference cases: the same first error as inline.
      const negative = join(TWO_PER_EPOCH, 'negative');
      for (const name of readdirSync(negative).sort()) {
        const { chain: bad, latest } = negativeCase(join(negative, name));
        const options = { trustStore: null };
        const want = await new CertificateVerifier(bad.genesisKey, { ...options, workers: 0 })
          .verifyChain(latest, mapSource(bad.certificates))
          .catch((e) => e);
        const got = await new CertificateVerifier(bad.genesisKey, { ...options, executor })
          .verifyChain(latest, mapSource(bad.certificates))
          .catch((e) => e);
        assert.equal(want.name, 'MithrilVerificationError', name);
        assert.equal(got.code, want.code, name);
        assert.equal(got.message, want.message, name);
      }
    });
  }

  test('close() leaves a host executor alone', async () => {
    let closed = false;
    const executor = {
      /** @param {Uint8Array} job */
      run: async (job) => runCheckJob(job),
      close: () => {
        closed = true;
      },
    };
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null, executor });
    await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    await verifier.close();
    assert.equal(closed, false);
  });
});

describe('dead workers', () => {
  const dying = new URL('./dying-worker.mjs', import.meta.url);

  for (const mode of ['exit', 'trap', 'exit-first']) {
    test(`a worker that dies (${mode}) is replaced and its job retried inline: the chain verifies`, async () => {
      const pool = new WorkerPool(nodeSpawner(dying, { workerData: { mode } }), 2);
      const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null, executor: pool });
      const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
      assert.equal(chain.hash, devnet.latest);
      assert.equal(chain.anchor.kind, 'genesis');
      const stats = verifier.poolStats();
      const own = pool.stats();
      assert.ok(own.workersDied >= 1, JSON.stringify(own));
      assert.ok(stats.inlineRetries >= 1);
      if (mode === 'exit-first') {
        // Workers that never work: the pool gives up after two such deaths (a replacement may
        // have started meanwhile), and every job runs inline.
        assert.ok(own.workersStarted >= 2 && own.workersStarted <= 3, JSON.stringify(own));
        assert.equal(stats.inlineRetries, stats.jobs);
        await assert.rejects(pool.run(new Uint8Array(1)), (/** @type {any} */ e) => e.name === 'WorkerError');
        assert.equal(pool.stats().workersStarted, own.workersStarted, 'no worker started any more');
      } else {
        // Each worker fails its second job: replacements were started and did work.
        assert.ok(own.workersStarted > own.workersDied - 1 && own.workersStarted >= 2, JSON.stringify(own));
        assert.ok(own.jobsCompleted >= 2);
        assert.equal(stats.inlineRetries, own.workersDied);
      }
      assert.equal(own.busy, 0);
      await pool.close();
      assert.equal(pool.stats().workersAlive, 0);
    });
  }

  test('a job that fails in its worker and inline fails the walk with internal_error', async () => {
    // The real binding, but running a job in this thread traps.
    const binding = {
      ...wasm,
      runCheckJob() {
        throw new WebAssembly.RuntimeError('unreachable');
      },
    };
    const api = createApi({ current: () => binding, init: async () => {} });
    const store = new MemoryTrustStore();
    const executor = {
      run: async () => {
        throw new Error('worker exited (code 7)');
      },
    };
    const verifier = new api.CertificateVerifier(devnet.genesisKey, { trustStore: store, executor });
    await assert.rejects(verifier.verifyChain(devnet.latest, mapSource(devnet.certificates)), (/** @type {any} */ e) => {
      assert.equal(e.name, 'MithrilVerificationError');
      assert.equal(e.code, 'internal_error');
      assert.equal(e.numericCode, 98);
      assert.match(e.message, /worker exited \(code 7\)/);
      assert.match(e.message, /unreachable/);
      return true;
    });
    assert.deepEqual(await verifier.trustedCheckpoints(), [], 'nothing committed');
    assert.equal(verifier.poolStats().inlineRetries, 1, 'the first failure ends the walk');
  });

  test('an executor answering something other than bytes is retried inline', async () => {
    const verifier = new CertificateVerifier(devnet.genesisKey, {
      trustStore: null,
      executor: { run: async () => /** @type {any} */ ('not bytes') },
    });
    const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    assert.equal(chain.hash, devnet.latest);
    assert.equal(verifier.poolStats().inlineRetries, verifier.poolStats().jobs);
  });

  test('runCheckJob on garbage bytes answers an internal_error outcome, never throws', async () => {
    const outcome = runCheckJob(new Uint8Array([1, 2, 3]));
    assert.ok(outcome instanceof Uint8Array);
    // Fed back for a real check, it fails the walk with internal_error.
    const verifier = new CertificateVerifier(devnet.genesisKey, {
      trustStore: null,
      executor: { run: async () => runCheckJob(new Uint8Array([0xff])) },
    });
    await assert.rejects(
      verifier.verifyChain(devnet.latest, mapSource(devnet.certificates)),
      (/** @type {any} */ e) => e.code === 'internal_error' && e.numericCode === 98,
    );
    assert.throws(() => runCheckJob(/** @type {any} */ ('text')), (/** @type {any} */ e) => e.code === 'invalid_argument');
  });
});
