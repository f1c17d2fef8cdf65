// How a verifier spreads checks: the caller's thread helping a busy executor
// (`mainThreadChecks`), one certificate's point decoding split over an executor with room for
// several jobs (the warm path), and the signer keys a verifier keeps across calls. Verdicts are
// the inline ones in every case.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { CertificateVerifier, runCheckJob } from 'mithril-lite';

import { FIXTURES, TWO_PER_EPOCH, loadChain, mapSource } from './helpers.mjs';

const mainnet = loadChain(join(FIXTURES, 'reference-chains', 'mainnet-params'));
const twoPerEpoch = loadChain(TWO_PER_EPOCH);

/**
 * An executor running jobs in this thread after a delay, `concurrency` at a time.
 * @param {number} concurrency
 * @param {number} delayMs
 */
function slowExecutor(concurrency, delayMs) {
  const stats = { runs: 0 };
  return {
    stats,
    executor: {
      concurrency,
      /** @param {Uint8Array} job */
      run: async (job) => {
        stats.runs++;
        await new Promise((r) => setTimeout(r, delayMs));
        return runCheckJob(job);
      },
    },
  };
}

/**
 * The verdict of a verifier on a chain: the result's essentials, or the error's code.
 * @param {CertificateVerifier} verifier
 * @param {{certificates: Map<string, string>, latest?: string}} chain
 */
async function verdict(verifier, chain) {
  try {
    const r = await verifier.verifyChain(/** @type {string} */ (chain.latest), mapSource(chain.certificates));
    return { ok: r.hash, checked: r.certificatesChecked, anchor: r.anchor.hash };
  } catch (e) {
    return { code: /** @type {any} */ (e).code };
  }
}

/** @param {{certificates: Map<string, string>, latest?: string, genesisKey: string}} chain */
async function inlineVerdict(chain) {
  const v = new CertificateVerifier(chain.genesisKey, { workers: 0, trustStore: null });
  try {
    return await verdict(v, chain);
  } finally {
    await v.close();
  }
}

/**
 * The chain with the first signature point of its newest certificate's multi-signature
 * spoiled (no compression flag): the reference refuses that certificate when it reads it.
 * @param {{certificates: Map<string, string>, latest?: string, genesisKey: string}} chain
 */
function spoiledFirstPoint(chain) {
  const latest = /** @type {string} */ (chain.latest);
  const text = /** @type {string} */ (chain.certificates.get(latest));
  const cert = JSON.parse(text);
  const json = Buffer.from(cert.multi_signature, 'hex').toString('utf8');
  const spoiled = json.replace(/"sigma":\[\d+/, '"sigma":[0');
  assert.notEqual(spoiled, json);
  const hex = Buffer.from(spoiled, 'utf8').toString('hex');
  const certificates = new Map(chain.certificates);
  certificates.set(latest, text.replace(cert.multi_signature, hex));
  return { ...chain, certificates };
}

describe('checks spread over the caller and the executor', () => {
  test("the caller's thread takes checks while the executor is busy, with the inline verdict", async () => {
    const expected = await inlineVerdict(mainnet);
    assert.ok(expected.ok, JSON.stringify(expected));
    for (const mainThreadChecks of [true, false]) {
      const { executor } = slowExecutor(1, 40);
      const v = new CertificateVerifier(mainnet.genesisKey, { executor, trustStore: null, mainThreadChecks });
      try {
        assert.deepEqual(await verdict(v, mainnet), expected);
        const stats = v.poolStats();
        if (mainThreadChecks) assert.ok(stats.mainThreadChecks > 0, JSON.stringify(stats));
        else assert.equal(stats.mainThreadChecks, 0);
      } finally {
        await v.close();
      }
    }
    assert.throws(
      () => new CertificateVerifier(mainnet.genesisKey, { mainThreadChecks: /** @type {any} */ ('yes') }),
      { code: 'invalid_options' },
    );
  });

  test("one certificate's point decoding is split over an executor with room for several jobs", async () => {
    for (const chain of [mainnet, spoiledFirstPoint(mainnet)]) {
      const expected = await inlineVerdict(chain);
      const { executor, stats } = slowExecutor(3, 1);
      const v = new CertificateVerifier(chain.genesisKey, { executor, trustStore: null, mainThreadChecks: false });
      try {
        assert.deepEqual(await verdict(v, chain), expected);
        assert.ok(v.poolStats().splitChecks >= 1, JSON.stringify(v.poolStats()));
        assert.ok(stats.runs > 2);
      } finally {
        await v.close();
      }
    }
    assert.equal((await inlineVerdict(spoiledFirstPoint(mainnet))).code, 'certificate_malformed');
  });

  test('a verifier keeps the signer keys its walks validated, and verifies the same', async () => {
    const v = new CertificateVerifier(twoPerEpoch.genesisKey, { workers: 0, trustStore: null });
    try {
      assert.equal(v.poolStats().cachedKeys, 0);
      const first = await verdict(v, twoPerEpoch);
      assert.ok(first.ok);
      const cached = v.poolStats().cachedKeys;
      assert.ok(cached > 0);
      assert.deepEqual(await verdict(v, twoPerEpoch), first);
      assert.ok(v.poolStats().cachedKeys >= cached);
    } finally {
      await v.close();
    }
  });
});
