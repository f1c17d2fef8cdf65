// IndexedDbTrustStore in headless Chromium: checkpoints that survive a reload (the second walk
// stops at one), the same from a dedicated Web Worker (no localStorage there), a corrupted value
// (a trust-ignored event and a full walk, never a wrong verdict), stores that do not see each
// other, and a blocked upgrade that fails the store's call but not the verification.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DEVNET, loadPackage, openServedPage } from './harness.mjs';

/** @type {Awaited<ReturnType<typeof openServedPage>>} */
let session;
/** @type {import('playwright-core').Page} */
let page;
/** Uncaught errors and console errors of the page. @type {string[]} */
const problems = [];

/** The core's checkpoint bytes of `n` checkpoints: header, 40 bytes each, checksum. */
const bytesOf = (/** @type {number} */ n) => 41 + 40 * n + 32;

/**
 * Load the package into the page (again after a reload: `loadPackage`, whose `source(name)`
 * logs the hashes asked) and define `raw(...)` (IndexedDB without the store: to look at or
 * corrupt what it keeps).
 */
async function setUpPage() {
  await loadPackage(page);
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    /**
     * One request on an existing object store, in its own connection (closed after).
     * @param {string} db @param {string} store @param {'get' | 'put'} op
     * @param {string} key @param {unknown} [value]
     */
    w.raw = (db, store, op, key, value) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open(db);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const conn = open.result;
          const tx = conn.transaction(store, op === 'get' ? 'readonly' : 'readwrite');
          const req =
            op === 'get' ? tx.objectStore(store).get(key) : tx.objectStore(store).put(value, key);
          tx.oncomplete = () => {
            conn.close();
            const v = req.result;
            // Plain data for playwright: the bytes' type and contents.
            resolve(
              v instanceof Uint8Array
                ? { type: 'Uint8Array', bytes: Array.from(v) }
                : { type: typeof v, value: v },
            );
          };
          tx.onabort = () => {
            conn.close();
            reject(tx.error);
          };
        };
      });
  });
}

before(async () => {
  session = await openServedPage(problems);
  page = session.page;
  // Any page of the server: the tests import the package themselves.
  await setUpPage();
});

after(async () => {
  await session?.close();
});

/**
 * Verify the newest devnet certificate in the page with an IndexedDbTrustStore of `options`.
 * @param {{databaseName?: string, objectStoreName?: string}} options
 * @param {string} [aggregator]
 */
function verifyInPage(options, aggregator = 'aggregator') {
  return page.evaluate(
    async ({ options, aggregator }) => {
      const { lib, genesisKey, source, newest } = /** @type {any} */ (window);
      const store = new lib.IndexedDbTrustStore(options);
      const verifier = new lib.CertificateVerifier(genesisKey, { trustStore: store, workers: 0 });
      const src = source(aggregator);
      /** @type {any[]} */
      const events = [];
      try {
        const chain = await verifier.verifyChain(newest, src, {
          onProgress: (/** @type {any} */ e) => {
            if (e.type === 'trust-ignored') events.push(e);
          },
        });
        return {
          ok: true,
          key: verifier.trustKey,
          fetched: src.requested.length,
          anchor: chain.anchor,
          checked: chain.certificatesChecked,
          trustStored: chain.trustStored,
          ignored: events,
        };
      } catch (e) {
        const err = /** @type {any} */ (e);
        const fetched = src.requested.length;
        return { ok: false, key: verifier.trustKey, code: err.code, fetched, ignored: events };
      } finally {
        store.close();
        await verifier.close();
      }
    },
    { options, aggregator },
  );
}

/** @param {string} db @param {string} store @param {string} key */
const rawGet = (db, store, key) =>
  page.evaluate(([d, s, k]) => /** @type {any} */ (window).raw(d, s, 'get', k), [db, store, key]);

/**
 * Assert `stored` is the core's checkpoint bytes with `n` checkpoints, kept as a Uint8Array.
 * @param {any} stored @param {number} n
 */
function assertCheckpointBytes(stored, n) {
  assert.equal(stored.type, 'Uint8Array', 'IndexedDB keeps the bytes as a Uint8Array');
  const bytes = Buffer.from(stored.bytes);
  assert.equal(bytes.subarray(0, 5).toString('latin1'), 'MLTC\x02');
  assert.equal(bytes.length, bytesOf(n));
  assert.ok(bytes.includes(Buffer.from(DEVNET.newest, 'hex')), 'the newest certificate is trusted');
}

test('a page: the first walk goes to genesis, after a reload the walk stops at the checkpoint', async (t) => {
  const first = await verifyInPage({});
  assert.equal(first.ok, true, JSON.stringify(first));
  assert.deepEqual(first.anchor, { kind: 'genesis', hash: DEVNET.genesis });
  assert.equal(first.fetched, DEVNET.chainLength);
  assert.equal(first.trustStored, true);
  assert.deepEqual(first.ignored, []);
  // The documented defaults: database "mithril-lite", object store "trust".
  assertCheckpointBytes(await rawGet('mithril-lite', 'trust', first.key), DEVNET.chainLength);

  await page.reload();
  await setUpPage();
  const second = await verifyInPage({});
  assert.equal(second.ok, true, JSON.stringify(second));
  assert.deepEqual(second.anchor, { kind: 'trusted', hash: DEVNET.newest });
  assert.equal(second.fetched, 1, 'only the checkpointed certificate was fetched');
  assert.equal(second.checked, 1);
  t.diagnostic(`fetched ${first.fetched} certificates, after the reload ${second.fetched}`);
});

test('a dedicated Web Worker: the checkpoints of one worker shorten the walk of the next', async () => {
  const r = await page.evaluate(async () => {
    const { newest } = /** @type {any} */ (window);
    // A module worker that imports the package by URL, as an application's worker would
    // (from a blob: URL, so it is told the server's origin).
    const code = `
      const origin = ${JSON.stringify(location.origin)};
      import { init, CertificateVerifier, IndexedDbTrustStore } from
        ${JSON.stringify(new URL('/node_modules/mithril-lite/src/web.js', location.href).href)};
      self.onmessage = async ({ data }) => {
        try {
          await init();
          const key = (await (await fetch(origin + '/devnet/genesis.vkey')).text()).trim();
          const store = new IndexedDbTrustStore({ databaseName: 'worker-trust' });
          const verifier = new CertificateVerifier(key, { trustStore: store });
          let fetched = 0;
          const source = {
            async getCertificate(hash, init) {
              fetched++;
              const r = await fetch(origin + '/aggregator/certificate/' + hash, { signal: init.signal });
              if (!r.ok) throw new Error('HTTP ' + r.status);
              return r.text();
            },
          };
          const chain = await verifier.verifyChain(data, source);
          await verifier.close();
          store.close();
          self.postMessage({
            ok: true, fetched, anchor: chain.anchor, trustStored: chain.trustStored,
            key: verifier.trustKey, localStorage: typeof localStorage,
          });
        } catch (e) {
          self.postMessage({ ok: false, name: e.name, code: e.code, message: e.message });
        }
      };`;
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    const run = () =>
      new Promise((resolve, reject) => {
        const worker = new Worker(url, { type: 'module' });
        worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
        worker.onmessage = ({ data }) => {
          worker.terminate();
          resolve(data);
        };
        worker.postMessage(newest);
      });
    const first = await run();
    const second = await run();
    URL.revokeObjectURL(url);
    return { first, second };
  });
  const first = /** @type {any} */ (r.first);
  const second = /** @type {any} */ (r.second);
  assert.equal(first.ok, true, JSON.stringify(first));
  assert.equal(first.localStorage, 'undefined', 'a worker has no localStorage');
  assert.deepEqual(first.anchor, { kind: 'genesis', hash: DEVNET.genesis });
  assert.equal(first.fetched, DEVNET.chainLength);
  assert.equal(first.trustStored, true);
  assertCheckpointBytes(await rawGet('worker-trust', 'trust', first.key), DEVNET.chainLength);
  assert.equal(second.ok, true, JSON.stringify(second));
  assert.deepEqual(second.anchor, { kind: 'trusted', hash: DEVNET.newest });
  assert.equal(second.fetched, 1);
});

test('a corrupted value: trust-ignored, a full walk, the right verdict, then valid bytes', async () => {
  const db = 'corrupted-trust';
  const seed = await verifyInPage({ databaseName: db });
  assert.equal(seed.ok, true, JSON.stringify(seed));
  const good = /** @type {any} */ (await rawGet(db, 'trust', seed.key));
  assertCheckpointBytes(good, DEVNET.chainLength);
  /** @param {unknown} value */
  const put = (value) =>
    page.evaluate(([d, k, v]) => /** @type {any} */ (window).raw(d, 'trust', 'put', k, v), [
      db,
      seed.key,
      value,
    ]);

  // One checkpoint byte flipped (the checksum no longer matches), against the tampered
  // aggregator: the walk must still reach the tampered certificate and fail there.
  const flipped = good.bytes.slice();
  flipped[41] ^= 0x01;
  await page.evaluate(
    ([d, k, b]) =>
      /** @type {any} */ (window).raw(d, 'trust', 'put', k, new Uint8Array(/** @type {number[]} */ (b))),
    [db, seed.key, flipped],
  );
  const tampered = await verifyInPage({ databaseName: db }, 'broken-aggregator');
  assert.equal(tampered.ok, false);
  assert.equal(tampered.code, 'certificate_hash_mismatch');
  assert.equal(tampered.ignored.length, 1, 'one trust-ignored event');
  assert.equal(tampered.ignored[0].key, seed.key);
  assert.equal(typeof tampered.ignored[0].code, 'string');
  const kept = /** @type {any} */ (await rawGet(db, 'trust', seed.key));
  assert.deepEqual(kept.bytes, flipped, 'a failed walk writes nothing');

  // Garbage bytes, then a value that is not bytes at all.
  for (const garbage of ['bytes', 'number']) {
    if (garbage === 'bytes') {
      await page.evaluate(
        ([d, k]) =>
          /** @type {any} */ (window).raw(d, 'trust', 'put', k, new Uint8Array([1, 2, 3, 4, 5, 6, 7])),
        [db, seed.key],
      );
    } else {
      await put(42);
    }
    const r = await verifyInPage({ databaseName: db });
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.ignored.length, 1, `${garbage}: one trust-ignored event`);
    assert.equal(r.ignored[0].key, seed.key);
    assert.equal(r.ignored[0].code, 'checkpoint_malformed');
    assert.deepEqual(r.anchor, { kind: 'genesis', hash: DEVNET.genesis }, `${garbage}: a full walk`);
    assert.equal(r.fetched, DEVNET.chainLength);
    assert.equal(r.trustStored, true);
    // The verified walk replaced the value with valid bytes.
    assertCheckpointBytes(await rawGet(db, 'trust', seed.key), DEVNET.chainLength);
  }
});

test('stores of different databases or object stores do not see each other', async () => {
  const r = await page.evaluate(async () => {
    const { lib, genesisKey, source, newest } = /** @type {any} */ (window);
    const a = new lib.IndexedDbTrustStore({ databaseName: 'isolation-a' });
    const b = new lib.IndexedDbTrustStore({ databaseName: 'isolation-b' });
    // Same database as `a`, another object store: created by an upgrade while `a` is open.
    const c = new lib.IndexedDbTrustStore({ databaseName: 'isolation-a', objectStoreName: 'other' });
    const va = new lib.CertificateVerifier(genesisKey, { trustStore: a, workers: 0 });
    const chain = await va.verifyChain(newest, source('aggregator'));
    const key = va.trustKey;
    const before = await a.get(key);
    const inB = await b.get(key);
    const inC = await c.get(key);
    await c.set(key, new Uint8Array([9, 9, 9]));
    await b.set(key, new Uint8Array([8, 8]));
    // `a` closed its connection for c's upgrade and opens the new version.
    const after = await a.get(key);
    const vc = new lib.CertificateVerifier(genesisKey, { trustStore: c, workers: 0 });
    const events = /** @type {any[]} */ ([]);
    const viaC = await vc.verifyChain(newest, source('aggregator'), {
      onProgress: (/** @type {any} */ e) => e.type === 'trust-ignored' && events.push(e),
    });
    await va.clearTrust();
    const cleared = await a.get(key);
    const cAfterClear = await c.get(key);
    for (const s of [a, b, c]) s.close();
    await va.close();
    await vc.close();
    return {
      anchor: chain.anchor.kind,
      sameBytes: before instanceof Uint8Array && after instanceof Uint8Array &&
        before.length === after.length && before.every((x, i) => x === after[i]),
      beforeLength: before?.length,
      inB: inB === undefined ? 'undefined' : String(inB),
      inC: inC === undefined ? 'undefined' : String(inC),
      viaC: { anchor: viaC.anchor.kind, ignored: events.length },
      cleared: cleared === undefined ? 'undefined' : String(cleared),
      cAfterClear: cAfterClear instanceof Uint8Array ? cAfterClear.length : String(cAfterClear),
    };
  });
  assert.equal(r.anchor, 'genesis');
  assert.equal(r.beforeLength, bytesOf(DEVNET.chainLength));
  assert.equal(r.inB, 'undefined', 'another database is empty');
  assert.equal(r.inC, 'undefined', 'another object store is empty');
  assert.equal(r.sameBytes, true, "the others' writes left a's value alone");
  assert.deepEqual(r.viaC, { anchor: 'genesis', ignored: 1 }, 'c holds its own (garbage) value');
  assert.equal(r.cleared, 'undefined', 'clearTrust deleted the record');
  assert.equal(r.cAfterClear, bytesOf(DEVNET.chainLength), "c's value outlived a's clearTrust");
});

test('an upgrade blocked by a connection that never closes: the call rejects, the verification does not', async () => {
  const r = await page.evaluate(async () => {
    const { lib, genesisKey, source, newest } = /** @type {any} */ (window);
    // A connection without a versionchange handler: it never closes for an upgrade.
    const stubborn = await new Promise((resolve, reject) => {
      const req = indexedDB.open('blocked-trust');
      req.onupgradeneeded = () => req.result.createObjectStore('mine');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    // The store's object store is missing: it needs an upgrade, which that connection blocks.
    const store = new lib.IndexedDbTrustStore({ databaseName: 'blocked-trust' });
    let error;
    try {
      await store.get('k');
    } catch (e) {
      error = { name: /** @type {any} */ (e).name, message: /** @type {any} */ (e).message };
    }
    const verifier = new lib.CertificateVerifier(genesisKey, { trustStore: store, workers: 0 });
    const chain = await verifier.verifyChain(newest, source('aggregator'));
    // Blocked still: the store fails fast rather than queueing behind its upgrade.
    let again;
    try {
      await store.set('k', new Uint8Array([1]));
    } catch (e) {
      again = /** @type {any} */ (e).message;
    }
    /** @type {IDBDatabase} */ (stubborn).close();
    // Opens run in order: once this one succeeds, the store's upgrade has completed.
    const names = await new Promise((resolve, reject) => {
      const req = indexedDB.open('blocked-trust');
      req.onsuccess = () => {
        resolve(Array.from(req.result.objectStoreNames));
        req.result.close();
      };
      req.onerror = () => reject(req.error);
    });
    // Unblocked: the store works again.
    await store.set('k', new Uint8Array([1, 2, 3]));
    const back = await store.get('k');
    store.close();
    await verifier.close();
    return {
      error,
      again,
      names,
      anchor: chain.anchor.kind,
      trustStored: chain.trustStored,
      back: Array.from(back),
    };
  });
  assert.equal(r.error?.name, 'Error');
  assert.match(
    r.error?.message ?? '',
    /^IndexedDbTrustStore: could not open IndexedDB database "blocked-trust", object store "trust": .*blocked/,
  );
  assert.match(r.again ?? '', /blocked/);
  assert.deepEqual(r.names, ['mine', 'trust'], 'the upgrade ran once unblocked');
  assert.equal(r.anchor, 'genesis', 'an unreadable store costs a full walk');
  assert.equal(r.trustStored, false, 'a failing store does not fail the verification');
  assert.deepEqual(r.back, [1, 2, 3]);
});

test('no page errors', () => {
  assert.deepEqual(problems, []);
});

test('a walk aborted mid-way resumes after a reload, skipping what it checked', async (t) => {
  for (const k of [3, 6, 9]) {
    const databaseName = `resume-${k}`;
    // Aborted as fetch k starts (the page closing mid-walk does the same to the walk).
    const stopped = await page.evaluate(
      async ({ databaseName, k }) => {
        const { lib, genesisKey, source, newest } = /** @type {any} */ (window);
        const store = new lib.IndexedDbTrustStore({ databaseName });
        const verifier = new lib.CertificateVerifier(genesisKey, { trustStore: store, workers: 0 });
        const controller = new AbortController();
        const src = source('aggregator');
        const get = src.getCertificate.bind(src);
        src.getCertificate = (/** @type {string} */ hash, /** @type {any} */ init) => {
          if (src.requested.length === k) controller.abort();
          return get(hash, init);
        };
        let checked = 0;
        try {
          await verifier.verifyChain(newest, src, {
            signal: controller.signal,
            onProgress: (/** @type {any} */ e) => {
              if (e.type === 'certificate-verified') checked++;
            },
          });
          return { code: 'verified', checked };
        } catch (e) {
          const trusted = (await verifier.trustedCheckpoints()).length;
          return { code: /** @type {any} */ (e).code, checked, trusted };
        } finally {
          store.close();
          await verifier.close();
        }
      },
      { databaseName, k },
    );
    assert.equal(stopped.code, 'aborted', JSON.stringify(stopped));
    assert.equal(stopped.trusted, 0, 'pending progress is never trust');
    assert.ok(stopped.checked >= 2, JSON.stringify(stopped));

    await page.reload();
    await setUpPage();
    const resumed = await verifyInPage({ databaseName });
    assert.equal(resumed.ok, true, JSON.stringify(resumed));
    assert.deepEqual(resumed.anchor, { kind: 'genesis', hash: DEVNET.genesis });
    assert.equal(resumed.fetched, DEVNET.chainLength - (stopped.checked - 2), JSON.stringify(resumed));
    assert.deepEqual(resumed.ignored, []);
    assertCheckpointBytes(await rawGet(databaseName, 'trust', resumed.key), DEVNET.chainLength);
    t.diagnostic(`aborted at fetch ${k} (${stopped.checked} checked): resumed with ${resumed.fetched} fetches`);
  }
});
