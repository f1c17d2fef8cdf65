// A fault stays contained, in a page (headless Chromium): when the wasm module traps (a panic
// under panic = "abort"), the call rejects with a MithrilVerificationError `internal_error`
// (98), the next verification of the devnet chain succeeds on a fresh instance (checks on the
// page's pool of Web Workers), and a Web Worker whose module traps is replaced by one with a
// fresh instance.
//
// The traps come from the test-only build (cargo feature `fault-injection`, never shipped:
// `scripts/build-wasm.sh --fault-injection` writes target/wasm-fault/dist/web/): `testPanic()`,
// and a certificate body or check job that is exactly the fault bytes (src/wasm/fault.rs). This
// test serves the package's own src/ with that build on 127.0.0.1.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { loadChain } from '../node/helpers.mjs';
import { DEVNET, ROOT, launchBrowser } from './harness.mjs';

const FAULT_BUILD = path.join(ROOT, 'target', 'wasm-fault', 'dist', 'web');
const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** Exact certificate texts of the devnet fixture (hash -> text), read without parsing numbers. */
const devnetCertificates = () => loadChain(path.join(ROOT, 'tests', 'fixtures', 'devnet'));

/** @type {http.Server} */
let server;
/** @type {string} */
let url;
/** @type {Awaited<ReturnType<typeof launchBrowser>>} */
let browser;
/** @type {import('playwright-core').Page} */
let page;
/** @type {string[]} */
const problems = [];

before(async () => {
  const devnet = devnetCertificates();
  server = http.createServer((req, res) => {
    const p = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    /** @type {string | undefined} */
    let file;
    if (p.startsWith('/pkg/src/')) file = path.join(ROOT, 'pkg', 'src', path.basename(p));
    else if (p.startsWith('/pkg/dist/web/')) file = path.join(FAULT_BUILD, path.basename(p));
    if (file && statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(200, { 'content-type': TYPES[/** @type {'.js'} */ (path.extname(file))] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    } else if (p.startsWith('/certificate/') && devnet.certificates.has(p.slice(13))) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(devnet.certificates.get(p.slice(13)));
    } else if (p === '/genesis.vkey') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(devnet.genesisKey);
    } else if (p === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>fault</title>');
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  url = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}/`;
  browser = await launchBrowser();
  page = await browser.context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url);
  await page.evaluate(async () => {
    const w = /** @type {any} */ (window);
    w.lib = await import('/pkg/src/web.js');
    await w.lib.init();
    w.instance = await import('/pkg/src/instance.js');
    w.genesisKey = (await (await fetch('/genesis.vkey')).text()).trim();
    w.fault = new TextEncoder().encode('mithril-lite fault injection: panic');
    /** The server's devnet certificates, with the fault bytes for `trap`. */
    w.source = (/** @type {string | undefined} */ trap) => ({
      async getCertificate(/** @type {string} */ hash) {
        if (hash === trap) return w.fault;
        const r = await fetch(`/certificate/${hash}`);
        return r.ok ? r.text() : undefined;
      },
    });
    /** @param {any} e */
    w.verdict = (e) => ({ name: e?.name, code: e?.code, numericCode: e?.numericCode, message: String(e?.message) });
  });
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(() => resolve(undefined)) : resolve(undefined)));
});

const INTERNAL = { name: 'MithrilVerificationError', code: 'internal_error', numericCode: 98 };

test('testPanic() and a trap in the middle of a walk reject with internal_error; the next verification succeeds', async () => {
  const r = await page.evaluate(async (newest) => {
    const { lib, instance, genesisKey, source, verdict } = /** @type {any} */ (window);
    const out = /** @type {Record<string, unknown>} */ ({});
    try {
      instance.binding().testPanic();
      out.panic = 'no error';
    } catch (e) {
      out.panic = verdict(e);
    }
    const verifier = new lib.CertificateVerifier(genesisKey, { trustStore: null });
    out.first = (await verifier.verifyChain(newest, source())).hash;
    out.cachedBefore = verifier.poolStats().cachedKeys;
    out.walk = await verifier.verifyChain(newest, source(newest)).then(() => 'verified', verdict);
    out.cachedAfterTrap = verifier.poolStats().cachedKeys;
    const chain = await verifier.verifyChain(newest, source());
    out.after = { hash: chain.hash, anchor: chain.anchor.kind, checked: chain.certificatesChecked };
    out.stats = verifier.poolStats();
    out.replacements = instance.replacements();
    await verifier.close();
    return out;
  }, DEVNET.newest);
  assert.deepEqual({ ...(/** @type {object} */ (r.panic)), message: undefined }, { ...INTERNAL, message: undefined });
  assert.match(/** @type {{message: string}} */ (r.panic).message, /trapped \(RuntimeError/);
  assert.equal(r.first, DEVNET.newest);
  assert.ok(/** @type {number} */ (r.cachedBefore) > 0);
  assert.deepEqual({ ...(/** @type {object} */ (r.walk)), message: undefined }, { ...INTERNAL, message: undefined });
  assert.equal(r.cachedAfterTrap, 0, 'the key cache of the trapped instance is dropped');
  assert.deepEqual(r.after, { hash: DEVNET.newest, anchor: 'genesis', checked: DEVNET.chainLength });
  const stats = /** @type {{mode: string, workersUsed: number}} */ (r.stats);
  assert.equal(stats.mode, 'workers');
  assert.ok(stats.workersUsed > 0, 'the checks ran on Web Workers');
  assert.equal(r.replacements, 2);
  assert.deepEqual(problems, []);
});

test('a Web Worker whose module traps: its job fails, a new worker (a fresh instance) runs the next', async () => {
  const r = await page.evaluate(async (newest) => {
    const { instance, genesisKey, fault, verdict } = /** @type {any} */ (window);
    const { WorkerPool } = await import('/pkg/src/pool.js');
    const { webSpawner } = await import('/pkg/src/threads-web.js');
    const pool = new WorkerPool(webSpawner(() => instance.compiledModule()), 1);
    const out = /** @type {Record<string, unknown>} */ ({});
    out.trap = await pool.run(fault).then(() => 'no error', verdict);
    const wasm = instance.binding();
    const walk = new wasm.Walk(genesisKey, newest, {});
    const text = await (await fetch(`/certificate/${newest}`)).text();
    const id = walk.feed(newest, new TextEncoder().encode(text));
    walk.completeCheck(id, await pool.run(walk.checkJob(id)));
    out.failed = walk.hasFailed();
    walk.free();
    out.stats = pool.stats();
    await pool.close();
    return out;
  }, DEVNET.newest);
  const trap = /** @type {{name: string, message: string}} */ (r.trap);
  assert.equal(trap.name, 'WorkerError');
  assert.match(trap.message, /internal_error|trapped/);
  assert.equal(r.failed, false);
  const stats = /** @type {{workersDied: number, workersStarted: number, jobsCompleted: number}} */ (r.stats);
  assert.deepEqual(
    { died: stats.workersDied, started: stats.workersStarted, completed: stats.jobsCompleted },
    { died: 1, started: 2, completed: 1 },
  );
  assert.deepEqual(problems, []);
});
