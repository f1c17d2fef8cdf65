// The check pool in a page (headless Chromium): the package's browser entry, loaded from
// www/server.mjs, verifies the devnet chain with its STM checks on Web Workers, gives the same
// verdicts as inline, leaves no worker busy and commits no trust when aborted while jobs run,
// and close() ends its workers.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEVNET, loadPackage, openServedPage } from './harness.mjs';

/** @type {Awaited<ReturnType<typeof openServedPage>>} */
let session;
/** @type {import('playwright-core').Page} */
let page;
/** @type {string[]} */
const problems = [];

before(async () => {
  session = await openServedPage(problems);
  page = session.page;
  // Any page of the server: the tests import the package themselves.
  await loadPackage(page);
});

after(async () => {
  await session?.close();
});

test('the devnet chain verifies on Web Workers as it does inline', async (t) => {
  const r = await page.evaluate(async () => {
    const { lib, genesisKey, source } = /** @type {any} */ (window);
    const inline = new lib.CertificateVerifier(genesisKey, { trustStore: null, workers: 0 });
    const pooled = new lib.CertificateVerifier(genesisKey, { trustStore: null, workers: 2 });
    const newest = /** @type {any} */ (window).newest;
    const a = await inline.verifyChain(newest, source('aggregator'));
    const before = pooled.poolStats();
    const b = await pooled.verifyChain(newest, source('aggregator'));
    const after = pooled.poolStats();
    const again = await pooled.verifyChain(newest, source('aggregator'));
    const reused = pooled.poolStats();
    await pooled.close();
    return {
      same: JSON.stringify(a) === JSON.stringify(b) && JSON.stringify(b) === JSON.stringify(again),
      hash: b.hash,
      inlineMode: inline.poolStats().mode,
      before,
      after,
      reused,
      closed: pooled.poolStats(),
      hasWorker: typeof Worker === 'function',
    };
  });
  assert.equal(r.hasWorker, true);
  assert.equal(r.same, true, 'the same result inline and on workers');
  assert.equal(r.hash, DEVNET.newest);
  assert.equal(r.inlineMode, 'inline');
  assert.equal(r.before.workersStarted, 0, 'the pool starts with the first walk');
  assert.equal(r.after.mode, 'workers');
  assert.equal(r.after.jobs, DEVNET.chainLength - 1);
  assert.ok(r.after.workersUsed >= 1 && r.after.workersUsed <= 2, JSON.stringify(r.after));
  assert.equal(r.after.inlineRetries, 0);
  assert.equal(r.after.busy, 0);
  assert.equal(r.reused.workersStarted, r.after.workersStarted, 'the second walk reused the workers');
  assert.equal(r.closed.workersAlive, 0, 'close() ended the workers');
  t.diagnostic(`${r.after.workersUsed} Web Workers ran ${r.after.jobs} checks`);
});

test('the tampered aggregator: the same error on workers as inline', async () => {
  const r = await page.evaluate(async () => {
    const { lib, genesisKey, source, newest } = /** @type {any} */ (window);
    /** @param {number} workers */
    const run = async (workers) => {
      const v = new lib.CertificateVerifier(genesisKey, { workers });
      try {
        await v.verifyChain(newest, source('broken-aggregator'));
        return { ok: true };
      } catch (e) {
        const err = /** @type {any} */ (e);
        return {
          name: err.name,
          code: err.code,
          numericCode: err.numericCode,
          message: err.message,
          certificate: err.cause?.certificate,
          stored: (await v.trustedCheckpoints()).length,
        };
      } finally {
        await v.close();
      }
    };
    return { inline: await run(0), pooled: await run(2) };
  });
  assert.equal(r.inline.code, 'certificate_hash_mismatch');
  assert.deepEqual(r.pooled, r.inline);
  assert.equal(r.pooled.stored, 0);
});

test('an abort while jobs run on Web Workers leaves no worker busy and commits no trust', async (t) => {
  const r = await page.evaluate(async () => {
    const { lib, genesisKey, source, newest } = /** @type {any} */ (window);
    const store = new lib.MemoryTrustStore();
    const v = new lib.CertificateVerifier(genesisKey, { trustStore: store, workers: 2 });
    const controller = new AbortController();
    let busyAtAbort = -1;
    let error;
    try {
      await v.verifyChain(newest, source('aggregator'), {
        signal: controller.signal,
        onProgress: (/** @type {any} */ e) => {
          if (e.type === 'certificate-fetched' && e.index === 3) {
            busyAtAbort = v.poolStats().busy;
            controller.abort();
          }
        },
      });
    } catch (e) {
      error = { name: /** @type {any} */ (e).name, code: /** @type {any} */ (e).code };
    }
    const after = v.poolStats();
    const stored = await store.get(v.trustKey);
    // The pool works on: the stopped workers are replaced.
    const chain = await v.verifyChain(newest, source('aggregator'));
    const storedAfter = (await v.trustedCheckpoints()).length;
    await v.close();
    return { error, busyAtAbort, after, stored: stored ?? null, hash: chain.hash, storedAfter };
  });
  assert.deepEqual(r.error, { name: 'AbortError', code: 'aborted' });
  assert.ok(r.busyAtAbort > 0, `workers busy when aborted: ${r.busyAtAbort}`);
  assert.equal(r.after.busy, 0, 'no worker busy');
  assert.equal(r.after.queued, 0, 'no job queued');
  assert.equal(r.after.workersStopped, r.busyAtAbort, 'the busy workers were stopped');
  assert.equal(r.stored, null, 'nothing committed');
  assert.equal(r.hash, DEVNET.newest);
  assert.equal(r.storedAfter, DEVNET.chainLength);
  t.diagnostic(`${r.busyAtAbort} worker(s) busy at the abort, stopped`);
});

test('no uncaught errors in the page', () => {
  assert.deepEqual(problems, []);
});
