// Cancellation and killed walks: an AbortSignal rejects promptly with AbortError/aborted,
// cancels the fetch in flight, and a walk that does not succeed commits no trust. The Walk is
// freed whatever happens.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { describe, test } from 'node:test';

import { CertificateVerifier, MemoryTrustStore } from 'mithril-lite';

import { loadDevnet, mapSource } from './helpers.mjs';
import { instrumentedApi } from './instrumented.mjs';

const devnet = loadDevnet();

/** @param {unknown} e */
function isAbort(e) {
  const err = /** @type {{name?: string, code?: string}} */ (e);
  return err.name === 'AbortError' && err.code === 'aborted';
}

describe('abort', () => {
  test('an already aborted signal rejects before anything is fetched', async () => {
    const verifier = new CertificateVerifier(devnet.genesisKey);
    const source = mapSource(devnet.certificates);
    const controller = new AbortController();
    controller.abort(new Error('user left'));
    await assert.rejects(
      verifier.verifyChain(devnet.latest, source, { signal: controller.signal }),
      (/** @type {any} */ e) => isAbort(e) && e.cause.message === 'user left',
    );
    assert.equal(source.requested.length, 0);
    await assert.rejects(
      verifier.verifyLatest('http://127.0.0.1:1', { signal: controller.signal }),
      isAbort,
    );
  });

  test('aborting while a fetch is in flight rejects promptly and cancels that fetch', { timeout: 60_000 }, async () => {
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    const controller = new AbortController();
    // Fetch 3 never answers: the walk can only end through the abort, so rejecting at all
    // proves the abort reached the pending fetch (asserted by order, not by elapsed time).
    const source = mapSource(devnet.certificates, {
      hangFrom: 3,
      onCall: (_hash, n) => {
        if (n === 3) setTimeout(() => controller.abort(), 20);
      },
    });
    /** @type {string[]} */
    const types = [];
    await assert.rejects(
      verifier.verifyChain(devnet.latest, source, {
        signal: controller.signal,
        onProgress: (e) => types.push(e.type),
      }),
      isAbort,
    );
    assert.equal(source.abortedWhilePending, 1, 'the in-flight getCertificate saw its signal abort');
    assert.equal(source.requested.length, 4);
    assert.ok(!types.includes('chain-verified'));
    assert.deepEqual(await verifier.trustedCheckpoints(), [], 'nothing committed');
  });

  test('an abort from a timer lands between checks even when the source answers at once', async () => {
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: null });
    const full = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    const controller = new AbortController();
    const source = mapSource(devnet.certificates);
    let checked = 0;
    await assert.rejects(
      verifier.verifyChain(devnet.latest, source, {
        signal: controller.signal,
        onProgress: (e) => {
          if (e.type === 'certificate-fetched' && e.index === 1) setTimeout(() => controller.abort(), 0);
          if (e.type === 'certificate-verified') checked++;
        },
      }),
      isAbort,
    );
    assert.ok(checked < full.certificatesChecked - 1, `aborted after ${checked} checks`);
  });

  test('aborting an aggregator fetch aborts the HTTP request', async () => {
    const controller = new AbortController();
    /** @type {() => void} */
    let socketClosed = () => {};
    const closed = new Promise((resolve) => {
      socketClosed = () => resolve(undefined);
    });
    // The server never answers: once the request arrives, the caller aborts.
    const server = createServer((req) => {
      req.socket.once('close', socketClosed);
      setTimeout(() => controller.abort(), 10);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
    const address = /** @type {import('node:net').AddressInfo} */ (server.address());
    try {
      /** @type {AbortSignal[]} */
      const signals = [];
      const verifier = new CertificateVerifier(devnet.genesisKey, {
        trustStore: null,
        fetch: (url, init) => {
          if (init?.signal) signals.push(init.signal);
          return fetch(url, init);
        },
      });
      await assert.rejects(
        verifier.verifyChain(devnet.latest, `http://127.0.0.1:${address.port}`, {
          signal: controller.signal,
        }),
        isAbort,
      );
      assert.equal(signals.length, 1);
      assert.equal(signals[0].aborted, true, 'the fetch was given a signal that aborted');
      /** @type {ReturnType<typeof setTimeout> | undefined} */
      let timer;
      const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('socket still open')), 5000);
      });
      await Promise.race([closed, timeout]).finally(() => clearTimeout(timer)); // the client hung up
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    }
  });

  test('aborting after the chain verified but before the commit stores nothing', async () => {
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    const controller = new AbortController();
    await assert.rejects(
      verifier.verifyChain(devnet.latest, mapSource(devnet.certificates), {
        signal: controller.signal,
        onProgress: (e) => {
          if (e.type === 'chain-verified') controller.abort();
        },
      }),
      isAbort,
    );
    assert.deepEqual(await verifier.trustedCheckpoints(), []);
  });
});

describe('killed walks commit nothing', () => {
  test('a source that fails half-way: certificate_unavailable, store unchanged', async () => {
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    // Seed the store with a real checkpoint set (a short chain: the genesis certificate).
    const genesis = [...devnet.certificates.keys()].find((h) =>
      /"genesis_signature":\s*"[0-9a-f]/.test(/** @type {string} */ (devnet.certificates.get(h))),
    );
    assert.ok(genesis);
    await verifier.verifyChain(genesis, mapSource(devnet.certificates));
    const before = await store.get(verifier.trustKey);
    assert.ok(before);

    const source = mapSource(devnet.certificates, { failAfter: 4 });
    await assert.rejects(verifier.verifyChain(devnet.latest, source), (/** @type {any} */ e) => {
      assert.equal(e.code, 'certificate_unavailable');
      assert.match(e.message, /source down/);
      assert.equal(e.cause.certificate, source.requested[4]);
      return true;
    });
    assert.deepEqual(await store.get(verifier.trustKey), before);
  });

  test('an exception in onProgress rejects the walk and commits nothing', async () => {
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    await assert.rejects(
      verifier.verifyChain(devnet.latest, mapSource(devnet.certificates), {
        onProgress: (e) => {
          if (e.type === 'certificate-verified' && e.index === 2) throw new Error('ui bug');
        },
      }),
      /ui bug/,
    );
    assert.deepEqual(await verifier.trustedCheckpoints(), []);
  });

  test('the Walk is freed on success, failure, abort and listener errors', async () => {
    const { api, counts } = instrumentedApi();
    const verifier = new api.CertificateVerifier(devnet.genesisKey, { trustStore: null });
    await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    await assert.rejects(verifier.verifyChain(devnet.latest, mapSource(new Map())));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      verifier.verifyChain(devnet.latest, mapSource(devnet.certificates), { signal: controller.signal }),
    );
    const c2 = new AbortController();
    await assert.rejects(
      verifier.verifyChain(devnet.latest, mapSource(devnet.certificates, { delayMs: 50 }), {
        signal: c2.signal,
        onProgress: () => c2.abort(),
      }),
    );
    await assert.rejects(
      verifier.verifyChain(devnet.latest, mapSource(devnet.certificates), {
        onProgress: () => {
          throw new Error('listener');
        },
      }),
    );
    // The pre-aborted call never creates a walk.
    assert.equal(counts.created, 4);
    assert.equal(counts.freed, 4);
  });
});
