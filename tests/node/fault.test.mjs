// A fault stays contained: when the wasm module traps (a panic under panic = "abort"), the call
// rejects with a MithrilVerificationError `internal_error` (98), the next call runs on a fresh
// instance, objects of the trapped instance fail with `internal_error` (free() does nothing),
// while no fresh instance can be made every call refuses, and a pool worker whose module traps
// is replaced by one with a fresh instance.
//
// The traps come from the test-only build (cargo feature `fault-injection`, never shipped:
// `scripts/build-wasm.sh --fault-injection` writes target/wasm-fault/dist/web/): `testPanic()`,
// and a certificate body or check job that is exactly FAULT_BYTES (src/wasm/fault.rs). The
// package's own src/ is copied next to that build, so what runs is the package's code.

import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';

import { ROOT, loadDevnet, mapSource } from './helpers.mjs';

const FAULT_BYTES = new TextEncoder().encode('mithril-lite fault injection: panic');

// The package around the fault-injection build.
const copy = mkdtempSync(join(tmpdir(), 'mithril-lite-fault-'));
cpSync(join(ROOT, 'pkg', 'package.json'), join(copy, 'package.json'));
cpSync(join(ROOT, 'pkg', 'src'), join(copy, 'src'), { recursive: true });
cpSync(join(ROOT, 'target', 'wasm-fault', 'dist', 'web'), join(copy, 'dist', 'web'), { recursive: true });
after(() => rmSync(copy, { recursive: true, force: true }));

const at = (/** @type {string} */ file) => pathToFileURL(join(copy, 'src', file)).href;
const pkg = /** @type {typeof import('mithril-lite')} */ (await import(at('node.js')));
const instance = /** @type {typeof import('../../pkg/src/instance.js')} */ (await import(at('instance.js')));
const { WorkerPool } = /** @type {typeof import('../../pkg/src/pool.js')} */ (await import(at('pool.js')));
const { nodeSpawner } = /** @type {typeof import('../../pkg/src/threads-node.js')} */ (
  await import(at('threads-node.js'))
);
const wasm = /** @type {import('../../pkg/src/types.js').WasmBinding & {testPanic(): void}} */ (
  /** @type {unknown} */ (instance.binding())
);

const devnet = loadDevnet();

/** @param {unknown} e */
function isInternalError(e) {
  const err = /** @type {{name?: string, code?: string, numericCode?: number}} */ (e);
  return err.name === 'MithrilVerificationError' && err.code === 'internal_error' && err.numericCode === 98;
}

/** A source that serves FAULT_BYTES for `hash` and the devnet certificates otherwise. */
function trappingSource(/** @type {string} */ hash) {
  return {
    getCertificate: async (/** @type {string} */ h) =>
      h === hash ? FAULT_BYTES : devnet.certificates.get(h),
  };
}

describe('a trap in the wasm module', () => {
  test('testPanic(): the call throws internal_error, the next calls run on a fresh instance', async () => {
    const before = instance.replacements();
    assert.throws(() => wasm.testPanic(), (e) => isInternalError(e) && /trapped \(RuntimeError/.test(/** @type {Error} */ (e).message));
    assert.equal(instance.replacements(), before + 1);
    assert.equal(pkg.version(), wasm.version());
    const verifier = new pkg.CertificateVerifier(devnet.genesisKey, { trustStore: null, workers: 0 });
    const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    assert.equal(chain.hash, devnet.latest);
  });

  for (const workers of [0, 1]) {
    test(`a trap in the middle of a walk (${workers ? 'pool of workers' : 'inline'}): internal_error, then the same verifier verifies the devnet chain`, async () => {
      const verifier = new pkg.CertificateVerifier(devnet.genesisKey, { trustStore: null, workers });
      try {
        // A first walk fills the verifier's key cache (on the instance about to trap).
        await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
        assert.ok(verifier.poolStats().cachedKeys > 0);
        const before = instance.replacements();
        await assert.rejects(verifier.verifyChain(devnet.latest, trappingSource(devnet.latest)), isInternalError);
        assert.equal(instance.replacements(), before + 1);
        // The key cache went with the old instance: dropped, not used.
        assert.equal(verifier.poolStats().cachedKeys, 0);
        const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
        assert.equal(chain.hash, devnet.latest);
        assert.equal(chain.anchor.kind, 'genesis');
        assert.ok(verifier.poolStats().cachedKeys > 0, 'a new key cache on the new instance');
      } finally {
        await verifier.close();
      }
    });
  }

  test('the package export runCheckJob: internal_error, then the library works', async () => {
    assert.throws(() => pkg.runCheckJob(FAULT_BYTES), isInternalError);
    const verifier = new pkg.CertificateVerifier(devnet.genesisKey, { trustStore: null, workers: 0 });
    const chain = await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates));
    assert.equal(chain.hash, devnet.latest);
  });

  test('objects of the trapped instance fail with internal_error; free() does nothing', () => {
    const walk = new wasm.Walk(devnet.genesisKey, devnet.latest, {});
    const cache = new wasm.KeyCache(devnet.genesisKey);
    assert.equal(walk.step().kind, 'fetch');
    assert.equal(wasm.isLive?.(walk), true);
    assert.throws(() => wasm.testPanic(), isInternalError);
    assert.equal(wasm.isLive?.(walk), false);
    assert.throws(() => walk.step(), isInternalError);
    assert.throws(() => walk.feed(devnet.latest, new Uint8Array(0)), isInternalError);
    assert.throws(() => cache.size(), isInternalError);
    // Passed into the new instance: refused too.
    const fresh = new wasm.Walk(devnet.genesisKey, devnet.latest, {});
    assert.throws(() => fresh.useKeyCache(cache), isInternalError);
    walk.free();
    cache.free();
    // The new instance is intact.
    assert.equal(fresh.step().kind, 'fetch');
    fresh.free();
  });

  test('a verified-certificate handle of the trapped instance: its getter and proof checks fail with internal_error', () => {
    const walk = new wasm.Walk(devnet.genesisKey, devnet.latest, {});
    for (;;) {
      const step = /** @type {{kind: string, hash?: string, error?: Error}} */ (walk.step());
      if (step.kind === 'done') {
        assert.equal(step.error, undefined);
        break;
      }
      assert.equal(step.kind, 'fetch');
      const hash = /** @type {string} */ (step.hash);
      const id = walk.feed(hash, new TextEncoder().encode(devnet.certificates.get(hash)));
      if (id !== undefined) walk.runCheck(id);
    }
    const handle = /** @type {import('../../pkg/src/types.js').WasmCertificate} */ (walk.verifiedCertificate());
    walk.free();
    assert.equal(handle.hash, devnet.latest);
    assert.throws(() => wasm.testPanic(), isInternalError);
    assert.throws(() => handle.hash, isInternalError);
    assert.throws(() => handle.verifyBlocksProof(new Uint8Array(0)), isInternalError);
    handle.free();
  });

  test('no fresh instance can be made: every call refuses with internal_error until one can', async () => {
    const Instance = WebAssembly.Instance;
    // The glue makes the fresh instance with `new WebAssembly.Instance`: make that fail.
    WebAssembly.Instance = /** @type {typeof WebAssembly.Instance} */ (
      /** @type {unknown} */ (
        function () {
          throw new RangeError('WebAssembly.Instance(): Out of memory (test)');
        }
      )
    );
    try {
      assert.throws(() => wasm.testPanic(), isInternalError);
      assert.throws(
        () => pkg.version(),
        (e) => isInternalError(e) && /no fresh instance could be made/.test(/** @type {Error} */ (e).message),
      );
      assert.throws(() => pkg.decodeGenesisKey(devnet.genesisKey), isInternalError);
    } finally {
      WebAssembly.Instance = Instance;
    }
    // The next call makes the fresh instance, and works.
    assert.equal(pkg.version(), wasm.version());
    const verifier = new pkg.CertificateVerifier(devnet.genesisKey, { trustStore: null, workers: 0 });
    assert.equal((await verifier.verifyChain(devnet.latest, mapSource(devnet.certificates))).hash, devnet.latest);
  });

  test('a pool worker whose module traps: the job fails, a new worker (a fresh instance) runs the next', async () => {
    const pool = new WorkerPool(nodeSpawner(new URL(at('worker-node.js'))), 1);
    try {
      await assert.rejects(pool.run(FAULT_BYTES), (/** @type {Error} */ e) =>
        e.name === 'WorkerError' && /trapped/.test(e.message),
      );
      // A real check job of the devnet chain's latest certificate, on the replacement.
      const walk = new wasm.Walk(devnet.genesisKey, devnet.latest, {});
      const id = walk.feed(devnet.latest, new TextEncoder().encode(devnet.certificates.get(devnet.latest)));
      assert.equal(typeof id, 'number');
      const outcome = await pool.run(walk.checkJob(/** @type {number} */ (id)));
      walk.completeCheck(/** @type {number} */ (id), outcome);
      assert.equal(walk.hasFailed(), false);
      walk.free();
      const stats = pool.stats();
      assert.equal(stats.workersDied, 1);
      assert.equal(stats.workersStarted, 2);
      assert.equal(stats.jobsCompleted, 1);
      // Two traps in a row do not make the pool give up on workers (they did start).
      await assert.rejects(pool.run(FAULT_BYTES));
      await assert.rejects(pool.run(FAULT_BYTES));
      const again = new wasm.Walk(devnet.genesisKey, devnet.latest, {});
      const id2 = /** @type {number} */ (again.feed(devnet.latest, new TextEncoder().encode(devnet.certificates.get(devnet.latest))));
      again.completeCheck(id2, await pool.run(again.checkJob(id2)));
      assert.equal(again.hasFailed(), false);
      again.free();
    } finally {
      await pool.close();
    }
  });
});
