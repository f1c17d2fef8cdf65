// Walks that resume: a walk aborted after any fetch leaves what it checked in the store as a
// pending segment (never trust); the next walk skips that segment's certificates (two fetches,
// no signature checks for it), gives the fresh walk's verdict, and commits the whole chain.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { CertificateVerifier, MemoryTrustStore } from 'mithril-lite';

import { loadDevnet, mapSource } from './helpers.mjs';

const devnet = loadDevnet();

/** @param {unknown} e */
function isAbort(e) {
  const err = /** @type {{name?: string, code?: string}} */ (e);
  return err.name === 'AbortError' && err.code === 'aborted';
}

describe('walks that resume', () => {
  // Inline checks, and one worker (whose job count is the number of signature checks).
  for (const workers of [0, 1]) {
    test(`an abort after every fetch resumes with only the unchecked certificates (workers: ${workers})`, async () => {
      const fresh = new CertificateVerifier(devnet.genesisKey, { trustStore: null, workers });
      const full = await fresh.verifyChain(devnet.latest, mapSource(devnet.certificates));
      const n = full.certificatesChecked;
      const freshJobs = fresh.poolStats().jobs;
      fresh.close();
      assert.ok(n > 3);
      let resumed = 0;
      for (let k = 1; k < n; k++) {
        const store = new MemoryTrustStore();
        const first = new CertificateVerifier(devnet.genesisKey, { trustStore: store, workers });
        const controller = new AbortController();
        // Fired as fetch k (0-based) starts: the walk stops at its next await.
        // With a worker, a source that answers at once outruns the checks: a little latency
        // lets them finish between fetches, as they do against a real aggregator.
        const source = mapSource(devnet.certificates, {
          delayMs: workers > 0 ? 25 : 0,
          onCall: (_hash, i) => {
            if (i === k) controller.abort();
          },
        });
        let checked = 0;
        await assert.rejects(
          first.verifyChain(devnet.latest, source, {
            signal: controller.signal,
            onProgress: (e) => {
              if (e.type === 'certificate-verified') checked++;
            },
          }),
          isAbort,
          `k = ${k}`,
        );
        assert.deepEqual(await first.trustedCheckpoints(), [], 'pending progress is never trust');
        first.close();
        if (checked > 0) assert.ok(await store.get(first.trustKey), `k = ${k}: progress saved`);

        const second = new CertificateVerifier(devnet.genesisKey, { trustStore: store, workers });
        const again = mapSource(devnet.certificates);
        const chain = await second.verifyChain(devnet.latest, again);
        assert.equal(chain.hash, full.hash);
        assert.deepEqual(chain.anchor, full.anchor);
        // The segment's first and last certificates are fetched; those between are not.
        const skipped = Math.max(0, checked - 2);
        assert.equal(again.requested.length, n - skipped, `k = ${k}, ${checked} checked before`);
        assert.equal(chain.certificatesChecked, n - skipped);
        if (workers > 0) {
          assert.equal(second.poolStats().jobs, freshJobs - checked, `k = ${k}: signature checks`);
        }
        // The whole chain is trusted now, the skipped certificates included.
        assert.equal((await second.trustedCheckpoints()).length, n);
        second.close();
        if (skipped > 0) resumed++;
      }
      assert.ok(resumed > 0, 'some walk resumed over a segment');
    });
  }

  test('stored bytes that do not decode are not resumed from', async () => {
    const plain = new CertificateVerifier(devnet.genesisKey, { trustStore: null, workers: 0 });
    const n = (await plain.verifyChain(devnet.latest, mapSource(devnet.certificates))).certificatesChecked;
    plain.close();
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store, workers: 0 });
    const controller = new AbortController();
    const source = mapSource(devnet.certificates, {
      onCall: (_hash, i) => {
        if (i === 8) controller.abort();
      },
    });
    await assert.rejects(verifier.verifyChain(devnet.latest, source, { signal: controller.signal }), isAbort);
    const bytes = /** @type {Uint8Array} */ (await store.get(verifier.trustKey));
    assert.ok(bytes instanceof Uint8Array && bytes.length > 0);
    // One flipped bit anywhere: a full walk, and the store says why.
    for (const i of [0, 4, 40, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const bad = bytes.slice();
      bad[i] ^= 1;
      await store.set(verifier.trustKey, bad);
      /** @type {string[]} */
      const ignored = [];
      const again = mapSource(devnet.certificates);
      const chain = await verifier.verifyChain(devnet.latest, again, {
        onProgress: (e) => {
          if (e.type === 'trust-ignored') ignored.push(e.code);
        },
      });
      assert.equal(chain.certificatesChecked, n, `byte ${i}: a full walk`);
      assert.equal(again.requested.length, n, `byte ${i}`);
      assert.deepEqual(ignored, ['checkpoint_malformed'], `byte ${i}`);
      await verifier.clearTrust();
    }
    verifier.close();
  });
});
