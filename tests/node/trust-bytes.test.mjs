// One trust format everywhere: the checkpoint bytes the CLI's `--trust FILE` writes are the
// bytes the npm package keeps in its stores and the C ABI imports and exports, and back:
//
//   CLI writes FILE  ->  node reads it into a store, its walk stops at a checkpoint
//                    ->  C imports it, its walk stops at a checkpoint, it exports the same bytes
//   node writes bytes from a full walk of its own  ->  the CLI reads them back and stops at once
//
// Needs the CLI (MITHRIL_LITE_CLI, else target/release or target/debug/mithril-lite: cargo
// build --features cli, or scripts/test.sh's test stage) and the C test program
// (MITHRIL_LITE_C_VERIFY, else target/c/verify_devnet: scripts/test-c.sh). A missing one fails
// the test, naming what to build.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';

import { CertificateVerifier, MemoryTrustStore } from 'mithril-lite';

import { DEVNET, ROOT, loadDevnet, mapSource } from './helpers.mjs';

const devnet = loadDevnet();
const scratch = mkdtempSync(join(tmpdir(), 'mithril-lite-trust-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * The first of `candidates` that exists, else a failure naming how to build it.
 * @param {string | undefined} given
 * @param {string[]} candidates
 * @param {string} how
 */
function program(given, candidates, how) {
  if (given) return given;
  const found = candidates.find((p) => existsSync(p));
  assert.ok(found, `none of ${candidates.join(', ')} exists: ${how}`);
  return found;
}

const cli = () =>
  program(
    process.env.MITHRIL_LITE_CLI,
    ['release', 'debug'].map((p) => join(ROOT, 'target', p, 'mithril-lite')),
    'build the CLI (cargo build --features cli --bin mithril-lite)',
  );
const cProgram = () =>
  program(
    process.env.MITHRIL_LITE_C_VERIFY,
    [join(ROOT, 'target', 'c', 'verify_devnet')],
    'build the C tests (scripts/test-c.sh)',
  );

/**
 * `mithril-lite verify-chain tests/fixtures/devnet --hash LATEST --trust FILE --json`: the JSON
 * verdict.
 * @param {string} file
 */
function cliVerify(file) {
  const args = ['verify-chain', DEVNET, '--hash', devnet.latest, '--trust', file, '--json'];
  const out = execFileSync(cli(), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out);
}

describe('trust bytes round trip: CLI, node, C', () => {
  test('the same bytes, read and written by all three', async () => {
    // 1. The CLI verifies the devnet's latest certificate back to genesis and writes FILE.
    const cliFile = join(scratch, 'cli.mltc');
    const first = cliVerify(cliFile);
    assert.equal(first.valid, true);
    assert.equal(first.certificate, devnet.latest);
    const cliBytes = readFileSync(cliFile);
    assert.equal(cliBytes.subarray(0, 5).toString('latin1'), 'MLTC\x02');
    assert.equal(cliBytes.length, 41 + 40 * first.certificates_checked + 32);

    // 2. Node reads them from its store: the walk stops at the latest certificate itself.
    const store = new MemoryTrustStore();
    const verifier = new CertificateVerifier(devnet.genesisKey, { trustStore: store });
    await store.set(verifier.trustKey, new Uint8Array(cliBytes));
    const checkpoints = await verifier.trustedCheckpoints();
    assert.equal(checkpoints.length, first.certificates_checked);
    /** @type {any[]} */
    const events = [];
    const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates), {
      onProgress: (e) => events.push(e),
    });
    assert.deepEqual(chain.anchor, { kind: 'trusted', hash: devnet.latest });
    assert.equal(chain.certificatesChecked, 1);
    assert.ok(!events.some((e) => e.type === 'trust-ignored'));
    // Nothing new to trust: what node writes back is the CLI's bytes, exactly.
    assert.deepEqual(
      Buffer.from(/** @type {Uint8Array} */ (await store.get(verifier.trustKey))),
      cliBytes,
    );

    // 3. C imports the CLI's bytes, stops at a checkpoint, and exports the same bytes.
    const cOut = join(scratch, 'c.mltc');
    execFileSync(cProgram(), [DEVNET, '--trust-file', cliFile, cOut], { stdio: 'pipe' });
    assert.deepEqual(readFileSync(cOut), cliBytes);

    // 4. Node's own full walk writes bytes the CLI reads back: it stops at once, no warning.
    const own = new MemoryTrustStore();
    const fresh = new CertificateVerifier(devnet.genesisKey, { trustStore: own });
    const full = await fresh.verifyChain(devnet.latest, mapSource(devnet.certificates));
    assert.equal(full.anchor.kind, 'genesis');
    const nodeBytes = /** @type {Uint8Array} */ (await own.get(fresh.trustKey));
    assert.deepEqual(Buffer.from(nodeBytes), cliBytes, 'the same chain gives the same bytes');
    const nodeFile = join(scratch, 'node.mltc');
    writeFileSync(nodeFile, nodeBytes);
    const back = cliVerify(nodeFile);
    assert.equal(back.valid, true);
    assert.equal(back.certificates_checked, 1);
    assert.equal(back.anchor, devnet.latest);

    // 5. A corrupted file is never trusted by the CLI either: a full walk (and a warning).
    const bad = Buffer.from(cliBytes);
    bad[50] ^= 1;
    const badFile = join(scratch, 'bad.mltc');
    writeFileSync(badFile, bad);
    const r = cliVerify(badFile);
    assert.equal(r.valid, true);
    assert.equal(r.certificates_checked, first.certificates_checked);
  });
});
