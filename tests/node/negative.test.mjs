// The reference chain (two certificates per epoch) verifies, and every negative variant is
// rejected with the error code the reference's verdict maps to (as tests/chains.rs maps them).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { CertificateVerifier, MemoryTrustStore } from 'mithril-lite';

import {
  TWO_PER_EPOCH,
  applyDescribedTampering,
  expectedCodes,
  loadChain,
  mapSource,
} from './helpers.mjs';

const valid = loadChain(TWO_PER_EPOCH);
const NEGATIVE = join(TWO_PER_EPOCH, 'negative');

/**
 * @param {ReturnType<typeof loadChain>} a
 * @param {ReturnType<typeof loadChain>} b
 */
function identical(a, b) {
  if (a.genesisKey !== b.genesisKey || a.certificates.size !== b.certificates.size) return false;
  for (const [hash, text] of a.certificates) if (b.certificates.get(hash) !== text) return false;
  return true;
}

describe('reference chain two-per-epoch', () => {
  test('the valid chain verifies from every certificate', async () => {
    const verifier = new CertificateVerifier(valid.genesisKey, { trustStore: null });
    const latest = await verifier.verifyChain(/** @type {string} */ (valid.latest), mapSource(valid.certificates));
    assert.equal(latest.epoch, 6);
    assert.equal(latest.anchor.kind, 'genesis');
    for (const hash of valid.certificates.keys()) {
      const chain = await verifier.verifyChain(hash, mapSource(valid.certificates));
      assert.equal(chain.hash, hash);
    }
  });

  const cases = readdirSync(NEGATIVE).sort();
  test('there are 11 negative cases', () => assert.equal(cases.length, 11));

  for (const name of cases) {
    test(`negative: ${name}`, async () => {
      const dir = join(NEGATIVE, name);
      const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
      assert.equal(expected.valid, false);
      const codes = expectedCodes(expected.reference_error);
      const chain = loadChain(dir);
      const latest = /** @type {string} */ (chain.latest);
      if (identical(chain, valid)) {
        // Four fixtures ship the valid chain unchanged (their tampering was not applied), so
        // the data verifies. Check that, then apply the tampering their description states
        // (as tests/chains.rs does) and expect the reference's verdict for it.
        const verifier = new CertificateVerifier(chain.genesisKey, { trustStore: null });
        await verifier.verifyChain(latest, mapSource(chain.certificates));
        const tampered = applyDescribedTampering(name, /** @type {string} */ (chain.certificates.get(latest)));
        assert.notEqual(tampered, chain.certificates.get(latest));
        chain.certificates.set(latest, tampered);
      }
      // A store that already trusts nothing must stay empty after a rejected walk.
      const store = new MemoryTrustStore();
      const verifier = new CertificateVerifier(chain.genesisKey, { trustStore: store });
      /** @type {string[]} */
      const verifiedEvents = [];
      await assert.rejects(
        verifier.verifyChain(latest, mapSource(chain.certificates), {
          onProgress: (e) => {
            if (e.type === 'chain-verified') verifiedEvents.push(e.hash);
          },
        }),
        (/** @type {any} */ e) => {
          assert.equal(e.name, 'MithrilVerificationError', `${name}: ${e.stack}`);
          assert.ok(codes.includes(e.code), `${name}: got ${e.code} (${e.message}), want one of ${codes}`);
          assert.equal(typeof e.numericCode, 'number');
          assert.equal(typeof e.cause, 'object');
          assert.ok(e.message.length > 0);
          return true;
        },
      );
      assert.deepEqual(verifiedEvents, []);
      assert.deepEqual(await verifier.trustedCheckpoints(), [], 'nothing committed');
    });
  }
});
