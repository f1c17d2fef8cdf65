// The reference chains (two certificates per epoch; mainnet parameters) verify, and every
// negative variant is rejected with the error code the reference's verdict maps to (as
// tests/chains.rs maps them), committing no trust.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { CertificateVerifier, MemoryTrustStore, MithrilVerificationError } from 'mithril-lite';
import * as web from 'mithril-lite/web';

import { MAINNET_PARAMS, TWO_PER_EPOCH, expectedCodes, loadChain, mapSource } from './helpers.mjs';

/**
 * @param {ReturnType<typeof loadChain>} a
 * @param {ReturnType<typeof loadChain>} b
 */
function identical(a, b) {
  if (a.genesisKey !== b.genesisKey || a.certificates.size !== b.certificates.size) return false;
  for (const [hash, text] of a.certificates) if (b.certificates.get(hash) !== text) return false;
  return true;
}

/**
 * Every negative variant of the reference chain at `root` fails like the reference.
 * @param {string} root
 */
function negatives(root) {
  const valid = loadChain(root);
  const NEGATIVE = join(root, 'negative');
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
      // Every variant is really tampered: a copy of the valid chain would pass for the wrong
      // reason.
      assert.ok(!identical(chain, valid), `${name}: identical to the valid chain`);
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
          // One class, whichever entry is asked (the verdict was made by the wasm module).
          assert.ok(e instanceof MithrilVerificationError && e instanceof web.MithrilVerificationError);
          assert.ok(!(e instanceof web.AggregatorError));
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
}

describe('reference chain two-per-epoch', () => {
  test('the valid chain verifies from every certificate', async () => {
    const valid = loadChain(TWO_PER_EPOCH);
    const verifier = new CertificateVerifier(valid.genesisKey, { trustStore: null });
    const latest = await verifier.verifyChain(/** @type {string} */ (valid.latest), mapSource(valid.certificates));
    assert.equal(latest.epoch, 6);
    assert.equal(latest.anchor.kind, 'genesis');
    for (const hash of valid.certificates.keys()) {
      const chain = await verifier.verifyChain(hash, mapSource(valid.certificates));
      assert.equal(chain.hash, hash);
    }
  });
  negatives(TWO_PER_EPOCH);
});

describe('reference chain mainnet-params', () => {
  test('the valid chain verifies', async () => {
    const valid = loadChain(MAINNET_PARAMS);
    const verifier = new CertificateVerifier(valid.genesisKey, { trustStore: null });
    const latest = await verifier.verifyChain(/** @type {string} */ (valid.latest), mapSource(valid.certificates));
    assert.equal(latest.anchor.kind, 'genesis');
    assert.equal(latest.certificatesChecked, 21);
  });
  negatives(MAINNET_PARAMS);
});

test('the classes answer instanceof for objects of any entry, and only for theirs', () => {
  const made = new web.MithrilVerificationError('m', { code: 'chain_too_long', numericCode: 107 });
  assert.ok(made instanceof MithrilVerificationError && made instanceof Error);
  assert.equal(made.name, 'MithrilVerificationError');
  assert.equal(made.numericCode, 107);
  // A wasm-made verdict is a plain Error with the name and a code: an instance.
  const plain = Object.assign(new Error('x'), { name: 'MithrilVerificationError', code: 'stm_lottery_lost' });
  assert.ok(plain instanceof MithrilVerificationError);
  // A DOM-style AbortError (numeric code) or an unrelated error is not.
  const dom = Object.assign(new Error('x'), { name: 'AggregatorError', code: 20 });
  assert.ok(!(dom instanceof web.AggregatorError));
  assert.ok(!(new TypeError('x') instanceof MithrilVerificationError));
  // Verifiers too: the node entry's verifier is an instance of the web entry's class.
  const verifier = new CertificateVerifier(loadChain(TWO_PER_EPOCH).genesisKey, { trustStore: null });
  assert.ok(verifier instanceof web.CertificateVerifier && verifier instanceof CertificateVerifier);
  assert.ok(!({} instanceof web.CertificateVerifier));
  const agg = new web.AggregatorError('a', { code: 'certificate_list_empty', cause: { url: 'u' } });
  assert.ok(agg instanceof web.AggregatorError && !(agg instanceof MithrilVerificationError));
});

