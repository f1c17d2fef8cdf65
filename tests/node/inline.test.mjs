// The verdict test files again with the STM checks inline (MITHRIL_LITE_WORKERS=0, the node
// entry's default pool size): their own runs use the default pool of worker_threads, so every
// verdict is checked both ways, unchanged.

import assert from 'node:assert/strict';
import { test } from 'node:test';

process.env.MITHRIL_LITE_WORKERS = '0';

const { CertificateVerifier } = await import('mithril-lite');
const { loadDevnet } = await import('./helpers.mjs');

test('MITHRIL_LITE_WORKERS=0: verifiers check inline by default', () => {
  const verifier = new CertificateVerifier(loadDevnet().genesisKey);
  assert.equal(verifier.poolStats().mode, 'inline');
});

for (const file of [
  './devnet.test.mjs',
  './negative.test.mjs',
  './abort.test.mjs',
  './trust.test.mjs',
  './pipeline.test.mjs',
  './proofs.test.mjs',
]) {
  await import(file);
}
